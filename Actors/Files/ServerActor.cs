using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The actor in front of a pipe or an open file description: its address, for callers that send its reads, writes and
/// seeks as messages (a program whose libc traces every call, a caller that has only the address). The object itself
/// serves them, under its lock (<see cref="IDirectServer"/>). The file system stops it once the last descriptor is gone.
/// </summary>
internal sealed class ServerActor : TracedActor
{
    private readonly IDirectServer _server;
    private readonly string _name;

    public ServerActor(IDirectServer server, string name)
    {
        (_server, _name) = (server, name);
        Receive(message =>
        {
            if (message is not (FsRead or FsWrite or FsSeek or Interrupt)) return false;
            _server.Serve(message, Sender);
            return true;
        });
    }

    protected override int TracePid => 0;

    /// <summary><c>file 4</c>, <c>pipe 2</c>: the kind and number of its actor's name.</summary>
    protected override string TraceName => Self.Path.Name.Replace('-', ' ');

    public static Props Props(IDirectServer server, string name) => FactoryProps.Of(() => new ServerActor(server, name));

    /// <summary>A fault while serving one call answers that call with EIO; the pipe or file and its bytes go on.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            Sender.Tell(new LibcError(Errno.EIO, $"{_name} failed serving {message.GetType().Name}: {e.Message}"));
            return true;
        }
    }
}
