using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// A description of a file (or a directory, or a device); reads, writes and seeks move its shared offset. Its actor
/// (<see cref="FileActor"/>) serves them, so only that actor changes the offset; the file system reads it to describe
/// the description to a forked child.
/// </summary>
internal sealed class FileDescription : OpenFileDescription
{
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

    /// <returns><see cref="LibcOk"/> with the bytes written or <see cref="LibcError"/>.</returns>
    public object Write(byte[] data)
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
        return new LibcOk(data.Length);
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
