using System.Diagnostics;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// Fork (Genode's fork_kernel_routine): take quota and a pid, describe the descriptors, generate the child's
// config ROM and create its ForkedChild; fork returns once the child closed its clone session.
internal sealed partial class ProcessActor
{
    private readonly Dictionary<int, PendingFork> _pendingForks = [];
    private IActorRef? _cloneService;
    private IReadOnlyDictionary<string, IActorRef>? _romServices;
    private readonly Dictionary<long, ForkInProgress> _preparing = [];
    private long _childSequence;
    private long _forkRequests;

    private void Handle(ForkRequest fork)
    {
        var replyTo = Sender;
        var started = Stopwatch.GetTimestamp();
        WithQuota(_options.ForkQuota,
            granted: () => PrepareFork(fork, replyTo, started),
            denied: reason =>
            {
                ForkMetrics.ForkFailures.Add(1);
                replyTo.Tell(new LibcError(Errno.EAGAIN, $"fork refused: {reason}"));
            });
    }

    /// <summary>Ask the core for a pid and the file system for the descriptors' descriptions, both at once.</summary>
    private void PrepareFork(ForkRequest fork, IActorRef replyTo, long started)
    {
        var id = ++_forkRequests;
        var prepared = new ForkInProgress(fork, replyTo, started, [.. _fds]);
        _preparing[id] = prepared;
        _setup.Core.Tell(new AllocatePid(Pid, id));
        if (prepared.Descriptors.Count == 0) prepared.Described = [];
        else _setup.FileSystem.Tell(new FsDescribe([.. prepared.Descriptors.Select(fd => fd.Value.Description)], Retain: true, id));
    }

    private void Handle(PidAllocated allocated) => Prepared(allocated.RequestId, p => p.Pid = allocated);

    private void Handle(PidRefused refused) => Prepared(refused.RequestId, p => p.Refused = refused.Reason);

    private void Handle(Described described) => Prepared(described.RequestId, p => p.Described = described.Descriptions);

    private void Prepared(long id, Action<ForkInProgress> record)
    {
        if (!_preparing.TryGetValue(id, out var prepared)) return;
        record(prepared);
        if (prepared.Described is null || (prepared.Pid is null && prepared.Refused is null)) return;
        _preparing.Remove(id);
        if (Behaviour is not (nameof(Running) or nameof(Stopped)))
        {
            AbandonFork(prepared);
            return;
        }

        if (prepared.Pid is not { } allocated)
        {
            AbandonFork(prepared);
            ForkMetrics.ForkFailures.Add(1);
            prepared.ReplyTo.Tell(new LibcError(Errno.EAGAIN, $"fork refused: {prepared.Refused}"));
            return;
        }

        CreateChild(prepared, allocated);
    }

    private void CreateChild(ForkInProgress prepared, PidAllocated allocated)
    {
        var pid = allocated.Pid;
        var image = prepared.Request.Image;
        var config = ChildConfigFor(pid, image, prepared);
        _cloneService ??= Context.ActorOf(CloneService.Props(Pid, _options.CloneBufferSize, _setup.FileSystem), "clone");
        _romServices ??= _roms.ToDictionary(rom => rom.Key, rom => Context.ActorOf(LocalRomService.Props(Pid, rom.Key, rom.Value), $"rom-{rom.Key}"));
        var child = _setup with
        {
            Pid = pid, Ppid = Pid, Pgid = allocated.Pgid, Name = pid.ToString(), Policy = ActorRefs.Nobody,
            Entry = prepared.Request.Child, Handlers = image.Handlers, Reserve = _options.ForkQuota,
        };
        var inherited = prepared.Descriptors.Select(fd => new InheritedDescriptor(fd.Key, fd.Value.Description, fd.Value.CloseOnExec)).ToList();
        var forked = Context.ActorOf(
            ForkedChild.Props(new ForkedChildSetup(child, ConfigRom.Generate(config), _cloneService, _romServices, _options.ForkQuota, image.Memory, inherited)),
            $"child-{pid}-{++_childSequence}");
        Context.Watch(forked);
        _children[pid] = new ChildEntry(pid, forked, allocated.Pgid);
        _pendingForks[pid] = new PendingFork(prepared.ReplyTo, prepared.Started);
    }

    private ChildConfig ChildConfigFor(int pid, ForkImage image, ForkInProgress prepared)
    {
        var info = prepared.Described!.ToDictionary(d => d.Description);
        var fds = prepared.Descriptors
            .Where(fd => info.ContainsKey(fd.Value.Description))
            .Select(fd =>
            {
                var d = info[fd.Value.Description];
                return new FdNode(fd.Key, d.Path, fd.Value.CloseOnExec, d.Flags.CanRead(), d.Flags.CanWrite(), d.Offset);
            })
            .ToList();
        var regions = image.Memory.Regions;
        var own = _config!;
        return new ChildConfig(
            pid, image.Cwd, true, own.LibcAttributes, fds,
            regions.FirstOrDefault(r => r.Kind == "stack"),
            [.. regions.Where(r => r.Kind == "rw")],
            [.. regions.Where(r => r.Kind == "heap")],
            ChildConfig.ImageNodes(own.Others, image.Args, image.Environment));
    }

    /// <summary>A fork that will not happen: give back its pid, its descriptors and its quota.</summary>
    private void AbandonFork(ForkInProgress prepared)
    {
        if (prepared.Pid is { } allocated) _setup.Core.Tell(new PidReleased(allocated.Pid));
        foreach (var d in prepared.Described ?? []) _setup.FileSystem.Tell(new FsRelease(d.Description));
        _account.Credit(_options.ForkQuota);
    }

    private void Handle(ChildReady ready)
    {
        if (!_pendingForks.Remove(ready.Pid, out var pending)) return;
        ForkMetrics.Forks.Add(1);
        ForkMetrics.ForkDuration.Record(Stopwatch.GetElapsedTime(pending.Started).TotalMilliseconds);
        pending.ReplyTo.Tell(new LibcOk(ready.Pid));
    }

    private sealed record PendingFork(IActorRef ReplyTo, long Started);

    /// <summary>A fork between its request and its child: waiting for a pid and the descriptions of its descriptors.</summary>
    private sealed class ForkInProgress(ForkRequest request, IActorRef replyTo, long started, IReadOnlyList<KeyValuePair<int, Descriptor>> descriptors)
    {
        public ForkRequest Request { get; } = request;

        public IActorRef ReplyTo { get; } = replyTo;

        public long Started { get; } = started;

        public IReadOnlyList<KeyValuePair<int, Descriptor>> Descriptors { get; } = descriptors;

        public PidAllocated? Pid { get; set; }

        public string? Refused { get; set; }

        public IReadOnlyList<DescriptionInfo>? Described { get; set; }
    }
}
