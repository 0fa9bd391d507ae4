using Akka.Actor;

namespace Fork.Messages;

// The protocol of a namespace's file system. Descriptors (per process) name open file
// descriptions (per namespace, shared after fork); the file system only knows descriptions.

/// <summary>Open (and with <see cref="OpenFlags.Create"/> create) the file at an absolute path.</summary>
public sealed record FsOpen(string Path, OpenFlags Flags) : ICrossNode;

/// <summary>An open file description, and the actor that serves its reads, writes and seeks (null: the file system itself).</summary>
public sealed record DescriptionOpened(long Description, IActorRef? Server = null) : ICrossNode;

/// <summary>Read at most <paramref name="Count"/> bytes; a pipe with no data parks the read until data or EOF.</summary>
public sealed record FsRead(long Description, int Count, int ReaderPid) : ICrossNode;

public sealed record DataRead(byte[] Data) : ICrossNode
{
    public static readonly DataRead EndOfFile = new([]);

    public override string ToString() => $"DataRead {{ Data = {Data.Length} bytes }}";
}

/// <summary>Write <paramref name="Data"/> (the message owns it: libc copied the caller's bytes once); a full pipe parks the write.</summary>
public sealed record FsWrite(long Description, byte[] Data) : ICrossNode
{
    public override string ToString() => $"FsWrite {{ Description = {Description}, Data = {Data.Length} bytes }}";
}

public sealed record FsSeek(long Description, long Offset, SeekOrigin Origin) : ICrossNode;

/// <summary>One more descriptor refers to each description (fork).</summary>
public sealed record FsRetain(IReadOnlyList<long> Descriptions) : ICrossNode;

/// <summary>One more descriptor of the caller refers to the description (dup, dup2): answered LibcOk, EBADF if it is closed.</summary>
public sealed record FsDuplicate(long Description) : ICrossNode;

/// <summary>One descriptor fewer refers to the description (close, exit).</summary>
public sealed record FsRelease(long Description) : ICrossNode;

/// <summary>
/// close(2): as <see cref="FsRelease"/>, answered with LibcOk once done, so what the caller does next (a write to the
/// pipe whose reader it closed) comes after the pipe learnt of the close.
/// </summary>
public sealed record FsClose(long Description) : ICrossNode;

public sealed record FsPipe : ICrossNode
{
    public static readonly FsPipe Instance = new();
}

/// <summary>A new pipe: its two ends' descriptions, and the actor that serves its reads and writes.</summary>
public sealed record PipeCreated(long ReadDescription, long WriteDescription, IActorRef Pipe) : ICrossNode;

/// <summary>Describe descriptions for a child's config (and retain them when <paramref name="Retain"/>).</summary>
public sealed record FsDescribe(IReadOnlyList<long> Descriptions, bool Retain, long RequestId = 0) : ICrossNode;

public sealed record DescriptionInfo(long Description, string Path, OpenFlags Flags, long Offset);

public sealed record Described(IReadOnlyList<DescriptionInfo> Descriptions, long RequestId = 0) : ICrossNode;

/// <summary>
/// The process ended, in one message: each description its descriptors named has one descriptor fewer (as
/// <see cref="FsRelease"/> for each). Its libc interrupted the calls it left parked.
/// </summary>
public sealed record FsProcessEnded(int Pid, IReadOnlyList<long> Descriptions) : ICrossNode
{
    public override string ToString() => $"FsProcessEnded {{ Pid = {Pid}, Descriptions = [{string.Join(", ", Descriptions)}] }}";
}

// The directory tree (paths are absolute, as the caller's libc joined them with its cwd; "." and ".." are
// resolved by the file system, through the directories they name).

public sealed record FsMkDir(string Path) : ICrossNode;

public sealed record FsRmDir(string Path) : ICrossNode;

public sealed record FsUnlink(string Path) : ICrossNode;

public sealed record FsRename(string From, string To) : ICrossNode;

public sealed record FsStat(string Path) : ICrossNode;

public sealed record FsReadDir(string Path) : ICrossNode;

/// <summary>exec's lookup: answered <see cref="ProgramFile"/>, or ENOENT, EACCES (not a regular file), ENOEXEC (a file that is no program).</summary>
public sealed record FsProgram(string Path) : ICrossNode;

/// <summary>The file at a path is the program registered under <paramref name="Name"/>.</summary>
public sealed record ProgramFile(string Name) : ICrossNode;

/// <summary>chdir's check: answered LibcOk when the path names a directory.</summary>
public sealed record FsCheckDirectory(string Path) : ICrossNode;

public sealed record DirectoryListing(IReadOnlyList<string> Names) : ICrossNode;

/// <summary>What stat says of a file: its type, its size in bytes (a directory: its entries) and its link count.</summary>
public sealed record FileStatus(FileKind Kind, long Size, int Links) : ICrossNode;

public enum FileKind
{
    RegularFile,
    Directory,
    CharacterDevice,
    Fifo,
}

// The calls of a program that its process forwards to the file system.

public sealed record MakeDirectory(string Path) : ILibcRequest;

public sealed record RemoveDirectory(string Path) : ILibcRequest;

public sealed record UnlinkFile(string Path) : ILibcRequest;

public sealed record RenameFile(string From, string To) : ILibcRequest;

public sealed record StatFile(string Path) : ILibcRequest;

public sealed record ReadDirectory(string Path) : ILibcRequest;

public sealed record ChangeDirectory(string Path) : ILibcRequest;

/// <summary>Success of a call that returns a number (bytes written, new offset, a pid, 0).</summary>
public sealed record LibcOk(long Value) : ICrossNode
{
    // Counts up to PIPE_BUF are answered from here: small reads and writes need no new answer.
    private static readonly LibcOk[] Small = [.. Enumerable.Range(0, 4097).Select(n => new LibcOk(n))];

    public static readonly LibcOk Zero = Small[0];

    /// <summary>An answer with <paramref name="value"/>, shared when it is small.</summary>
    public static LibcOk Of(long value) => value >= 0 && value < Small.Length ? Small[value] : new LibcOk(value);
}

/// <summary>Failure of a call, with its POSIX error number and a sentence.</summary>
public sealed record LibcError(Errno Errno, string Reason) : ICrossNode;
