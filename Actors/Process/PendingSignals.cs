using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// Caught signals waiting for their handlers: raised by the process's actor, taken by its program at its next libc
/// call. The queue is made with the first signal, so a process that is never signalled carries none.
/// </summary>
internal sealed class PendingSignals
{
    private readonly Lock _gate = new();
    private Queue<Signal>? _queue;

    public void Enqueue(Signal signal)
    {
        lock (_gate) (_queue ??= new Queue<Signal>(2)).Enqueue(signal);
    }

    public bool TryDequeue(out Signal signal)
    {
        lock (_gate)
        {
            if (_queue is { Count: > 0 } queue)
            {
                signal = queue.Dequeue();
                return true;
            }
        }

        signal = default;
        return false;
    }
}
