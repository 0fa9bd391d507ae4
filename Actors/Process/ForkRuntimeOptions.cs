using Fork.Messages;

namespace Fork.Actors;

/// <summary>Limits and sizes of a runtime; bound from the host's <c>Fork</c> section.</summary>
public sealed record ForkRuntimeOptions
{
    /// <summary>
    /// RAM of init's account: what the namespace may hold. With the default reserve that is about 130 000 live processes
    /// (100 000 fit with room for their pages); a fork bomb is refused with EAGAIN when it is spent.
    /// </summary>
    public long InitRamQuota { get; init; } = 2L * 1024 * 1024 * 1024;

    public long InitCapQuota { get; init; } = 1L << 20;

    public long ForkRamQuota { get; init; } = 2_500_000;

    public int ForkCapQuota { get; init; } = 100;

    public int CloneBufferSize { get; init; } = 512 * 1024;

    /// <summary>
    /// What a forked process keeps of its start quota once it is ready, for as long as it lives: about what a live process
    /// costs its host. The rest goes back to its parent; pages it writes later are charged as it writes them.
    /// </summary>
    public long ProcessRamReserve { get; init; } = 16 * 1024;

    /// <summary>The capabilities a forked process keeps of its start quota once it is ready.</summary>
    public int ProcessCapReserve { get; init; } = 1;

    /// <summary>
    /// The host's standard streams, or null. When set, /dev/host/stdin, /dev/host/stdout and /dev/host/stderr read and
    /// write them, and init's descriptors 0, 1 and 2 are open on them (else on /dev/null).
    /// </summary>
    public HostStreams? HostStreams { get; init; }

    public int PidMax { get; init; } = 4_194_304;

    /// <summary>
    /// Keep every process that lives in the runtime's namespaces, with how it ended, for
    /// <see cref="ForkRuntime.History"/> (the final tree of a run). Off by default: then nothing is recorded and a fork
    /// pays one null check. On, it costs an entry of a few dozen bytes per process for the runtime's lifetime.
    /// </summary>
    public bool KeepHistory { get; init; }

    /// <summary>
    /// How long a fork placed on another node waits for that node's spawner to answer before it fails with EHOSTUNREACH
    /// (and is undone); bound from <c>Fork:SpawnTimeout</c>.
    /// </summary>
    public TimeSpan SpawnTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Clock of the namespace's RTC and timer services.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ForkRuntimeOptions WithQuota(long initRam, long initCaps) => this with { InitRamQuota = initRam, InitCapQuota = initCaps };

    public ForkRuntimeOptions WithPidMax(int pidMax) => this with { PidMax = pidMax };

    internal Quota ForkQuota => new(ForkRamQuota, ForkCapQuota);

    internal Quota ProcessReserve => new(ProcessRamReserve, ProcessCapReserve);

    /// <summary>Genode's Local_clone_service: RAM_QUOTA = buffer + 4096, CAP_QUOTA = 2.</summary>
    internal Quota CloneSessionQuota => new(CloneBufferSize + 4096L, 2);

    /// <summary>Every problem of these options, each as a sentence naming the option.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (InitRamQuota <= 0) problems.Add($"InitRamQuota must be positive (was {InitRamQuota}).");
        if (InitCapQuota <= 0 || InitCapQuota > int.MaxValue) problems.Add($"InitCapQuota must be between 1 and {int.MaxValue} (was {InitCapQuota}).");
        if (ForkRamQuota <= CloneBufferSize + 4096L) problems.Add($"ForkRamQuota must exceed the clone session's quota of CloneBufferSize + 4096 = {CloneBufferSize + 4096L} bytes (was {ForkRamQuota}).");
        if (ForkCapQuota < 2) problems.Add($"ForkCapQuota must be at least 2, the clone session's caps (was {ForkCapQuota}).");
        if (CloneBufferSize < MemoryImage.PageSize || CloneBufferSize % MemoryImage.PageSize != 0)
            problems.Add($"CloneBufferSize must be a positive multiple of {MemoryImage.PageSize} (was {CloneBufferSize}).");
        if (ProcessRamReserve < 0 || ProcessRamReserve > ForkRamQuota) problems.Add($"ProcessRamReserve must be between 0 and ForkRamQuota ({ForkRamQuota}) (was {ProcessRamReserve}).");
        if (ProcessCapReserve < 0 || ProcessCapReserve > ForkCapQuota) problems.Add($"ProcessCapReserve must be between 0 and ForkCapQuota ({ForkCapQuota}) (was {ProcessCapReserve}).");
        if (PidMax < 2) problems.Add($"PidMax must be at least 2 (was {PidMax}).");
        if (SpawnTimeout <= TimeSpan.Zero) problems.Add($"SpawnTimeout must be positive (was {SpawnTimeout}).");
        return problems;
    }
}

/// <summary>Streams of the host a namespace's init reads and writes as its descriptors 0, 1 and 2.</summary>
public sealed record HostStreams(Stream Input, Stream Output, Stream Error)
{
    /// <summary>The console of the host process.</summary>
    public static HostStreams Console() =>
        new(System.Console.OpenStandardInput(), System.Console.OpenStandardOutput(), System.Console.OpenStandardError());
}
