using Fork.Messages;

namespace Fork.Actors;

/// <summary>The read end (ReadOnly) or the write end (WriteOnly) of a pipe; it has no offset.</summary>
internal sealed class PipeEnd(long id, Pipe pipe, OpenFlags flags)
    : OpenFileDescription(id, pipe.Name, flags)
{
    public Pipe Pipe { get; } = pipe;

    public override long Offset => 0;

    public override IDirectServer Server => Pipe;
}
