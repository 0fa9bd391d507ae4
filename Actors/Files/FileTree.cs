using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The directory tree of one namespace, knowing no actors: lookups component by component (Linux: ".." of a path
/// goes through the directory before it, so "/file/.." is ENOTDIR), and the calls that change names, each
/// answering with a result or a <see cref="LibcError"/> that carries a Linux errno.
/// </summary>
internal sealed class FileTree
{
    /// <summary>Names a namespace may hold; beyond them creating one is ENOSPC.</summary>
    public const int MaxInodes = 100_000;

    /// <summary>Bytes all regular files of a namespace may hold together.</summary>
    public const long Capacity = 256L * 1024 * 1024;

    private int _inodes;

    /// <param name="account">The namespace's quota, charged for what regular files hold (null: only <see cref="Capacity"/> bounds it).</param>
    /// <param name="programs">The registered programs, each a file /bin/NAME.</param>
    /// <param name="host">The host's streams: /dev/host/stdin, stdout and stderr when given.</param>
    public FileTree(QuotaAccount? account = null, IEnumerable<string>? programs = null, HostStreams? host = null)
    {
        Space = new FileSpace(Capacity, account);
        Root = Inode.NewDirectory(null);
        foreach (var name in (string[])["bin", "dev", "proc", "tmp"]) Link(Root, name, Inode.NewDirectory(Root));
        var dev = Root.Entries!["dev"];
        Link(dev, "null", Inode.NewDevice(Device.Null));
        Link(dev, "zero", Inode.NewDevice(Device.Zero));
        if (host is not null)
        {
            var streams = Inode.NewDirectory(dev);
            Link(dev, "host", streams);
            Link(streams, "stdin", Inode.NewDevice(Device.Host, host.Input));
            Link(streams, "stdout", Inode.NewDevice(Device.Host, host.Output));
            Link(streams, "stderr", Inode.NewDevice(Device.Host, host.Error));
        }

        var bin = Root.Entries["bin"];
        foreach (var name in programs ?? [])
            if (Paths.IsFileName(name)) Link(bin, name, Inode.NewProgram(name));
    }

    public Inode Root { get; }

    public FileSpace Space { get; }

    /// <summary>
    /// Where <paramref name="path"/> leads: the directory holding its last component, that component's name ("" for
    /// the root, "." or ".." as written) and what it names (null when nothing does yet).
    /// </summary>
    public readonly record struct Lookup(Inode Parent, string Name, Inode? Node)
    {
        /// <summary>The last component is a name in its parent (not the root, ".", "..").</summary>
        public bool IsEntry => Name is not ("" or "." or "..");
    }

    /// <summary>Resolves every component but the last, which may be missing; a trailing slash asks for a directory.</summary>
    public LibcError? Find(string path, out Lookup lookup)
    {
        lookup = new Lookup(Root, "", Root);
        // The caller's libc checked the path it was given against PATH_MAX; joined with a cwd it may be longer.
        var problem = Paths.Problem(path, out var reason, 2 * Paths.PathMax);
        if (problem != Errno.None) return new LibcError(problem, reason);
        if (!path.StartsWith('/')) return new LibcError(Errno.EINVAL, $"'{Paths.Shorten(path)}' is not an absolute path");
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var directory = Root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (Step(directory, parts[i]) is not { } next) return new LibcError(Errno.ENOENT, $"{Shown(parts, i)} does not exist");
            if (!next.IsDirectory) return new LibcError(Errno.ENOTDIR, $"{Shown(parts, i)} is not a directory");
            directory = next;
        }

        if (parts.Length == 0) return null;
        var last = parts[^1];
        var node = Step(directory, last);
        lookup = new Lookup(directory, last, node);
        return node is { IsDirectory: false } && path.EndsWith('/')
            ? new LibcError(Errno.ENOTDIR, $"{Paths.Shorten(path)}: not a directory")
            : null;
    }

    /// <summary>What <paramref name="path"/> names; ENOENT when nothing does.</summary>
    public LibcError? Existing(string path, out Inode node)
    {
        node = Root;
        if (Find(path, out var lookup) is { } error) return error;
        if (lookup.Node is null) return new LibcError(Errno.ENOENT, $"{Paths.Shorten(path)} does not exist");
        node = lookup.Node;
        return null;
    }

    public LibcError? MakeDirectory(string path)
    {
        if (Find(path, out var at) is { } error) return error;
        if (at.Node is not null) return new LibcError(Errno.EEXIST, $"{Paths.Shorten(path)} exists");
        if (_inodes >= MaxInodes) return NoSpace();
        Link(at.Parent, at.Name, Inode.NewDirectory(at.Parent));
        return null;
    }

    /// <summary>mkdir -p: every directory on <paramref name="path"/> that is missing (a failure leaves the rest as it is).</summary>
    public void MakeDirectories(string path)
    {
        var prefix = "";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            prefix += "/" + part;
            MakeDirectory(prefix);
        }
    }

    /// <summary>A new regular file at <paramref name="at"/> (whose node is null).</summary>
    public LibcError? CreateFile(Lookup at, out Inode file)
    {
        file = Root;
        if (_inodes >= MaxInodes) return NoSpace();
        file = Inode.NewFile(Space);
        Link(at.Parent, at.Name, file);
        return null;
    }

    public LibcError? RemoveDirectory(string path)
    {
        if (Find(path, out var at) is { } error) return error;
        return at switch
        {
            { Node: null } => new LibcError(Errno.ENOENT, $"{Paths.Shorten(path)} does not exist"),
            { Node.IsDirectory: false } => new LibcError(Errno.ENOTDIR, $"{Paths.Shorten(path)} is not a directory"),
            { Name: "." } => new LibcError(Errno.EINVAL, "rmdir of \".\""),
            { Name: ".." } => new LibcError(Errno.ENOTEMPTY, "rmdir of \"..\""),
            { Name: "" } => new LibcError(Errno.EBUSY, "the root cannot be removed"),
            { Node.Entries.Count: > 0 } => new LibcError(Errno.ENOTEMPTY, $"{Paths.Shorten(path)} is not empty"),
            _ => Unlink(at),
        };
    }

    public LibcError? UnlinkFile(string path)
    {
        if (Find(path, out var at) is { } error) return error;
        return at switch
        {
            { Node: null } => new LibcError(Errno.ENOENT, $"{Paths.Shorten(path)} does not exist"),
            { Node.IsDirectory: true } => new LibcError(Errno.EISDIR, $"{Paths.Shorten(path)} is a directory"),
            _ => Unlink(at),
        };
    }

    /// <summary>POSIX rename: replaces a file by a file, an empty directory by a directory; never a directory into itself.</summary>
    public LibcError? Rename(string from, string to)
    {
        if (Find(from, out var source) is { } sourceError) return sourceError;
        if (source.Node is not { } moved) return new LibcError(Errno.ENOENT, $"{Paths.Shorten(from)} does not exist");
        if (Find(to, out var target) is { } targetError) return targetError;
        if (!source.IsEntry || !target.IsEntry) return new LibcError(Errno.EBUSY, "rename of the root, \".\" or \"..\"");
        if (target.Node == moved) return null;
        if (moved.IsDirectory)
        {
            for (var up = target.Parent; ; up = up.Parent!)
            {
                if (up == moved) return new LibcError(Errno.EINVAL, $"{Paths.Shorten(to)} is inside {Paths.Shorten(from)}");
                if (up == Root) break;
            }
        }
        else if (to.EndsWith('/'))
        {
            return new LibcError(Errno.ENOTDIR, $"{Paths.Shorten(from)} is not a directory");
        }

        if (target.Node is { } replaced)
        {
            if (moved.IsDirectory && !replaced.IsDirectory) return new LibcError(Errno.ENOTDIR, $"{Paths.Shorten(to)} is not a directory");
            if (!moved.IsDirectory && replaced.IsDirectory) return new LibcError(Errno.EISDIR, $"{Paths.Shorten(to)} is a directory");
            if (replaced.Entries is { Count: > 0 }) return new LibcError(Errno.ENOTEMPTY, $"{Paths.Shorten(to)} is not empty");
            Unlink(target);
        }

        source.Parent.Entries!.Remove(source.Name);
        target.Parent.Entries!.Add(target.Name, moved);
        if (moved.IsDirectory)
        {
            source.Parent.Links--;
            target.Parent.Links++;
            moved.Parent = target.Parent;
        }

        return null;
    }

    private static Inode? Step(Inode directory, string name) => name switch
    {
        "." => directory,
        ".." => directory.Parent,
        _ => directory.Entries!.GetValueOrDefault(name),
    };

    private void Link(Inode directory, string name, Inode node)
    {
        directory.Entries!.Add(name, node);
        if (node.IsDirectory) directory.Links++;
        _inodes++;
    }

    private LibcError? Unlink(Lookup at)
    {
        var node = at.Node!;
        at.Parent.Entries!.Remove(at.Name);
        _inodes--;
        if (node.IsDirectory)
        {
            at.Parent.Links--;
            node.Links = 0;
        }
        else
        {
            node.Links--;
        }

        node.ReleaseIfUnused();
        return null;
    }

    private static LibcError NoSpace() => new(Errno.ENOSPC, $"the namespace holds at most {MaxInodes} names");

    private static string Shown(string[] parts, int last) => Paths.Shorten("/" + string.Join('/', parts[..(last + 1)]));
}
