using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// A description of a file (or a directory, or a device); reads, writes and seeks move its shared offset. A program's
/// libc calls <see cref="Serve"/> itself, or sends the call to the description's actor (<see cref="ServerActor"/>) when
/// it traces every call; either way under the description's lock, so its offset moves one call at a time.
/// </summary>
internal sealed class FileDescription : OpenFileDescription, IDirectServer
{
    private readonly Lock _gate = new();
    private long _position;

    public FileDescription(long id, string path, OpenFlags flags, Inode inode)
        : base(id, path, flags)
    {
        Inode = inode;
        inode.Open();
    }

    public Inode Inode { get; }

    /// <summary>The actor that serves this description's reads, writes and seeks.</summary>
    public IActorRef Actor { get; set; } = ActorRefs.Nobody;

    public long Position => Volatile.Read(ref _position);

    /// <summary>The last descriptor was closed: the file system let the file go, and no call is served any more.</summary>
    public bool IsClosed => _closed;

    private volatile bool _closed;

    public void Close()
    {
        _closed = true;
        Inode.Close();
    }

    public override long Offset => Position;

    public override IDirectServer Server => this;

    /// <summary>A read, write or seek of a call whose answer goes to <paramref name="replyTo"/>; a file's calls never wait.</summary>
    public void Serve(object request, IActorRef replyTo)
    {
        if (Inode.Device == Device.Host && !IsClosed && ServeHost(request, replyTo)) return;
        object? answer;
        lock (_gate)
        {
            answer = request switch
            {
                FsRead or FsWrite or FsSeek or DirectRead or DirectWrite when IsClosed => new LibcError(Errno.EBADF, $"{Path} was closed"),
                DirectRead read when !Flags.CanRead() => new LibcError(Errno.EBADF, $"description {read.Description} ({Path}) is not open for reading"),
                DirectRead read => ReadInto(read.Into.Span),
                DirectWrite write when !Flags.CanWrite() => new LibcError(Errno.EBADF, $"description {write.Description} ({Path}) is not open for writing"),
                DirectWrite write => Write(write.Data.Span),
                FsRead read when !Flags.CanRead() => new LibcError(Errno.EBADF, $"description {read.Description} ({Path}) is not open for reading"),
                FsRead { Count: < 0 } read => new LibcError(Errno.EINVAL, $"cannot read {read.Count} bytes"),
                FsRead read => Read(read.Count),
                FsWrite write when !Flags.CanWrite() => new LibcError(Errno.EBADF, $"description {write.Description} ({Path}) is not open for writing"),
                FsWrite write => Write(write.Data),
                FsSeek seek => Seek(seek.Offset, seek.Origin),
                Interrupt => null,
                _ => throw new ArgumentException($"a file does not serve {request.GetType().Name}", nameof(request)),
            };
        }

        if (answer is not null) replyTo.Tell(answer, Actor);
    }

    /// <summary>
    /// A host stream: a read waits for the host's input without holding the description (the answer comes when it does);
    /// a write goes out at once. False for what a device does not do differently (seek, interrupt).
    /// </summary>
    private bool ServeHost(object request, IActorRef replyTo)
    {
        var stream = Inode.Stream!;
        switch (request)
        {
            case DirectRead read when Flags.CanRead():
                _ = stream.ReadAsync(read.Into).AsTask().ContinueWith(
                    t => replyTo.Tell(t.IsCompletedSuccessfully ? LibcOk.Of(t.Result) : new LibcError(Errno.EIO, $"{Path}: {t.Exception?.GetBaseException().Message}"), Actor),
                    TaskScheduler.Default);
                return true;
            case FsRead { Count: >= 0 } read when Flags.CanRead():
                var buffer = new byte[read.Count];
                _ = stream.ReadAsync(buffer).AsTask().ContinueWith(
                    t => replyTo.Tell(t.IsCompletedSuccessfully ? new DataRead(buffer[..t.Result]) : new LibcError(Errno.EIO, $"{Path}: {t.Exception?.GetBaseException().Message}"), Actor),
                    TaskScheduler.Default);
                return true;
            case DirectWrite or FsWrite when Flags.CanWrite():
                var data = request is DirectWrite direct ? direct.Data : ((FsWrite)request).Data;
                lock (_gate)
                {
                    stream.Write(data.Span);
                    stream.Flush();
                }

                replyTo.Tell(LibcOk.Of(data.Length), Actor);
                return true;
            default:
                return false;
        }
    }

    /// <returns><see cref="DataRead"/> (empty at end of file) or <see cref="LibcError"/>.</returns>
    public object Read(int count)
    {
        if (Inode.IsDirectory)
        {
            return new LibcError(Errno.EISDIR, $"{Path} is a directory");
        }

        var data = Inode.Read(_position, count);
        Volatile.Write(ref _position, _position + data.Length);
        return new DataRead(data);
    }

    private object ReadInto(Span<byte> into)
    {
        if (Inode.IsDirectory) return new LibcError(Errno.EISDIR, $"{Path} is a directory");
        var count = Inode.Read(_position, into);
        Volatile.Write(ref _position, _position + count);
        return LibcOk.Of(count);
    }

    /// <returns><see cref="LibcOk"/> with the bytes written or <see cref="LibcError"/>.</returns>
    public object Write(ReadOnlySpan<byte> data)
    {
        // POSIX: with O_APPEND the offset is set to the end of the file before each write, in the same step.
        long? offset = Flags.HasFlag(OpenFlags.Append) ? null : _position;
        switch (Inode.TryWrite(offset, data, out var end))
        {
            case Errno.EFBIG:
                return new LibcError(Errno.EFBIG, $"{Path} would grow beyond {Inode.MaxLength} bytes");
            case Errno.ENOSPC:
                return new LibcError(Errno.ENOSPC, $"the namespace's files would hold more than its quota or {FileTree.Capacity} bytes");
        }

        Volatile.Write(ref _position, end);
        return LibcOk.Of(data.Length);
    }

    /// <returns><see cref="LibcOk"/> with the new offset or <see cref="LibcError"/>.</returns>
    public object Seek(long offset, SeekOrigin origin)
    {
        long? start = origin switch
        {
            SeekOrigin.Begin => 0,
            SeekOrigin.Current => _position,
            SeekOrigin.End => Inode.Length,
            _ => null,
        };
        var overflows = offset > 0 && start > long.MaxValue - offset;
        var target = start is { } from && !overflows ? from + offset : -1;
        if (target < 0)
        {
            return new LibcError(Errno.EINVAL, $"seek to {offset} from {origin} of {Path} is out of range");
        }

        Volatile.Write(ref _position, target);
        return new LibcOk(target);
    }
}
