namespace Fork.Actors;

/// <summary>The contents of one file (or the root directory) of a namespace's in-memory file system.</summary>
internal sealed class Inode
{
    /// <summary>No file grows beyond this; a write that would is refused with ENOMEM (there is no EFBIG).</summary>
    public const long MaxLength = 64L * 1024 * 1024;

    // Bytes beyond Length are always zero, so a write past the end leaves a gap of zeros.
    private byte[] _data = [];

    private Inode(bool isDirectory, bool discards = false)
    {
        IsDirectory = isDirectory;
        Discards = discards;
    }

    public bool IsDirectory { get; }

    /// <summary>The null device: reads are at end of file, writes vanish.</summary>
    public bool Discards { get; }

    public long Length { get; private set; }

    public static Inode NewFile() => new(isDirectory: false);

    public static Inode NewDirectory() => new(isDirectory: true);

    public static Inode NewNullDevice() => new(isDirectory: false, discards: true);

    /// <summary>At most <paramref name="count"/> bytes from <paramref name="offset"/>; empty at or past the end.</summary>
    public byte[] Read(long offset, int count)
    {
        if (offset >= Length)
        {
            return [];
        }

        var length = (int)Math.Min(count, Length - offset);
        return _data.AsSpan((int)offset, length).ToArray();
    }

    /// <returns>false, and nothing written, when the file would grow beyond <see cref="MaxLength"/>.</returns>
    public bool TryWrite(long offset, ReadOnlySpan<byte> data)
    {
        // POSIX: writing zero bytes to a regular file changes nothing, wherever the offset is.
        if (data.IsEmpty || Discards)
        {
            return true;
        }

        if (offset > MaxLength - data.Length)
        {
            return false;
        }

        var end = offset + data.Length;
        if (end > _data.Length)
        {
            Array.Resize(ref _data, (int)Math.Min(MaxLength, Math.Max(end, 2L * _data.Length)));
        }

        data.CopyTo(_data.AsSpan((int)offset));
        Length = Math.Max(Length, end);
        return true;
    }

    public void Truncate()
    {
        _data = [];
        Length = 0;
    }
}
