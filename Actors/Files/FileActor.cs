using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// One open file description's actor: the reads, writes and seeks of every descriptor that refers to it (in one
/// process after dup, across processes after fork) come here straight from their libc, so calls on different open
/// files proceed in parallel and the file system's actor is not on their path. The file system stops it when the last
/// descriptor is closed, with a message that comes after every call made before that close.
/// </summary>
internal sealed class FileActor : TracedActor
{
    private readonly FileDescription _file;

    public FileActor(FileDescription file)
    {
        _file = file;
        Receive(OnFile);
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

    private bool OnFile(object message)
    {
        switch (message)
        {
            case DescriptionClosed:
                Context.Stop(Self);
                return true;
            // A call that raced with the last close of its description (another thread of the program closed it).
            case FsRead or FsWrite or FsSeek when _file.IsClosed:
                Sender.Tell(new LibcError(Errno.EBADF, $"{_file.Path} was closed"));
                return true;
            case FsRead read when !_file.Flags.CanRead():
                Sender.Tell(new LibcError(Errno.EBADF, $"description {read.Description} ({_file.Path}) is not open for reading"));
                return true;
            case FsRead { Count: < 0 } read:
                Sender.Tell(new LibcError(Errno.EINVAL, $"cannot read {read.Count} bytes"));
                return true;
            case FsRead read:
                Sender.Tell(_file.Read(read.Count));
                return true;
            case FsWrite write when !_file.Flags.CanWrite():
                Sender.Tell(new LibcError(Errno.EBADF, $"description {write.Description} ({_file.Path}) is not open for writing"));
                return true;
            case FsWrite write:
                Sender.Tell(_file.Write(write.Data));
                return true;
            case FsSeek seek:
                Sender.Tell(_file.Seek(seek.Offset, seek.Origin));
                return true;
            // Nothing waits here: a file's calls never block.
            case Interrupt:
                return true;
            default:
                return false;
        }
    }
}
