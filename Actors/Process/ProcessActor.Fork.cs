using System.Diagnostics;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// Fork (Genode's fork_kernel_routine), in the order it happens: take the fork quota, take a pid from the namespace's
// table, create the child's ForkedChild, have the file system describe and retain the descriptors for it (it writes
// the config ROM from them), tell the clone service what the child may pull, create the child's process beside its
// policy and move the start quota to it. No step waits for an answer: fork returns when the ForkedChild reports the
// child ready (it closed its clone session). A process away from its namespace's node asks the core for the pid and goes
// on with the answer.
internal sealed partial class ProcessActor
{
    private readonly Dictionary<int, PendingFork> _pendingForks = [];
    private readonly Dictionary<long, PendingPid> _pidRequests = [];
    private IActorRef? _cloneService;
    private IReadOnlyDictionary<string, IActorRef>? _romServices;
    private long _childSequence;
    private long _forks;
    private long _pidRequestIds;
    private static long _incarnations;

    private void Handle(ForkRequest fork)
    {
        var replyTo = Sender;
        var started = Stopwatch.GetTimestamp();
        var number = ++_forks;
        var activity = ForkActivities.StartFork(_setup.Origin, Pid, _pgid, _view.Command);
        WithQuota(_options.ForkQuota,
            granted: () => AllocatePid(fork, number, replyTo, started, activity),
            denied: reason => ForkFailed(replyTo, $"fork refused: {reason}", activity));
    }

    /// <summary>
    /// The child's pid: beside the namespace, from its table under the table's lock; away from it (no table here), from
    /// the core by message, the fork going on when the answer comes (<see cref="Handle(PidAllocated)"/>).
    /// </summary>
    private void AllocatePid(ForkRequest fork, long number, IActorRef replyTo, long started, Activity? activity)
    {
        if (_setup.Remote)
        {
            var id = ++_pidRequestIds;
            _pidRequests[id] = new PendingPid(fork, number, replyTo, started, activity);
            _setup.Core.Tell(new AllocatePid(Pid, id));
            return;
        }

        if (_setup.Pids.Allocate(Pid, _pgid) is { } pid) CreateChild(fork, number, replyTo, started, activity, pid, _pgid);
        else NoPid(replyTo, _setup.Pids.Refusal, activity);
    }

    private void Handle(PidAllocated allocated)
    {
        // The process ended while the core allocated: nobody forks with this pid.
        if (!_pidRequests.Remove(allocated.RequestId, out var pending))
        {
            FreePid(allocated.Pid);
            return;
        }

        CreateChild(pending.Fork, pending.Number, pending.ReplyTo, pending.Started, pending.Activity, allocated.Pid, allocated.Pgid);
    }

    private void Handle(PidRefused refused)
    {
        if (_pidRequests.Remove(refused.RequestId, out var pending)) NoPid(pending.ReplyTo, refused.Reason, pending.Activity);
    }

    private void NoPid(IActorRef replyTo, string reason, Activity? activity)
    {
        _account.Credit(_options.ForkQuota);
        ForkFailed(replyTo, $"fork refused: {reason}", activity);
    }

    /// <summary>The process ended while the core allocated pids for its forks: they fail (EINTR) and give their quota back.</summary>
    private void AbandonPidRequests()
    {
        foreach (var pending in _pidRequests.Values)
        {
            _account.Credit(_options.ForkQuota);
            ForkInterrupted(new PendingFork(pending.ReplyTo, pending.Started, pending.Number, pending.Activity));
        }

        _pidRequests.Clear();
    }

    /// <summary>
    /// Frees a pid this process held for a child (reaped, or never created): beside the namespace in its table, and the
    /// core hears of it; away from it the core releases it and answers <see cref="PidReleased"/>.
    /// </summary>
    private void FreePid(int pid)
    {
        if (_setup.Remote)
        {
            _setup.Core.Tell(new ReleasePid(pid));
            return;
        }

        _setup.Pids.Release(pid);
        _setup.Core.Tell(new PidReleased(pid));
    }

    /// <summary>The trace's id of a fork request is known when it is received: the next fork of this process.</summary>
    protected override string? TraceForkOf(object message) => message switch
    {
        ForkRequest => ProcessSetup.TraceForkId(Pid, _forks + 1),
        ChildReady ready when _pendingForks.TryGetValue(ready.Pid, out var pending) => ProcessSetup.TraceForkId(Pid, pending.Fork),
        ProcessSpawned spawned when _remoteSpawns.TryGetValue(spawned.RequestId, out var spawn) && _pendingForks.TryGetValue(spawn.Pid, out var pending)
            => ProcessSetup.TraceForkId(Pid, pending.Fork),
        _ => null,
    };

    private void CreateChild(ForkRequest fork, long number, IActorRef replyTo, long started, Activity? activity, int pid, int pgid)
    {
        ForkActivities.Forked(activity, pid);

        var image = fork.Image;
        var inherited = new List<InheritedDescriptor>(_fds.Count);
        foreach (var (fd, descriptor) in _fds.Open()) inherited.Add(new InheritedDescriptor(fd, descriptor.Description, descriptor.CloseOnExec, descriptor.Server));
        _cloneService ??= Context.ActorOf(CloneService.Props(Pid, _options.CloneBufferSize, _setup.FileSystem), "clone");
        _romServices ??= _roms.ToDictionary(rom => rom.Key, rom => Context.ActorOf(LocalRomService.Props(Pid, rom.Key, rom.Value), $"rom-{rom.Key}"));
        var child = _setup with
        {
            Pid = pid, Ppid = Pid, Pgid = pgid, Name = pid.ToString(), Policy = ActorRefs.Nobody,
            Entry = fork.Child, Command = _view.Command, Handlers = image.Handlers, Interrupting = image.Interrupting, Reserve = _options.ProcessReserve,
            Account = new QuotaAccount(Quota.Zero, _account, _options.ProcessReserve),
            Fork = number, OpenLog = _logSession is not null,
            Origin = activity?.Context ?? _setup.Origin,
        };
        var forked = Context.ActorOf(
            ForkedChild.Props(new ForkedChildSetup(child, ChildConfigFor(pid, image), inherited, _cloneService, _romServices)),
            $"child-{pid}-{++_childSequence}");
        // Each is named as soon as it exists, before it starts and before anything is sent on its behalf, so all of that is
        // traced under its name and fork.
        TraceAnnounce(forked, $"{nameof(ForkedChild)} {pid}", child.ForkId);
        Context.Watch(forked);
        _children.Add(pid, forked, pgid);
        _pendingForks[pid] = new PendingFork(replyTo, started, number, activity);

        // Descriptions are retained by this process's message, so no close of its own can overtake them.
        _setup.FileSystem.Tell(new FsDescribe([.. inherited.Select(d => d.Description)], Retain: true), forked);
        // Then the clone service (its release of what a dead child did not take comes after the retain), before the
        // child exists, so the preparation is there ahead of the child's session request.
        _cloneService.Tell(new PrepareClone(pid, forked, image.Memory, inherited));
        if (fork.Target is { } node)
        {
            SpawnOn(node, fork.Child.Name, child, forked);
            return;
        }

        // The process is not its ForkedChild's child: when this parent ends it must outlive the policy and go to init.
#pragma warning disable AK1008
        var process = Context.System.ActorOf(ProcessActor.Props(child with { Policy = forked }), $"pid{pid}-{Interlocked.Increment(ref _incarnations)}");
#pragma warning restore AK1008
        TraceAnnounce(process, $"{nameof(ProcessActor)} {pid}", child.ForkId);
        // Genode's Forked_child: the child's start quota moves from the parent, on the policy's behalf.
        process.Tell(new QuotaTransfer(_options.ForkQuota), forked);
        forked.Tell(new ChildCreated(process));
    }

    /// <summary>The child's config without its descriptors: the ForkedChild adds them once the file system described them.</summary>
    private ChildConfig ChildConfigFor(int pid, ForkImage image)
    {
        var regions = image.Memory.Regions;
        var own = _config!;
        return new ChildConfig(
            pid, image.Cwd, true, own.LibcAttributes, [],
            regions.FirstOrDefault(r => r.Kind == "stack"),
            [.. regions.Where(r => r.Kind == "rw")],
            [.. regions.Where(r => r.Kind == "heap")],
            ChildConfig.ImageNodes(own.Others, image.Args, image.Environment));
    }

    private static void ForkFailed(IActorRef replyTo, string reason, Activity? activity)
    {
        ForkMetrics.ForkFailures.Add(1);
        ForkActivities.ForkFailed(activity, Errno.EAGAIN, reason);
        replyTo.Tell(new LibcError(Errno.EAGAIN, reason));
    }

    /// <summary>The forking process ended before its child was ready: the fork fails with EINTR.</summary>
    private void ForkInterrupted(PendingFork pending)
    {
        ForkActivities.ForkFailed(pending.Activity, Errno.EINTR, $"process {Pid} ended");
        pending.ReplyTo.Tell(new LibcError(Errno.EINTR, $"process {Pid} ended"));
    }

    private void Handle(ChildReady ready)
    {
        _account.Credit(ready.Returned);
        // A child placed elsewhere can be ready before its spawner's answer is here: its fork no longer times out.
        foreach (var (id, spawn) in _remoteSpawns)
        {
            if (spawn.Pid != ready.Pid) continue;
            spawn.Timeout.Cancel();
            _remoteSpawns[id] = spawn with { Ready = true };
            break;
        }

        if (!_pendingForks.Remove(ready.Pid, out var pending)) return;
        ForkMetrics.Forks.Add(1);
        ForkMetrics.ForkDuration.Record(Stopwatch.GetElapsedTime(pending.Started).TotalMilliseconds);
        ForkActivities.ForkReady(pending.Activity);
        pending.ReplyTo.Tell(new LibcOk(ready.Pid));
    }

    /// <summary>
    /// The child is placed on another node: that node's spawner creates its process. The policy stays here. The start
    /// quota goes with the request, so the child boots while the answer travels back (a transfer after the answer would
    /// put two more crossings before its clone session); the news of the process follows the answer, as for a local
    /// child. Without an answer in time (or with a refusal) the fork fails, its policy stops, and what it took is given
    /// back; a process that is spawned after all is killed.
    /// </summary>
    private void SpawnOn(Address node, string program, ProcessSetup child, IActorRef forked)
    {
        var id = Interlocked.Increment(ref _spawnRequests);
        var timeout = Context.System.Scheduler.ScheduleTellOnceCancelable(_options.SpawnTimeout, Self, new SpawnTimedOut(id), Self);
        _remoteSpawns[id] = new RemoteSpawn(child.Pid, forked, node, timeout);
        Context.ActorSelection(ForkSpawner.PathOn(node)).Tell(
            new SpawnProcess(id, child.Pid, Pid, child.Pgid, program, child.Command, child.Fork, child.OpenLog, forked, _setup.Core, _setup.FileSystem)
            {
                Ignored = [.. child.Handlers.Where(h => ReferenceEquals(h.Value, Libc.Ignore)).Select(h => h.Key)],
                StartQuota = _options.ForkQuota,
            },
            Self);
    }

    private void Handle(ProcessSpawned spawned)
    {
        if (!_remoteSpawns.Remove(spawned.RequestId, out var spawn))
        {
            // Too late: the fork failed meanwhile. The process has not run (it waits for its start quota): it ends here.
            spawned.Process.Tell(new DeliverSignal(Signal.SIGKILL, Pid));
            spawned.Process.Tell(Reap.Instance);
            return;
        }

        spawn.Timeout.Cancel();
        TraceAnnounce(spawned.Process, $"{nameof(ProcessActor)} {spawn.Pid}", ProcessSetup.TraceForkId(Pid, _pendingForks.TryGetValue(spawn.Pid, out var pending) ? pending.Fork : 0));
        spawn.Policy.Tell(new ChildCreated(spawned.Process));
    }

    private void Handle(SpawnRefused refused)
    {
        if (_remoteSpawns.Remove(refused.RequestId, out var spawn)) SpawnFailed(spawn, refused.Errno, $"{spawn.Node} refused the fork: {refused.Reason}");
    }

    private void Handle(SpawnTimedOut timedOut)
    {
        if (_remoteSpawns.TryGetValue(timedOut.RequestId, out var spawn) && !spawn.Ready && _remoteSpawns.Remove(timedOut.RequestId))
            SpawnFailed(spawn, Errno.EHOSTUNREACH, $"the fork host {spawn.Node} did not answer within {_options.SpawnTimeout.TotalSeconds} s");
    }

    /// <summary>Undo a fork whose child was not created: its policy, its clone preparation, its pid and its quota.</summary>
    private void SpawnFailed(RemoteSpawn spawn, Errno errno, string reason)
    {
        spawn.Timeout.Cancel();
        _children.Remove(spawn.Pid);
        Context.Unwatch(spawn.Policy);
        Context.Stop(spawn.Policy);
        _cloneService?.Tell(new CloneAbandoned(spawn.Pid));
        FreePid(spawn.Pid);
        _account.Credit(_options.ForkQuota);
        if (!_pendingForks.Remove(spawn.Pid, out var pending)) return;
        ForkMetrics.ForkFailures.Add(1);
        ForkActivities.ForkFailed(pending.Activity, errno, reason);
        pending.ReplyTo.Tell(new LibcError(errno, reason));
    }

    /// <summary>The process ended with spawns unanswered: an answer that still comes kills what it names.</summary>
    private void AbandonSpawns()
    {
        foreach (var spawn in _remoteSpawns.Values) spawn.Timeout.Cancel();
        _remoteSpawns.Clear();
    }

    private static long _spawnRequests;
    private readonly Dictionary<long, RemoteSpawn> _remoteSpawns = [];

    /// <summary>A spawn whose answer is awaited; <paramref name="Ready"/>: its child is ready all the same (it cannot time out).</summary>
    private sealed record RemoteSpawn(int Pid, IActorRef Policy, Address Node, ICancelable Timeout, bool Ready = false);

    private sealed record SpawnTimedOut(long RequestId) : INoSerializationVerificationNeeded;

    private sealed record PendingFork(IActorRef ReplyTo, long Started, long Fork, Activity? Activity);

    private sealed record PendingPid(ForkRequest Fork, long Number, IActorRef ReplyTo, long Started, Activity? Activity);
}
