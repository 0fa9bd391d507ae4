using Akka.Actor;

namespace Fork.Actors;

/// <summary>
/// Where the reply to one libc call goes: an actor reference that completes the call's task when the process (or
/// the file system or core it forwarded the call to) answers. Unlike an Ask it creates no temporary actor and
/// registers nothing: the process and its program always live on the same node, so the reply never needs a path.
/// </summary>
internal sealed class LibcCall : MinimalActorRef
{
    private readonly TaskCompletionSource<object> _reply;

    /// <param name="resumeInline">True when the caller awaits on its process's context, which posts the continuation
    /// itself; otherwise the continuation goes to the thread pool, never onto the answering actor's thread.</param>
    public LibcCall(ActorPath path, IActorRefProvider provider, bool resumeInline)
    {
        Path = path;
        Provider = provider;
        _reply = new TaskCompletionSource<object>(resumeInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public override ActorPath Path { get; }

    public override IActorRefProvider Provider { get; }

    public Task<object> Reply => _reply.Task;

    /// <summary>The process was killed: the call unwinds the program.</summary>
    public void Abandon(Exception reason) => _reply.TrySetException(reason);

    protected override void TellInternal(object message, IActorRef sender) => _reply.TrySetResult(message);
}
