using Fork.Messages;

namespace Fork.Actors;

/// <summary>A description of a file (or the root directory); reads, writes and seeks move its shared offset.</summary>
internal sealed class FileDescription(long id, string path, OpenFlags flags, Inode inode)
    : OpenFileDescription(id, path, flags)
{
    public Inode Inode { get; } = Opened(inode);

    public long Position { get; private set; }

    public override long Offset => Position;

    private static Inode Opened(Inode inode)
    {
        inode.Opened++;
        return inode;
    }

    /// <summary>The description is gone: an unlinked file with no other description goes too (POSIX).</summary>
    public void Closed()
    {
        Inode.Opened--;
        Inode.ReleaseIfUnused();
    }

    /// <returns><see cref="DataRead"/> (empty at end of file) or <see cref="LibcError"/>.</returns>
    public object Read(int count)
    {
        if (Inode.IsDirectory)
        {
            return new LibcError(Errno.EISDIR, $"{Path} is a directory");
        }

        var data = Inode.Read(Position, count);
        Position += data.Length;
        return new DataRead(data);
    }

    /// <returns><see cref="LibcOk"/> with the bytes written or <see cref="LibcError"/>.</returns>
    public object Write(byte[] data)
    {
        // POSIX: with O_APPEND the offset is set to the end of the file before each write.
        var offset = Flags.HasFlag(OpenFlags.Append) ? Inode.Length : Position;
        switch (Inode.TryWrite(offset, data))
        {
            case Errno.EFBIG:
                return new LibcError(Errno.EFBIG, $"{Path} would grow beyond {Inode.MaxLength} bytes");
            case Errno.ENOSPC:
                return new LibcError(Errno.ENOSPC, $"the namespace's files would hold more than {FileTree.Capacity} bytes");
        }

        Position = offset + data.Length;
        return new LibcOk(data.Length);
    }

    /// <returns><see cref="LibcOk"/> with the new offset or <see cref="LibcError"/>.</returns>
    public object Seek(long offset, SeekOrigin origin)
    {
        long? start = origin switch
        {
            SeekOrigin.Begin => 0,
            SeekOrigin.Current => Position,
            SeekOrigin.End => Inode.Length,
            _ => null,
        };
        var overflows = offset > 0 && start > long.MaxValue - offset;
        var target = start is { } from && !overflows ? from + offset : -1;
        if (target < 0)
        {
            return new LibcError(Errno.EINVAL, $"seek to {offset} from {origin} of {Path} is out of range");
        }

        Position = target;
        return new LibcOk(target);
    }
}
