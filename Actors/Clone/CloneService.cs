using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// Genode's <c>Local_clone_service</c>, one per parent: one session per starting child, through which the child
/// pulls the parent's memory (at most one buffer a request, only inside the regions of its config; to another node in
/// chunks that each fit a frame) and its descriptors. Closing the session makes the child ready.
/// </summary>
internal sealed class CloneService : TracedActor
{
    private readonly int _parentPid;
    private readonly int _bufferSize;
    private readonly IActorRef _fileSystem;
    private readonly Dictionary<int, PreparedClone> _prepared = [];
    private readonly Dictionary<long, int> _sessions = [];
    private long _nextSession;
    private int? _pagesPerFrame;

    public CloneService(int parentPid, int bufferSize, IActorRef fileSystem)
    {
        _parentPid = parentPid;
        _bufferSize = bufferSize;
        _fileSystem = fileSystem;
        Receive<PrepareClone>(prepare => _prepared[prepare.Pid] = new PreparedClone(prepare));
        Receive<CloneSessionRequest>(Handle);
        Receive<MemoryContent>(Handle);
        Receive<DescriptorsContent>(Handle);
        Receive<CloneContent>(Handle);
        Receive<SessionClose>(Handle);
        Receive<CloneAbandoned>(abandoned => Forget(abandoned.Pid));
    }

    protected override int TracePid => _parentPid;

    /// <summary>A session's messages belong to the fork of the child it serves, whoever sends them.</summary>
    protected override string? TraceForkOf(object message) => message switch
    {
        PrepareClone prepare => TraceForkOfActor(prepare.ForkedChild),
        CloneSessionRequest open when _prepared.TryGetValue(open.Pid, out var clone) => TraceForkOfActor(clone.ForkedChild),
        CloneContent content when Session(content.SessionId) is { } clone => TraceForkOfActor(clone.ForkedChild),
        SessionClose close when Session(close.SessionId) is { } clone => TraceForkOfActor(clone.ForkedChild),
        CloneAbandoned abandoned when _prepared.TryGetValue(abandoned.Pid, out var clone) => TraceForkOfActor(clone.ForkedChild),
        _ => null,
    };

    public static Props Props(int parentPid, int bufferSize, IActorRef fileSystem) =>
        FactoryProps.Of(() => new CloneService(parentPid, bufferSize, fileSystem));

    private void Handle(CloneSessionRequest open)
    {
        var (pid, request) = open;
        var need = new Quota(_bufferSize + 4096L, 2);
        string? denial = !_prepared.TryGetValue(pid, out var clone) ? $"no fork of process {pid} is starting"
            : clone.SessionId is not null ? $"process {pid} already has its clone session"
            : !request.Quota.Covers(need) ? $"a clone session needs {need}, the request donates {request.Quota}"
            : null;
        if (denial is not null)
        {
            Sender.Tell(new SessionDenied(request.Service, request.Label, denial));
            return;
        }

        var id = ++_nextSession;
        clone!.SessionId = id;
        _sessions[id] = pid;
        Sender.Tell(new SessionGranted(Services.Clone, request.Label, id, Self));
    }

    private void Handle(MemoryContent content)
    {
        if (Session(content.SessionId) is not { } clone)
        {
            Sender.Tell(new CloneRefused(content.SessionId, content.At, content.Size, Errno.EINVAL, "no such clone session"));
            return;
        }

        var region = clone.Image.RegionOf(content.At, content.Size);
        var refusal = content.Size <= 0 || content.Size > _bufferSize ? (Errno.EINVAL, $"a chunk is 1 to {_bufferSize} bytes (one buffer)")
            : region is null ? (Errno.EFAULT, "the range lies outside the regions named in the child's config")
            : (content.At - region.At) % MemoryImage.PageSize != 0 ? (Errno.EINVAL, "a chunk starts on a page boundary of its region")
            : (Errno.None, "");
        if (refusal.Item1 != Errno.None)
        {
            Sender.Tell(new CloneRefused(content.SessionId, content.At, content.Size, refusal.Item1, refusal.Item2));
            return;
        }

        var pages = clone.Image.Pages[region!.At];
        var first = (long)((content.At - region.At) / MemoryImage.PageSize);
        var count = (content.Size + MemoryImage.PageSize - 1) / MemoryImage.PageSize;
        var range = pages.Slice(first, Math.Min(pages.PageCount - first, count));
        if (Sender.Path.Address.HasGlobalScope) SendAcross(content, range, Sender);
        else Sender.Tell(new MemoryChunk(content.At, content.Size, range));
    }

    /// <summary>
    /// A range asked for from another node goes as bytes: in consecutive chunks that cover it, each with at most one
    /// frame's worth of written pages, so a range with few written pages is one chunk however large it is.
    /// </summary>
    private void SendAcross(MemoryContent content, PageSnapshot range, IActorRef child)
    {
        _pagesPerFrame ??= ForkSerializer.PagesPerFrame(Context.System);
        long start = 0;
        var written = 0;
        foreach (var (index, _) in range.Present())
        {
            if (written == _pagesPerFrame)
            {
                child.Tell(Part(content, range, start, index, last: false));
                start = index;
                written = 0;
            }

            written++;
        }

        child.Tell(Part(content, range, start, range.PageCount, last: true));
    }

    /// <summary>Pages [<paramref name="from"/>, <paramref name="to"/>) of a range; the last part reaches the range's end.</summary>
    private static MemoryChunk Part(MemoryContent content, PageSnapshot range, long from, long to, bool last)
    {
        var offset = from * MemoryImage.PageSize;
        var size = last ? content.Size - offset : (to - from) * MemoryImage.PageSize;
        return new MemoryChunk(content.At + (ulong)offset, size, range.Slice(from, to - from));
    }

    private void Handle(DescriptorsContent content)
    {
        if (Session(content.SessionId) is not { } clone)
        {
            Sender.Tell(new CloneRefused(content.SessionId, 0, 0, Errno.EINVAL, "no such clone session"));
            return;
        }

        clone.DescriptorsTaken = true;
        Sender.Tell(new DescriptorsChunk(clone.Descriptors));
    }

    /// <summary>Locally the whole image goes in one reply: its pages are shared by reference, one chunk per region.</summary>
    private void Handle(CloneContent content)
    {
        if (Session(content.SessionId) is not { } clone)
        {
            Sender.Tell(new CloneRefused(content.SessionId, 0, 0, Errno.EINVAL, "no such clone session"));
            return;
        }

        var regions = clone.Image.Regions;
        var chunks = new MemoryChunk[regions.Count];
        for (var i = 0; i < chunks.Length; i++)
            chunks[i] = new MemoryChunk(regions[i].At, regions[i].Size, clone.Image.Pages[regions[i].At]);
        clone.DescriptorsTaken = true;
        ForkMetrics.Cloned(chunks);
        Sender.Tell(new CloneChunk(chunks, clone.Descriptors));
    }

    private void Handle(SessionClose close)
    {
        if (!_sessions.TryGetValue(close.SessionId, out var pid) || !_prepared.TryGetValue(pid, out var clone)) return;
        Forget(pid);
        clone.ForkedChild.Tell(new CloneClosed(pid));
    }

    private PreparedClone? Session(long id) =>
        _sessions.TryGetValue(id, out var pid) && _prepared.TryGetValue(pid, out var clone) ? clone : null;

    /// <summary>Drop a child's clone; descriptors it did not take are released (they were retained for it at fork).</summary>
    private void Forget(int pid)
    {
        if (!_prepared.Remove(pid, out var clone)) return;
        if (clone.SessionId is { } id) _sessions.Remove(id);
        if (clone.DescriptorsTaken) return;
        foreach (var descriptor in clone.Descriptors) _fileSystem.Tell(new FsRelease(descriptor.Description));
    }

    private sealed class PreparedClone(PrepareClone prepare)
    {
        public IActorRef ForkedChild { get; } = prepare.ForkedChild;

        public MemoryImage Image { get; } = prepare.Image;

        public IReadOnlyList<InheritedDescriptor> Descriptors { get; } = prepare.Descriptors;

        public long? SessionId { get; set; }

        public bool DescriptorsTaken { get; set; }
    }
}
