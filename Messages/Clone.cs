using Akka.Actor;

namespace Fork.Messages;

/// <summary>
/// A descriptor handed to a forked child: its number, the open file description it shares, and the actor that serves
/// its reads and writes (a pipe's own actor; null: the namespace's file system).
/// </summary>
public sealed record InheritedDescriptor(int Fd, long Description, bool CloseOnExec, IActorRef? Server = null);

/// <summary>
/// The parent tells its clone service what a new child may pull. Never leaves its node: the parent and its clone service
/// share one, and the image's pages go by reference (a child on another node pulls them as bytes, in chunks).
/// </summary>
public sealed record PrepareClone(int Pid, IActorRef ForkedChild, MemoryImage Image, IReadOnlyList<InheritedDescriptor> Descriptors) : INoSerializationVerificationNeeded
{
    public override string ToString() => $"PrepareClone {{ Pid = {Pid}, Regions = {Image.Regions.Count}, Descriptors = {Descriptors.Count} }}";
}

/// <summary>A session request for the clone service, routed by the child's ForkedChild (rule 1).</summary>
public sealed record CloneSessionRequest(int Pid, SessionRequest Request) : ICrossNode;

/// <summary>Ask for at most one buffer of the parent's memory.</summary>
public sealed record MemoryContent(long SessionId, ulong At, long Size) : ICrossNode;

/// <summary>Pages covering [At, At + Size), shared with the parent (copy on write).</summary>
public sealed record MemoryChunk(ulong At, long Size, PageSnapshot Pages) : ICrossNode;

public sealed record CloneRefused(long SessionId, ulong At, long Size, Errno Error, string Reason) : ICrossNode;

public sealed record DescriptorsContent(long SessionId) : ICrossNode;

/// <summary>
/// Ask for all the session offers in one request: every region the child's config names, whole (page references
/// are not bytes, so the one-buffer limit of <see cref="MemoryContent"/> is for transports that carry bytes), and the descriptors.
/// </summary>
public sealed record CloneContent(long SessionId) : ICrossNode;

/// <summary>The answer to <see cref="CloneContent"/>: one chunk per region, in clone order, and the descriptors.</summary>
public sealed record CloneChunk(IReadOnlyList<MemoryChunk> Memory, IReadOnlyList<InheritedDescriptor> Descriptors) : ICrossNode
{
    public override string ToString() => $"CloneChunk {{ Regions = {Memory.Count}, Descriptors = {Descriptors.Count} }}";
}

public sealed record DescriptorsChunk(IReadOnlyList<InheritedDescriptor> Descriptors) : ICrossNode;

/// <summary>The child closed its clone session: it is ready (Genode: closing the session = child ready).</summary>
public sealed record CloneClosed(int Pid) : ICrossNode;

/// <summary>The child died before it closed its session: release what it did not take.</summary>
public sealed record CloneAbandoned(int Pid) : ICrossNode;
