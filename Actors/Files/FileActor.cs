using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// One open file description's actor: its address for callers that send its reads, writes and seeks as messages (a
/// program whose libc traces every call, a caller that has only the address), served by the description itself under
/// its lock (<see cref="FileDescription"/>). The file system stops it when the last descriptor is closed.
/// </summary>
internal sealed class FileActor : TracedActor
{
    private readonly FileDescription _file;

    public FileActor(FileDescription file)
    {
        _file = file;
        Receive(message =>
        {
            if (message is not (FsRead or FsWrite or FsSeek or Interrupt)) return false;
            _file.Serve(message, Sender);
            return true;
        });
    }

    protected override int TracePid => 0;

    public static Props Props(FileDescription file) => FactoryProps.Of(() => new FileActor(file));

    /// <summary>A fault while serving one call answers that call with EIO; the description goes on.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            Sender.Tell(new LibcError(Errno.EIO, $"{_file.Path} failed serving {message.GetType().Name}: {e.Message}"));
            return true;
        }
    }
}
