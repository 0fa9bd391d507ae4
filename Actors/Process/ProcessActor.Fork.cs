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
    private long _childSequence;

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

    private void PrepareFork(ForkRequest fork, IActorRef replyTo, long started)
    {
        var fds = _fds.ToList();
        var pid = _setup.Core.Ask<object>(new AllocatePid(Pid));
        var described = fds.Count == 0
            ? Task.FromResult<object>(new Described([]))
            : _setup.FileSystem.Ask<object>(new FsDescribe([.. fds.Select(fd => fd.Value.Description)], Retain: true));
        Task.WhenAll(pid, described).PipeTo(Self,
            success: () => new ForkPrepared(fork, replyTo, started, pid.Result, (Described)described.Result, fds),
            failure: e => new ForkPrepared(fork, replyTo, started, new LibcError(Errno.EAGAIN, e.Message), new Described([]), fds));
    }

    private void Handle(ForkPrepared prepared)
    {
        if (prepared.Pid is not PidAllocated allocated)
        {
            AbandonFork(prepared);
            ForkMetrics.ForkFailures.Add(1);
            prepared.ReplyTo.Tell(prepared.Pid);
            return;
        }

        var pid = allocated.Pid;
        var image = prepared.Request.Image;
        var config = ChildConfigFor(pid, image, prepared);
        _cloneService ??= Context.ActorOf(CloneService.Props(Pid, _options.CloneBufferSize, _setup.FileSystem), "clone");
        _romServices ??= _roms.ToDictionary(rom => rom.Key, rom => Context.ActorOf(LocalRomService.Props(Pid, rom.Key, rom.Value), $"rom-{rom.Key}"));
        var child = _setup with
        {
            Pid = pid, Ppid = Pid, Pgid = allocated.Pgid, Name = pid.ToString(), Policy = ActorRefs.Nobody,
            Entry = prepared.Request.Child, Handlers = image.Handlers,
        };
        var inherited = prepared.Descriptors.Select(fd => new InheritedDescriptor(fd.Key, fd.Value.Description, fd.Value.CloseOnExec)).ToList();
        var forked = Context.ActorOf(
            ForkedChild.Props(new ForkedChildSetup(child, ConfigRom.Generate(config), _cloneService, _romServices, _options.ForkQuota, image.Memory, inherited)),
            $"child-{pid}-{++_childSequence}");
        Context.Watch(forked);
        _children[pid] = new ChildEntry(pid, forked, allocated.Pgid);
        _pendingForks[pid] = new PendingFork(prepared.ReplyTo, prepared.Started);
    }

    private ChildConfig ChildConfigFor(int pid, ForkImage image, ForkPrepared prepared)
    {
        var info = prepared.Described.Descriptions.ToDictionary(d => d.Description);
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
    private void AbandonFork(ForkPrepared prepared)
    {
        if (prepared.Pid is PidAllocated allocated) _setup.Core.Tell(new PidReleased(allocated.Pid));
        foreach (var d in prepared.Described.Descriptions) _setup.FileSystem.Tell(new FsRelease(d.Description));
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

    /// <summary>Quota, pid and descriptor descriptions are in; <paramref name="Pid"/> is PidAllocated or LibcError.</summary>
    private sealed record ForkPrepared(
        ForkRequest Request,
        IActorRef ReplyTo,
        long Started,
        object Pid,
        Described Described,
        IReadOnlyList<KeyValuePair<int, Descriptor>> Descriptors);
}
