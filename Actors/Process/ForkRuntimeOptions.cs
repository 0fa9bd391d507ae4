using Fork.Messages;

namespace Fork.Actors;

/// <summary>Limits and sizes of a runtime; bound from the host's <c>Fork</c> section.</summary>
public sealed record ForkRuntimeOptions
{
    /// <summary>RAM of init's account: room for about a hundred forks, so a fork bomb is refused.</summary>
    public long InitRamQuota { get; init; } = 256L * 1024 * 1024;

    public long InitCapQuota { get; init; } = 10_000;

    public long ForkRamQuota { get; init; } = 2_500_000;

    public int ForkCapQuota { get; init; } = 100;

    public int CloneBufferSize { get; init; } = 512 * 1024;

    public int PidMax { get; init; } = 4_194_304;

    /// <summary>Clock of the namespace's RTC and timer services.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ForkRuntimeOptions WithQuota(long initRam, long initCaps) => this with { InitRamQuota = initRam, InitCapQuota = initCaps };

    public ForkRuntimeOptions WithPidMax(int pidMax) => this with { PidMax = pidMax };

    internal Quota ForkQuota => new(ForkRamQuota, ForkCapQuota);

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
        if (PidMax < 2) problems.Add($"PidMax must be at least 2 (was {PidMax}).");
        return problems;
    }
}
