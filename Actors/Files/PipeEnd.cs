using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>The read end (ReadOnly) or the write end (WriteOnly) of a pipe; it has no offset. Its pipe's actor serves it.</summary>
internal sealed class PipeEnd(long id, string name, IActorRef pipe, OpenFlags flags)
    : OpenFileDescription(id, name, flags)
{
    public IActorRef Pipe { get; } = pipe;

    public bool IsReadEnd => Flags.CanRead();

    public override long Offset => 0;
}
