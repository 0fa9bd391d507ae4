using Fork.Messages;

namespace Fork.Actors;

// The directory tree of the namespace, and the checks of arguments where they enter (before any message is sent).
public sealed partial class Libc
{
    private const OpenFlags KnownOpenFlags =
        OpenFlags.WriteOnly | OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.Truncate | OpenFlags.Append | OpenFlags.CloseOnExec;

    // chdir checks still unanswered, oldest first: each with the cwd before it and the path it asked for.
    private readonly Queue<(Task<object> Check, string Previous, string Target)> _directoryChecks = new();

    /// <summary>mkdir(2): EEXIST, ENOENT (no parent), ENOTDIR (through a file), ENAMETOOLONG, EINVAL (NUL).</summary>
    public async Task MkDirAsync(string path) => Ok(await Call(new MakeDirectory(await Resolved(path))));

    /// <summary>rmdir(2): ENOTEMPTY, ENOTDIR, ENOENT, EBUSY for the root.</summary>
    public async Task RmDirAsync(string path) => Ok(await Call(new RemoveDirectory(await Resolved(path))));

    /// <summary>unlink(2): EISDIR for a directory; descriptors open on the file keep it until the last one closes.</summary>
    public async Task UnlinkAsync(string path) => Ok(await Call(new UnlinkFile(await Resolved(path))));

    /// <summary>rename(2): replaces a file by a file or an empty directory by a directory; EINVAL into itself.</summary>
    public async Task RenameAsync(string from, string to)
    {
        var source = await Resolved(from);
        Ok(await Call(new RenameFile(source, await Resolved(to))));
    }

    /// <summary>stat(2): type, size in bytes (a directory: its number of entries) and link count.</summary>
    public async Task<FileStatus> StatAsync(string path)
    {
        var reply = await Call(new StatFile(await Resolved(path)));
        if (reply is FileStatus status) return status;
        Ok(reply);
        throw new InvalidOperationException($"unexpected reply {reply}");
    }

    /// <summary>The names in a directory, without "." and "..", in ordinal order.</summary>
    public async Task<IReadOnlyList<string>> ReadDirAsync(string path)
    {
        var reply = await Call(new ReadDirectory(await Resolved(path)));
        if (reply is DirectoryListing listing) return listing.Names;
        Ok(reply);
        throw new InvalidOperationException($"unexpected reply {reply}");
    }

    /// <summary>
    /// chdir: <see cref="ChDir"/> is synchronous in the contract, yet the target is the file system's to check. Waiting
    /// for its answer here would block the program's only thread (its ProcessSynchronizationContext), and a reply that
    /// needs that thread would then never come. So the check is sent at once, in order before any later call, and
    /// the next call that uses the cwd (every path call, and fork, which hands it on) awaits it first: if the target is
    /// no directory, the cwd goes back to what it was and that call fails with chdir's errno (ENOENT, ENOTDIR).
    /// </summary>
    private void StartChDir(string path)
    {
        var previous = _cwd;
        var target = Paths.Absolute(_cwd, path);
        _directoryChecks.Enqueue((Call(new ChangeDirectory(target)), previous, target));
        _cwd = Paths.Resolve(previous, path);
    }

    /// <summary>Every chdir so far was checked; throws the first one that failed (its cwd undone, later ones dropped).</summary>
    private async Task DirectoryChecked()
    {
        while (_directoryChecks.TryPeek(out var pending))
        {
            var reply = await pending.Check;
            if (!_directoryChecks.TryPeek(out var still) || still.Check != pending.Check) continue;
            _directoryChecks.Dequeue();
            if (reply is not LibcError error) continue;
            _directoryChecks.Clear();
            _cwd = pending.Previous;
            throw new PosixException(error.Errno, $"chdir to {Paths.Shorten(pending.Target)} failed: {error.Reason}");
        }
    }

    /// <summary>A path argument checked where it enters, then joined with the cwd once every chdir is checked.</summary>
    private async Task<string> Resolved(string path)
    {
        Enter();
        Paths.Checked(path);
        await DirectoryChecked();
        var absolute = Paths.Absolute(_cwd, path);
        // /proc/self is the caller's own directory of /proc.
        return absolute == "/proc/self" || absolute.StartsWith("/proc/self/", StringComparison.Ordinal)
            ? $"/proc/{Pid}{absolute["/proc/self".Length..]}"
            : absolute;
    }

    private static void CheckedFlags(OpenFlags flags)
    {
        if ((flags & ~KnownOpenFlags) != 0 || (flags & (OpenFlags)3) == (OpenFlags)3)
            throw new PosixException(Errno.EINVAL, $"open flags 0x{(int)flags:x} are not valid");
    }

    private static int NotNegative(int id) => id >= 0 ? id : throw new PosixException(Errno.EINVAL, $"{id} cannot be negative here");

    private static int CheckedFd(int fd) => fd >= 0 ? fd : throw new PosixException(Errno.EBADF, $"descriptor {fd} is negative");

    private static SeekOrigin CheckedOrigin(SeekOrigin origin) =>
        origin is SeekOrigin.Begin or SeekOrigin.Current or SeekOrigin.End
            ? origin
            : throw new PosixException(Errno.EINVAL, $"{(int)origin} is no seek origin");

    private static Signal CheckedSignal(Signal signal) =>
        Signals.IsValid(signal) ? signal : throw new PosixException(Errno.EINVAL, $"{(int)signal} is not a signal");
}
