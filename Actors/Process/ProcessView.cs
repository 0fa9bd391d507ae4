using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// What /proc shows of a process, kept up to date by its actor and read by the namespace's file system when a status
/// file is opened: its command (the program's name, inherited at fork, replaced at exec), whether it is stopped,
/// whether its program is blocked in a call, and the bytes of the pages it owns. Single fields written by one actor and
/// read as a snapshot, as Linux's /proc reads a task. For a process on another node than its namespace's, the core keeps
/// one from what the process reports (<see cref="Report"/>): it has no program or memory here, so it is R, T or Z.
/// </summary>
internal sealed class ProcessView(string command)
{
    private volatile string _command = command;
    private long _reportedBytes;
    private volatile bool _stopped;
    private volatile bool _ended;
    private volatile Libc? _libc;
    private volatile AddressSpace? _memory;
    private volatile ProcessEnd? _end;

    public string Command
    {
        get => _command;
        set => _command = value;
    }

    public bool Stopped
    {
        get => _stopped;
        set => _stopped = value;
    }

    /// <summary>The process ended and is not reaped yet: a zombie.</summary>
    public bool Ended
    {
        get => _ended;
        set => _ended = value;
    }

    /// <summary>How the process ended and the pages it owned then (null while it lives): what a zombie shows.</summary>
    public ProcessEnd? End => _end;

    /// <summary>
    /// The process ends with <paramref name="status"/>: written once by its actor, before its memory is released, so the
    /// pages it owned are kept; <see cref="Ended"/> is set after it, so a reader that sees Z sees the status too.
    /// </summary>
    public void Ending(WaitStatus status)
    {
        _end = new ProcessEnd(status, Memory?.ChargedBytes ?? Interlocked.Read(ref _reportedBytes));
        _ended = true;
    }

    /// <summary>The node the process runs on; null: the namespace's own.</summary>
    public Akka.Actor.Address? Node { get; init; }

    /// <summary>What a process on another node said of itself (by the core, its one writer).</summary>
    public void Report(string command, bool stopped, long residentBytes, WaitStatus? end)
    {
        _command = command;
        _stopped = stopped;
        Interlocked.Exchange(ref _reportedBytes, residentBytes);
        if (end is { } status && !_ended) Ending(status);
    }

    public Libc? Libc
    {
        get => _libc;
        set => _libc = value;
    }

    public AddressSpace? Memory
    {
        get => _memory;
        set => _memory = value;
    }

    /// <summary>Linux's state letter and word: Z (zombie), T (stopped), S (sleeping: blocked in a call), R (running).</summary>
    public (char Letter, string Word) State =>
        Ended ? ('Z', "zombie") : Stopped ? ('T', "stopped") : Libc?.IsBlocked == true ? ('S', "sleeping") : ('R', "running");

    public long ResidentBytes => Ended ? 0 : Memory?.ChargedBytes ?? Interlocked.Read(ref _reportedBytes);
}

/// <summary>The wait status a process ended with and the bytes of the pages it owned when it did.</summary>
internal sealed record ProcessEnd(WaitStatus Status, long ResidentBytes);
