using System.Diagnostics;

namespace Fork.Actors;

/// <summary>
/// Where a process's program runs: its continuations one at a time on the thread pool (a process is one
/// thread of execution), with the CPU time of each measured, so rusage is what the program really used.
/// </summary>
/// <remarks>
/// A run of continuations (a drain) is measured with the thread's CPU clock (getrusage, user and system apart) when the
/// run before it was long; a program that makes a libc call every few microseconds is charged the wall time of its runs
/// instead, as user time. getrusage costs about 0.4 µs here, as much as such a run itself: reading it twice per run made
/// the bench's pre-fork pool 1.4 times slower. A run without calls does not block its thread (a program waits by
/// awaiting), so its wall time is its CPU time but for the moments the thread was preempted.
/// </remarks>
internal sealed class ProcessSynchronizationContext : SynchronizationContext
{
    // A plain queue under a lock, made with the first post: a concurrent queue costs a kilobyte per process even when idle.
    private readonly Lock _gate = new();
    private Queue<(SendOrPostCallback Callback, object? State)>? _queue;
    private bool _scheduled;
    private long _userTicks;
    private long _systemTicks;

    // Where the running drain started counting (one drain runs at a time, so plain fields suffice), and whether it
    // reads the CPU clock (else the wall clock).
    private long _segmentUser;
    private long _segmentSystem;
    private long _segmentStart;
    private bool _precise;

    /// <summary>A run at least this long is followed by one measured with the CPU clock.</summary>
    private static readonly long LongRun = Stopwatch.Frequency / 5000;

    public TimeSpan UserTime => TimeSpan.FromTicks(Interlocked.Read(ref _userTicks));

    public TimeSpan SystemTime => TimeSpan.FromTicks(Interlocked.Read(ref _systemTicks));

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_gate)
        {
            (_queue ??= new Queue<(SendOrPostCallback, object?)>(4)).Enqueue((d, state));
            if (_scheduled) return;
            _scheduled = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("A process's program cannot be entered synchronously.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>
    /// Called with an exception that escaped the program from an <c>async void</c> method: as in a C program, an
    /// exception nobody catches is abort() (SIGABRT). Exit and a kill unwind by exceptions too; those already ended the
    /// process and are not crashes.
    /// </summary>
    public Action<Exception>? Crashed { get; set; }

    private void Run(SendOrPostCallback callback, object? state)
    {
        try
        {
            callback(state);
        }
        catch (Exception e)
        {
            if (e is not (ProcessExitException or ProcessTerminatedException)) Crashed?.Invoke(e);
        }
    }

    /// <summary>
    /// Count the CPU time used so far by the continuation now running: called as the program ends, so its last
    /// stretch of work is in the usage its parent reaps.
    /// </summary>
    public void Checkpoint()
    {
        var now = Stopwatch.GetTimestamp();
        var wall = now - _segmentStart;
        if (_precise)
        {
            var (user, system) = ThreadCpuClock.Now();
            Interlocked.Add(ref _userTicks, user - _segmentUser);
            Interlocked.Add(ref _systemTicks, system - _segmentSystem);
            (_segmentUser, _segmentSystem) = (user, system);
        }
        else
        {
            Interlocked.Add(ref _userTicks, wall * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
        }

        _segmentStart = now;
        _longRun |= wall >= LongRun;
    }

    // The run now ending was long: the next one reads the CPU clock.
    private bool _longRun;

    /// <summary>The next continuation, or null when the queue is empty (then the next post schedules a drain).</summary>
    private (SendOrPostCallback, object?)? Next()
    {
        lock (_gate)
        {
            if (_queue is { Count: > 0 } queue) return queue.Dequeue();
            _scheduled = false;
            return null;
        }
    }

    private void Drain()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        (_precise, _longRun) = (_longRun, false);
        _segmentStart = Stopwatch.GetTimestamp();
        if (_precise) (_segmentUser, _segmentSystem) = ThreadCpuClock.Now();
        try
        {
            while (Next() is var (callback, state)) Run(callback, state);
        }
        finally
        {
            Checkpoint();
            SetSynchronizationContext(previous);
        }
    }
}
