using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// One pipe's actor: its address for callers that send its reads and writes as messages (a program whose libc traces
/// every call, a caller that has only the address), served by the pipe itself under its lock (<see cref="Pipe"/>).
/// The file system stops it once both ends are closed.
/// </summary>
internal sealed class PipeActor : TracedActor
{
    private readonly Pipe _pipe;

    public PipeActor(Pipe pipe)
    {
        _pipe = pipe;
        Receive(message =>
        {
            if (message is not (FsRead or FsWrite or FsSeek or Interrupt)) return false;
            _pipe.Serve(message, Sender);
            return true;
        });
    }

    protected override int TracePid => 0;

    public static Props Props(Pipe pipe) => FactoryProps.Of(() => new PipeActor(pipe));

    /// <summary>A fault while serving one call answers that call with EIO; the pipe and its bytes go on.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            Sender.Tell(new LibcError(Errno.EIO, $"{_pipe.Name} failed serving {message.GetType().Name}: {e.Message}"));
            return true;
        }
    }
}
