using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// One file of a namespace's in-memory file system: a regular file's bytes, a directory's entries, or a device.
/// Links count names (a directory: its own, its "." and each subdirectory's ".."); an unlinked file lives on
/// while an open file description refers to it.
/// </summary>
/// <remarks>
/// Names and directories are the file system actor's alone. A file's bytes are read and written by the actors of the
/// open file descriptions that refer to it (one per open, so reads and writes of different files proceed in parallel)
/// and truncated by the file system: its bytes, length and open count change under the inode's lock.
/// </remarks>
internal sealed class Inode
{
    private readonly Lock _gate = new();
    /// <summary>No file grows beyond this; a write that would is refused with EFBIG.</summary>
    public const long MaxLength = 64L * 1024 * 1024;

    private readonly FileSpace? _space;

    // Bytes beyond Length are always zero, so a write past the end leaves a gap of zeros.
    private byte[] _data = [];

    private Inode(FileKind kind, Device device, FileSpace? space)
    {
        Kind = kind;
        Device = device;
        _space = space;
        Links = kind == FileKind.Directory ? 2 : 1;
        if (kind == FileKind.Directory) Entries = new SortedDictionary<string, Inode>(StringComparer.Ordinal);
    }

    public FileKind Kind { get; }

    public Device Device { get; }

    public bool IsDirectory => Kind == FileKind.Directory;

    /// <summary>A directory's entries by name (without "." and ".."); null for anything else.</summary>
    public SortedDictionary<string, Inode>? Entries { get; }

    /// <summary>A directory's parent (the root's is the root); null for anything else.</summary>
    public Inode? Parent { get; set; }

    public int Links { get; set; }

    // Open file descriptions that refer to this file.
    private int _opened;
    private long _length;

    public long Length
    {
        get { lock (_gate) return _length; }
    }

    /// <summary>One more open file description refers to this file.</summary>
    public void Open()
    {
        lock (_gate) _opened++;
    }

    /// <summary>A description was closed: an unlinked file that no description refers to any more goes (POSIX).</summary>
    public void Close()
    {
        lock (_gate)
        {
            _opened--;
            ReleaseIfUnusedLocked();
        }
    }

    public static Inode NewFile(FileSpace space) => new(FileKind.RegularFile, Device.None, space);

    /// <summary>
    /// /bin/NAME: a registered program as a file. Reading it gives a short description, not a program body; it cannot be
    /// written (EACCES), and exec runs the program it names.
    /// </summary>
    public static Inode NewProgram(string name)
    {
        var file = new Inode(FileKind.RegularFile, Device.None, null) { Program = name };
        file._data = System.Text.Encoding.UTF8.GetBytes($"#!{name}: a program of this runtime, run by exec\n");
        file._length = file._data.Length;
        return file;
    }

    /// <summary>A file of fixed text made when it is opened (a /proc file), belonging to no directory.</summary>
    public static Inode NewGenerated(string text)
    {
        var file = new Inode(FileKind.RegularFile, Device.None, null) { Links = 1 };
        file._data = System.Text.Encoding.UTF8.GetBytes(text);
        file._length = file._data.Length;
        return file;
    }

    /// <summary>The registered program this file is (in /bin), or null.</summary>
    public string? Program { get; private init; }

    public static Inode NewDirectory(Inode? parent)
    {
        var directory = new Inode(FileKind.Directory, Device.None, null);
        directory.Parent = parent ?? directory;
        return directory;
    }

    public static Inode NewDevice(Device device, Stream? stream = null) => new(FileKind.CharacterDevice, device, null) { Stream = stream };

    /// <summary>A host device's stream (<see cref="Device.Host"/>).</summary>
    public Stream? Stream { get; private init; }

    public FileStatus Status() => new(Kind, IsDirectory ? Entries!.Count : Length, Links);

    /// <summary>At most <paramref name="count"/> bytes from <paramref name="offset"/>; empty at or past the end.</summary>
    public byte[] Read(long offset, int count)
    {
        var buffer = new byte[Device == Device.Zero ? Math.Min(count, 64 * 1024) : (int)Math.Clamp(Length - offset, 0, count)];
        var read = Read(offset, buffer);
        return read == buffer.Length ? buffer : buffer[..read];
    }

    /// <summary>Bytes from <paramref name="offset"/> into <paramref name="into"/>: how many (0 at or past the end).</summary>
    public int Read(long offset, Span<byte> into)
    {
        if (Device == Device.Zero)
        {
            var zeros = Math.Min(into.Length, 64 * 1024);
            into[..zeros].Clear();
            return zeros;
        }

        lock (_gate)
        {
            if (offset >= _length) return 0;
            var length = (int)Math.Min(into.Length, _length - offset);
            _data.AsSpan((int)offset, length).CopyTo(into);
            return length;
        }
    }

    /// <summary>Write at <paramref name="offset"/>, or at the end when it is null (O_APPEND: finding the end and writing are one step).</summary>
    /// <returns>None, or EFBIG beyond <see cref="MaxLength"/>, or ENOSPC when the namespace's space is spent; nothing written then.</returns>
    public Errno TryWrite(long? offset, ReadOnlySpan<byte> data, out long end)
    {
        lock (_gate)
        {
            var at = offset ?? _length;
            end = at;
            // POSIX: writing zero bytes to a regular file changes nothing, wherever the offset is.
            if (data.IsEmpty || Kind != FileKind.RegularFile) return Errno.None;
            if (at > MaxLength - data.Length) return Errno.EFBIG;
            end = at + data.Length;
            if (end > _length && !_space!.TryTake(end - _length)) return Errno.ENOSPC;
            if (end > _data.Length) Array.Resize(ref _data, (int)Math.Min(MaxLength, Math.Max(end, 2L * _data.Length)));
            data.CopyTo(_data.AsSpan((int)at));
            _length = Math.Max(_length, end);
            return Errno.None;
        }
    }

    public void Truncate()
    {
        lock (_gate) TruncateLocked();
    }

    /// <summary>No name and no open description is left: its bytes go back to the namespace.</summary>
    public void ReleaseIfUnused()
    {
        lock (_gate) ReleaseIfUnusedLocked();
    }

    private void ReleaseIfUnusedLocked()
    {
        if (Links == 0 && _opened == 0) TruncateLocked();
    }

    private void TruncateLocked()
    {
        _space?.Give(_length);
        _data = [];
        _length = 0;
    }
}

/// <summary>
/// What a device file does: /dev/null reads end of file and swallows writes; /dev/zero reads zeros; a host device reads
/// and writes a stream of the host.
/// </summary>
/// <summary>/dev/host/*: the host's standard streams, read and written as they are.</summary>
internal enum Device { None, Null, Zero, Host }

/// <summary>
/// The bytes all regular files of one namespace may hold together, charged to the namespace's quota as they are written:
/// beyond the capacity, or beyond what the quota can give, a write is ENOSPC (a full file system, as tmpfs says it; the
/// writer's memory is not what ran out).
/// </summary>
internal sealed class FileSpace(long capacity, QuotaAccount? account = null)
{
    private long _used;

    public long Used => Interlocked.Read(ref _used);

    public bool TryTake(long bytes)
    {
        if (Interlocked.Add(ref _used, bytes) > capacity || (account is not null && !account.TryWithdrawRam(bytes)))
        {
            Interlocked.Add(ref _used, -bytes);
            return false;
        }

        return true;
    }

    public void Give(long bytes)
    {
        Interlocked.Add(ref _used, -bytes);
        account?.Credit(new Quota(bytes, 0));
    }
}
