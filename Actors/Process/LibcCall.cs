using System.Threading.Tasks.Sources;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

/// <summary>
/// Where the reply to one libc call goes: an actor reference that completes the call when whoever serves it (the
/// process, a pipe, an open file, the file system, the core) answers. Unlike an Ask it creates no temporary actor and
/// registers nothing: the process and its program always live on the same node, so the reply never needs a path. It is
/// its own awaitable (a value task source, used once), so a call costs no task of its own.
/// </summary>
internal sealed class LibcCall : MinimalActorRef, IValueTaskSource<object>
{
    private ManualResetValueTaskSourceCore<object> _reply;
    private int _completed;

    /// <param name="server">The actor the call was sent to: where an <see cref="Fork.Messages.Interrupt"/> goes.</param>
    /// <param name="interruptible">A call that may block (read, write, wait4, sleep): a caught signal interrupts it.</param>
    /// <param name="resumeInline">True when the caller awaits on its process's context, which posts the continuation
    /// itself; otherwise the continuation goes to the thread pool, never onto the answering actor's thread.</param>
    public LibcCall(ActorPath path, IActorRefProvider provider, IActorRef server, bool interruptible, bool resumeInline)
    {
        Path = path;
        Provider = provider;
        Server = server;
        Interruptible = interruptible;
        _reply.RunContinuationsAsynchronously = !resumeInline;
    }

    public override ActorPath Path { get; }

    public override IActorRefProvider Provider { get; }

    public IActorRef Server { get; }

    public bool Interruptible { get; }

    /// <summary>The object the call was made on directly, if it was (then an interrupt goes there the same way).</summary>
    public IDirectServer? Direct { get; init; }

    /// <summary>
    /// Called with a reply that comes after the call was abandoned (the process was killed while it waited): what the
    /// reply holds (an open description) is given back instead of being lost.
    /// </summary>
    public Action<object>? Late { get; init; }

    /// <summary>While the trace is on: where the answer is recorded, as received by <c>Libc PID</c>.</summary>
    public (ForkTracing Tracing, ILogger Logger, string Name)? Trace { get; init; }

    /// <summary>The fork the call started, as its server said when it received it: the answer belongs to it too.</summary>
    public string? TraceFork { get; set; }

    /// <summary>The answer, to be awaited once.</summary>
    public ValueTask<object> Reply => new(this, _reply.Version);

    /// <summary>Tell whoever serves the call that a signal (or the process's end) interrupts it.</summary>
    public void Interrupt()
    {
        if (Direct is { } direct) direct.Serve(Messages.Interrupt.Instance, this);
        else Server.Tell(Messages.Interrupt.Instance, this);
    }

    /// <summary>The process was killed: the call unwinds the program.</summary>
    public void Abandon(Exception reason)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0) _reply.SetException(reason);
    }

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (Trace is var (tracing, logger, name)) tracing.Received(logger, sender, name, "Call", message, TraceFork);
        if (Interlocked.Exchange(ref _completed, 1) == 0) _reply.SetResult(message);
        else Late?.Invoke(message);
    }

    object IValueTaskSource<object>.GetResult(short token) => _reply.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<object>.GetStatus(short token) => _reply.GetStatus(token);

    void IValueTaskSource<object>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _reply.OnCompleted(continuation, state, token, flags);
}
