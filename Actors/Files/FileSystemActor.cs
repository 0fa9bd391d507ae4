using System.Text;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The in-memory file system of one pid namespace: a directory tree, pipes, and the open file descriptions that
/// every process of the namespace shares (POSIX, not Genode's reopen by path). Each pipe has an actor of its own, a child
/// of this one, that serves its reads and writes; this actor makes pipes and counts the descriptors of their ends. A fault
/// while serving one request fails that request with EIO; the file system and everything in it go on.
/// </summary>
/// <remarks>
/// What a namespace holds in files and pipes is charged to its quota (init's account, which every process's pages are
/// lent from): file bytes as they are written, and a pipe's capacity from its first write until both its ends are
/// closed. A write the quota cannot hold is ENOSPC.
/// </remarks>
internal sealed class FileSystemActor : TracedActor
{
    private readonly FileTree _tree;
    private readonly QuotaAccount? _account;
    private readonly LocalServers _servers;
    private readonly ProcessTable? _processes;
    private readonly Dictionary<long, OpenFileDescription> _descriptions = new();
    private long _lastDescription;
    private int _lastPipe;

    /// <param name="initCwd">Init's working directory, made (with its parents) when it does not exist yet.</param>
    /// <param name="account">The namespace's quota, charged for file bytes and pipe buffers; null: only the files' own capacity bounds them.</param>
    /// <param name="servers">Where the namespace's processes find its pipes and open files to call them directly.</param>
    /// <param name="programs">The registered programs, each a file /bin/NAME.</param>
    /// <param name="processes">The namespace's process table, which /proc shows.</param>
    public FileSystemActor(
        string initCwd = "/", QuotaAccount? account = null, LocalServers? servers = null, IEnumerable<string>? programs = null, ProcessTable? processes = null,
        HostStreams? host = null)
    {
        _processes = processes;
        _account = account;
        _servers = servers ?? new LocalServers();
        _tree = new FileTree(account, programs, host);
        _tree.MakeDirectories(initCwd);
        Receive<FsOpen>(Handle);
        Receive<FsRead>(r => Serve(r.Description, r));
        Receive<FsWrite>(w => Serve(w.Description, w));
        Receive<FsSeek>(s => Serve(s.Description, s));
        Receive<FsRetain>(Handle);
        Receive<FsDuplicate>(Handle);
        Receive<FsRelease>(Handle);
        Receive<FsClose>(close =>
        {
            Release(close.Description);
            Sender.Tell(LibcOk.Zero);
        });
        Receive<FsPipe>(Handle);
        Receive<FsDescribe>(Handle);
        Receive<FsProcessEnded>(Handle);
        Receive<FsMkDir>(r => Answer(_tree.MakeDirectory(r.Path)));
        Receive<FsRmDir>(r => Answer(_tree.RemoveDirectory(r.Path)));
        Receive<FsUnlink>(r => Answer(_tree.UnlinkFile(r.Path)));
        Receive<FsRename>(r => Answer(_tree.Rename(r.From, r.To)));
        Receive<FsStat>(r => Sender.Tell(ProcStat(r.Path) ?? _tree.Existing(r.Path, out var node) ?? (object)node.Status()));
        Receive<FsReadDir>(Handle);
        Receive<FsCheckDirectory>(Handle);
        Receive<FsProgram>(Handle);
    }

    protected override int TracePid => 0;

    protected override string TraceName => "fs";

    public static Props Props(
        string initCwd = "/", QuotaAccount? account = null, LocalServers? servers = null, IEnumerable<string>? programs = null, ProcessTable? processes = null,
        HostStreams? host = null) =>
        FactoryProps.Of(() => new FileSystemActor(initCwd, account, servers, programs, processes, host));

    /// <summary>
    /// A fault while serving one request answers that request with EIO and keeps the tree and every open description:
    /// restarting would lose the namespace's files, stopping would end every process that uses them.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            Sender.Tell(new LibcError(Errno.EIO, $"the file system failed serving {message.GetType().Name}: {e.Message}"));
            return true;
        }
    }

    private void Handle(FsOpen request)
    {
        var (path, flags) = (request.Path, request.Flags);
        if (!flags.CanRead() && !flags.CanWrite())
        {
            Fail(Errno.EINVAL, $"open {Paths.Shorten(path)}: invalid access mode in {flags}");
            return;
        }

        if (OpenProc(path, flags)) return;

        if (_tree.Find(path, out var at) is { } error)
        {
            Sender.Tell(error);
            return;
        }

        var inode = at.Node;
        if (inode is null)
        {
            if (!flags.HasFlag(OpenFlags.Create))
            {
                Fail(Errno.ENOENT, $"{Paths.Shorten(path)} does not exist");
                return;
            }

            // Linux: O_CREAT of "name/" is EISDIR.
            if (path.EndsWith('/'))
            {
                Fail(Errno.EISDIR, $"{Paths.Shorten(path)} names a directory that does not exist");
                return;
            }

            if (_tree.CreateFile(at, out inode) is { } full)
            {
                Sender.Tell(full);
                return;
            }
        }
        // Linux: a directory cannot be opened for writing, creating or truncating.
        else if (inode.IsDirectory && (flags.CanWrite() || (flags & (OpenFlags.Create | OpenFlags.Truncate)) != 0))
        {
            Fail(Errno.EISDIR, $"{Paths.Shorten(path)} is a directory");
            return;
        }
        else if (inode.Program is not null && (flags.CanWrite() || flags.HasFlag(OpenFlags.Truncate)))
        {
            Fail(Errno.EACCES, $"{Paths.Shorten(path)} is a program and cannot be written");
            return;
        }
        else if (flags.HasFlag(OpenFlags.Truncate) && flags.CanWrite() && inode.Kind == FileKind.RegularFile)
        {
            inode.Truncate();
        }

        OpenDescription(path, flags, inode);
    }

    /// <summary>A new open file description of <paramref name="inode"/>, with its actor, answered to the caller.</summary>
    private void OpenDescription(string path, OpenFlags flags, Inode inode)
    {
        var id = NextDescription();
        var file = new FileDescription(id, path, flags, inode);
        file.Actor = Context.ActorOf(ServerActor.Props(file, path), $"file-{id}");
        _servers.Add(file.Actor, file);
        Add(file);
        Sender.Tell(new DescriptionOpened(id, file.Actor));
    }

    private void Handle(FsReadDir request)
    {
        if (_processes is not null && request.Path.TrimEnd('/') == "/proc")
        {
            List(request.Path, ProcFiles.Listing(_processes));
            return;
        }

        if (_processes is not null && ProcFiles.Parse(request.Path) is var (pid, file))
        {
            if (_processes[pid] is null) Fail(Errno.ENOENT, $"no process {pid}");
            else if (file is not null) Fail(Errno.ENOTDIR, $"{Paths.Shorten(request.Path)} is not a directory");
            else Sender.Tell(new DirectoryListing(["status"]));
            return;
        }

        if (_tree.Existing(request.Path, out var node) is { } error) Sender.Tell(error);
        else if (!node.IsDirectory) Fail(Errno.ENOTDIR, $"{Paths.Shorten(request.Path)} is not a directory");
        else List(request.Path, [.. node.Entries!.Keys]);
    }

    /// <summary>A listing goes in one message: to another node, one larger than a message carries is EOVERFLOW, never dropped.</summary>
    private void List(string path, IReadOnlyList<string> names)
    {
        if (Sender.Path.Address.HasGlobalScope && names.Sum(n => Encoding.UTF8.GetByteCount(n) + 2) is var size && size > ForkSerializer.BytesPerFrame(Context.System))
        {
            Fail(Errno.EOVERFLOW, $"the listing of {Paths.Shorten(path)} ({names.Count} names, {size} bytes) is more than one message to another node carries");
            return;
        }

        Sender.Tell(new DirectoryListing(names));
    }

    private void Handle(FsCheckDirectory request)
    {
        if (_tree.Existing(request.Path, out var node) is { } error) Sender.Tell(error);
        else if (!node.IsDirectory) Fail(Errno.ENOTDIR, $"{Paths.Shorten(request.Path)} is not a directory");
        else Sender.Tell(LibcOk.Zero);
    }

    /// <summary>stat of /proc/PID (a directory) or /proc/PID/status (a file of size 0, as Linux says); null for other paths.</summary>
    private object? ProcStat(string path)
    {
        if (_processes is null || ProcFiles.Parse(path) is not var (pid, file)) return null;
        if (_processes[pid] is null) return new LibcError(Errno.ENOENT, $"no process {pid}");
        return file is null ? new FileStatus(FileKind.Directory, 1, 2) : new FileStatus(FileKind.RegularFile, 0, 1);
    }

    /// <summary>Open /proc/PID/status: a read-only description of the status as it is now. False for other paths.</summary>
    private bool OpenProc(string path, OpenFlags flags)
    {
        if (_processes is null || ProcFiles.Parse(path) is not var (pid, file)) return false;
        if (ProcFiles.Status(_processes, pid, ((ExtendedActorSystem)Context.System).Provider.DefaultAddress) is not { } status)
        {
            Fail(Errno.ENOENT, $"no process {pid}");
        }
        else if (flags.CanWrite() || (flags & (OpenFlags.Create | OpenFlags.Truncate)) != 0)
        {
            Fail(file is null ? Errno.EISDIR : Errno.EACCES, $"{Paths.Shorten(path)} cannot be written");
        }
        else
        {
            OpenDescription(path, flags, file is null ? Inode.NewDirectory(_tree.Root) : Inode.NewGenerated(status));
        }

        return true;
    }

    /// <summary>execve's checks of the file: a program is run, any other regular file is ENOEXEC, anything else EACCES.</summary>
    private void Handle(FsProgram request)
    {
        if (_tree.Existing(request.Path, out var node) is { } error) Sender.Tell(error);
        else if (node.Program is { } name) Sender.Tell(new ProgramFile(name));
        else if (node.Kind == FileKind.RegularFile) Fail(Errno.ENOEXEC, $"{Paths.Shorten(request.Path)} is not a program");
        else Fail(Errno.EACCES, $"{Paths.Shorten(request.Path)} is not a regular file");
    }

    private void Answer(LibcError? error) => Sender.Tell(error ?? (object)LibcOk.Zero);

    /// <summary>A read, write or seek sent here: whoever serves the description answers, checks included.</summary>
    private void Serve(long id, object request)
    {
        if (TryFind(id, out var description)) description.Server.Serve(request, Sender);
    }

    private void Handle(FsRetain request)
    {
        foreach (var id in request.Descriptions)
        {
            if (_descriptions.TryGetValue(id, out var description))
            {
                description.Retain();
            }
        }
    }

    private void Handle(FsDuplicate request)
    {
        if (!TryFind(request.Description, out var description)) return;
        description.Retain();
        Sender.Tell(LibcOk.Zero);
    }

    private void Handle(FsProcessEnded ended)
    {
        foreach (var description in ended.Descriptions) Release(description);
    }

    private void Handle(FsRelease request) => Release(request.Description);

    private void Release(long id)
    {
        if (!_descriptions.TryGetValue(id, out var description) || !description.Release())
        {
            return;
        }

        _descriptions.Remove(description.Id);
        if (description is FileDescription file)
        {
            // The file's bytes go now if it was unlinked (so a write after this close finds the space free); its actor
            // stops after every call already on its way to it (a poison pill is an ordinary message).
            file.Close();
            Stop(file.Actor);
        }
        else if (description is PipeEnd end && end.Pipe.CloseEnd(end.Id))
        {
            Stop(end.Pipe.Actor);
        }
    }

    private void Stop(IActorRef server)
    {
        _servers.Remove(server);
        server.Tell(PoisonPill.Instance);
    }

    private void Handle(FsPipe request)
    {
        var number = ++_lastPipe;
        var (readId, writeId) = (NextDescription(), NextDescription());
        var pipe = new Pipe(number, readId, writeId, _account);
        pipe.Actor = Context.ActorOf(ServerActor.Props(pipe, pipe.Name), $"pipe-{number}");
        _servers.Add(pipe.Actor, pipe);
        Add(new PipeEnd(readId, pipe, OpenFlags.ReadOnly));
        Add(new PipeEnd(writeId, pipe, OpenFlags.WriteOnly));
        Sender.Tell(new PipeCreated(readId, writeId, pipe.Actor));
    }

    private void Handle(FsDescribe request)
    {
        var infos = new List<DescriptionInfo>(request.Descriptions.Count);
        foreach (var id in request.Descriptions)
        {
            if (_descriptions.TryGetValue(id, out var description))
            {
                infos.Add(description.Describe());
                if (request.Retain)
                {
                    description.Retain();
                }
            }
        }

        Sender.Tell(new Described(infos, request.RequestId));
    }


    private long NextDescription() => ++_lastDescription;

    private OpenFileDescription Add(OpenFileDescription description)
    {
        _descriptions.Add(description.Id, description);
        return description;
    }

    private bool TryFind(long id, out OpenFileDescription description)
    {
        if (_descriptions.TryGetValue(id, out description!))
        {
            return true;
        }

        Fail(Errno.EBADF, $"description {id} is not open");
        return false;
    }

    private void Fail(Errno errno, string reason) => Sender.Tell(new LibcError(errno, reason));
}
