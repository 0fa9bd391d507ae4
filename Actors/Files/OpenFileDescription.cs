using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// An open file description (POSIX): offset, flags and what is open, shared by every descriptor
/// that refers to it — in one process after dup, across processes after fork.
/// </summary>
internal abstract class OpenFileDescription(long id, string path, OpenFlags flags)
{
    public long Id { get; } = id;

    public string Path { get; } = path;

    public OpenFlags Flags { get; } = flags;

    public int References { get; private set; } = 1;

    public abstract long Offset { get; }

    /// <summary>What serves its reads, writes and seeks: the pipe of a pipe end, the description itself for a file.</summary>
    public abstract IDirectServer Server { get; }

    public void Retain() => References++;

    /// <returns>true when that was the last reference: the description is gone.</returns>
    public bool Release() => --References == 0;

    public DescriptionInfo Describe() => new(Id, Path, Flags, Offset);
}
