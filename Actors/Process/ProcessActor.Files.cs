using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// The descriptor table: descriptors are this process's; the open file descriptions they name are the
// namespace file system's, shared with forked children (POSIX).
internal sealed partial class ProcessActor
{
    private readonly DescriptorTable _fds = new();

    private bool OnFiles(object message)
    {
        switch (message)
        {
            case OpenFile open: Handle(open); return true;
            case Opened opened: Handle(opened); return true;
            case ReadFile read:
                if (Lookup(read.Fd) is { } readFrom) _setup.FileSystem.Forward(new FsRead(readFrom.Description, read.Count, Pid));
                return true;
            case WriteFile write:
                if (Lookup(write.Fd) is { } writeTo) _setup.FileSystem.Forward(new FsWrite(writeTo.Description, write.Data));
                return true;
            case SeekFile seek:
                if (Lookup(seek.Fd) is { } seekIn) _setup.FileSystem.Forward(new FsSeek(seekIn.Description, seek.Offset, seek.Origin));
                return true;
            case CloseFile close: Handle(close); return true;
            case OpenPipe pipe: Handle(pipe); return true;
            default: return OnDirectories(message);
        }
    }

    /// <summary>The descriptor <paramref name="fd"/> names, or null after answering the caller EBADF.</summary>
    private Descriptor? Lookup(int fd)
    {
        if (_fds.TryGet(fd, out var descriptor)) return descriptor;
        Sender.Tell(BadDescriptor(fd));
        return null;
    }

    private void Handle(OpenFile open)
    {
        var replyTo = Sender;
        _setup.FileSystem.Ask<object>(new FsOpen(open.Path, open.Flags))
            .PipeTo(Self, success: reply => new Opened(replyTo, reply, open.Flags.HasFlag(OpenFlags.CloseOnExec)));
    }

    private void Handle(OpenPipe _)
    {
        var replyTo = Sender;
        _setup.FileSystem.Ask<object>(FsPipe.Instance).PipeTo(Self, success: reply => new Opened(replyTo, reply, false));
    }

    private void Handle(Opened opened)
    {
        switch (opened.Reply)
        {
            case DescriptionOpened file:
                opened.ReplyTo.Tell(Allocate(file.Description, opened.CloseOnExec) is { } fd ? new LibcOk(fd) : TooMany(file.Description));
                break;
            case PipeCreated pipe:
                if (Allocate(pipe.ReadDescription, false) is not { } readFd)
                {
                    opened.ReplyTo.Tell(TooMany(pipe.ReadDescription, pipe.WriteDescription));
                }
                else if (Allocate(pipe.WriteDescription, false) is not { } writeFd)
                {
                    _fds.Remove(readFd, out _);
                    opened.ReplyTo.Tell(TooMany(pipe.ReadDescription, pipe.WriteDescription));
                }
                else
                {
                    opened.ReplyTo.Tell(new PipeOpened(readFd, writeFd));
                }

                break;
            default:
                opened.ReplyTo.Tell(opened.Reply);
                break;
        }
    }

    private void Handle(CloseFile close)
    {
        if (!_fds.Remove(close.Fd, out var descriptor))
        {
            Sender.Tell(BadDescriptor(close.Fd));
            return;
        }

        _setup.FileSystem.Tell(new FsRelease(descriptor.Description));
        Sender.Tell(LibcOk.Zero);
    }

    /// <summary>POSIX: the lowest descriptor not open.</summary>
    private int? Allocate(long description, bool closeOnExec) => _fds.Allocate(description, closeOnExec);

    private LibcError TooMany(params long[] descriptions)
    {
        foreach (var description in descriptions) _setup.FileSystem.Tell(new FsRelease(description));
        return new LibcError(Errno.EMFILE, $"process {Pid} has {DescriptorTable.Limit} descriptors open");
    }

    /// <summary>The process ended: its reads stop waiting and its descriptors close, in one message to the file system.</summary>
    private void CloseAllDescriptors() =>
        _setup.FileSystem.Tell(new FsProcessEnded(Pid, [.. _fds.TakeAll().Select(d => d.Description)]));

    private static LibcError BadDescriptor(int fd) => new(Errno.EBADF, $"descriptor {fd} is not open");

    /// <summary>The file system answered an open or pipe of <paramref name="ReplyTo"/>.</summary>
    private sealed record Opened(IActorRef ReplyTo, object Reply, bool CloseOnExec);
}
