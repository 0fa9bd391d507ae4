using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// What a process's actor tells its program about signals: the caught signals waiting for their handlers (raised by the
/// actor, taken by the program at its next libc call, or at once when it is blocked), and whether the process is
/// stopped (a stopped program's next call waits for SIGCONT). The queue is made with the first signal, so a process that
/// is never signalled carries none.
/// </summary>
internal sealed class PendingSignals
{
    private readonly Lock _gate = new();
    private Queue<Signal>? _queue;
    // Read without the lock by every libc call (most find no signal and a running process): written under it.
    private volatile int _count;
    private volatile TaskCompletionSource? _continued;

    /// <summary>Called (on the actor's thread) after a signal was queued: the program's libc interrupts its blocked calls.</summary>
    public Action? Arrived { get; set; }

    public bool IsEmpty => _count == 0;

    public void Enqueue(Signal signal)
    {
        lock (_gate)
        {
            (_queue ??= new Queue<Signal>(2)).Enqueue(signal);
            _count = _queue.Count;
        }

        Arrived?.Invoke();
    }

    public bool TryDequeue(out Signal signal)
    {
        if (_count > 0)
        {
            lock (_gate)
            {
                if (_queue is { Count: > 0 } queue)
                {
                    signal = queue.Dequeue();
                    _count = queue.Count;
                    return true;
                }
            }
        }

        signal = default;
        return false;
    }

    /// <summary>The process stopped: calls that do not go through its actor wait for <see cref="Continue"/>.</summary>
    public void Stop()
    {
        lock (_gate) _continued ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Continue()
    {
        TaskCompletionSource? continued;
        lock (_gate) (continued, _continued) = (_continued, null);
        continued?.TrySetResult();
    }

    /// <summary>Completes when the process runs again; null while it runs.</summary>
    public Task? WhileStopped => _continued?.Task;
}
