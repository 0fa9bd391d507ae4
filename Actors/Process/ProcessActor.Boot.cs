using Akka.Actor;
using Fork.Messages;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

// Boot (Genode: the dynamic linker and libc start-up of a forked child), pipelined: the config ROM is asked for at
// once and the clone session as soon as the start quota is there; the objects' ROMs when the config names them; the
// whole image and the descriptors in one pull; the session closes (fork returns in the parent) once all has arrived.
internal sealed partial class ProcessActor
{
    private void Booting(BootState boot) => BecomeNamed(nameof(Booting), message => OnBooting(boot, message));

    private bool OnBooting(BootState boot, object message)
    {
        switch (message)
        {
            case QuotaTransfer transfer: Handle(boot, transfer); return true;
            case RomDataspace rom: Handle(boot, rom); return true;
            case SessionGranted granted: Handle(boot, granted); return true;
            case SessionDenied { Service: Services.Log } denied: LogDenied(denied); boot.LogPending = false; FinishClone(boot); return true;
            case SessionDenied denied: BootFailed($"{denied.Service} session \"{denied.Label}\" denied: {denied.Reason}"); return true;
            case CloneChunk chunk: Handle(boot, chunk); return true;
            case MemoryChunk chunk when boot.Streamed is not null: Streamed(boot, chunk); return true;
            case DescriptorsChunk descriptors when boot.Streamed is not null: Streamed(boot, descriptors); return true;
            case DescriptionOpened or LibcError when boot.PendingOpens.Count > 0 && Sender.Equals(_setup.FileSystem):
                Handle(boot, boot.PendingOpens.Dequeue(), message);
                return true;
            case LibcOk: return true;
            case CloneRefused refused: BootFailed($"clone session refused {refused.Size} bytes at 0x{refused.At:x}: {refused.Reason}"); return true;
            // A signal that would end the process ends it now; any other waits for the program.
            case DeliverSignal deliver when Signals.DefaultAction(deliver.Signal) is SignalAction.Terminate or SignalAction.TerminateWithCore
                                            && (deliver.Signal == Signal.SIGKILL || !(_caught.Contains(deliver.Signal) || _ignored.Contains(deliver.Signal))):
                Handle(deliver);
                return true;
            case DeliverSignal or LogLine: Stash.Stash(); return true;
            case Reparented reparented: Handle(reparented); return true;
            // The policy is gone before this process ran: one beside it (its parent gave up) leaves no ghost; one on another
            // node may also have gone with its node, so this process ends and asks to go to init (the core reaps a ghost).
            case Terminated terminated when terminated.ActorRef.Equals(_setup.Policy):
                if (!_policy.Equals(_setup.Policy)) return true;
                if (PolicyElsewhere) ParentGone();
                else Context.Stop(Self);
                return true;
            default: return false;
        }
    }

    /// <summary>Genode's Forked_child: the start quota comes first; a forked child then asks for its clone session.</summary>
    private void Handle(BootState boot, QuotaTransfer transfer)
    {
        _account.Credit(transfer.Amount);
        if (_setup.IsInit || boot.CloneRequested) return;
        RequestClone(boot);
        if (_setup.OpenLog) OpenLog(boot);
    }

    private void Handle(BootState boot, RomDataspace rom)
    {
        if (!boot.ConfigRead && rom.Name == "config")
        {
            boot.ConfigRead = true;
            try
            {
                _config = ConfigRomReader.Read(rom.Content);
            }
            catch (PosixException e)
            {
                BootFailed(e.Message);
                return;
            }

            RequestImage(boot, _config);
            return;
        }

        boot.Roms[rom.Name] = rom.Content;
        boot.PendingRoms.Remove(rom.Name);
        FinishClone(boot);
        CompleteBoot(boot);
    }

    private void RequestImage(BootState boot, ChildConfig config)
    {
        if (config.Cloned == _setup.IsInit)
        {
            BootFailed(config.Cloned ? "init's config says it is cloned" : "a forked child's config does not say cloned=\"yes\"");
            return;
        }

        IEnumerable<string> objects = config.Cloned ? config.Rw.Select(r => r.Name) : _setup.Runtime.InitImage.LoadedObjects;
        foreach (var name in objects)
        {
            boot.PendingRoms.Add(name);
            _policy.Tell(new SessionRequest(Services.Rom, name, Quota.Zero));
        }

        if (!config.Cloned)
        {
            OpenConfiguredDescriptors(boot, config);
            boot.CloneDone = true;
            CompleteBoot(boot);
            return;
        }

        PullImage(boot);
    }

    private void RequestClone(BootState boot)
    {
        boot.CloneRequested = true;
        var quota = _options.CloneSessionQuota;
        if (!_account.TryWithdraw(quota))
        {
            BootFailed($"the clone session needs {quota} and the child has {_account.Balance}");
            return;
        }

        _policy.Tell(new SessionRequest(Services.Clone, "", quota));
    }

    /// <summary>The LOG session, through the parent services (the child is ready once it has it, or was told why not).</summary>
    private void OpenLog(BootState boot)
    {
        boot.LogPending = true;
        _unloggedLines = [];
        _policy.Tell(new SessionRequest(Services.Log, "", Quota.Zero));
    }

    /// <summary>A process that is not a clone opens the <c>&lt;fd&gt;</c> nodes of its config by path.</summary>
    private void OpenConfiguredDescriptors(BootState boot, ChildConfig config)
    {
        foreach (var fd in config.Fds)
        {
            var access = fd.Readable && fd.Writeable ? OpenFlags.ReadWrite : fd.Writeable ? OpenFlags.WriteOnly : OpenFlags.ReadOnly;
            var flags = access | (fd.CloseOnExec ? OpenFlags.CloseOnExec : 0);
            boot.PendingOpens.Enqueue(fd);
            _setup.FileSystem.Tell(new FsOpen(fd.Path, flags));
        }
    }

    private void Handle(BootState boot, FdNode fd, object reply)
    {
        if (reply is not DescriptionOpened opened)
        {
            BootFailed($"config descriptor {fd.Id} ({fd.Path}): {reply}");
            return;
        }

        _fds.Set(fd.Id, new Descriptor(opened.Description, fd.CloseOnExec, opened.Server, _setup.Servers.Find(opened.Server)));
        if (fd.Seek != 0) (opened.Server ?? _setup.FileSystem).Tell(new FsSeek(opened.Description, fd.Seek, SeekOrigin.Begin), ActorRefs.NoSender);
        CompleteBoot(boot);
    }

    private void Handle(BootState boot, SessionGranted granted)
    {
        if (granted.Service == Services.Log)
        {
            HandleLog(granted);
            boot.LogPending = false;
            FinishClone(boot);
            return;
        }

        if (granted.Service != Services.Clone) return;
        boot.CloneSession = (granted.SessionId, granted.Session);
        PullImage(boot);
    }

    /// <summary>Once the session is granted and the config read: the whole image and the descriptors in one request.</summary>
    private void PullImage(BootState boot)
    {
        if (!boot.ConfigRead || boot.CloneSession is not var (id, clone)) return;
        if (clone.Path.Address.HasGlobalScope)
        {
            PullAcross(boot, id, clone);
            return;
        }

        clone.Tell(new CloneContent(id));
    }

    // Ranges asked for at once from a clone service on another node.
    private const int PullWindow = 16;

    /// <summary>
    /// The clone service is on another node: the image comes as bytes, pulled one clone buffer a request, a few
    /// requests at a time, and the descriptors on their own. The service answers a request with the chunks that cover
    /// it, each fitting one frame (<c>maximum-frame-size</c>): one for a range with few written pages.
    /// </summary>
    private void PullAcross(BootState boot, long id, IActorRef clone)
    {
        var step = (long)_options.CloneBufferSize;
        boot.Pulls = new Queue<MemoryContent>();
        boot.Streamed = [];
        foreach (var region in _config!.CloneOrder)
        {
            boot.Streamed[region.At] = [];
            for (long offset = 0; offset < region.Size; offset += step)
                boot.Pulls.Enqueue(new MemoryContent(id, region.At + (ulong)offset, Math.Min(step, region.Size - offset)));
        }

        clone.Tell(new DescriptorsContent(id));
        while (boot.InFlight.Count < PullWindow && boot.Pulls.TryDequeue(out var next)) Pull(boot, clone, next);
    }

    private static void Pull(BootState boot, IActorRef clone, MemoryContent range)
    {
        boot.InFlight.Add((range.At, range.Size));
        clone.Tell(range);
    }

    private void Streamed(BootState boot, MemoryChunk chunk)
    {
        if (boot.CloneSession is not var (_, clone)) return;
        var asked = boot.InFlight.FindIndex(r => r.At <= chunk.At && chunk.At < r.At + (ulong)r.Left);
        if (asked < 0) return;
        var region = _config!.CloneOrder.LastOrDefault(r => r.At <= chunk.At && chunk.At < r.At + (ulong)r.Size);
        if (region is not null) boot.Streamed![region.At].Add(chunk);
        // The range's chunks come in order: what is left of it starts after this one.
        var (at, left) = boot.InFlight[asked];
        left -= (long)(chunk.At - at) + chunk.Size;
        if (left > 0)
        {
            boot.InFlight[asked] = (chunk.At + (ulong)chunk.Size, left);
            return;
        }

        boot.InFlight.RemoveAt(asked);
        if (boot.Pulls!.TryDequeue(out var next)) Pull(boot, clone, next);
        StreamedAll(boot);
    }

    private void Streamed(BootState boot, DescriptorsChunk descriptors)
    {
        boot.StreamedDescriptors = descriptors.Descriptors;
        StreamedAll(boot);
    }

    /// <summary>Every range and the descriptors have come: each region whole, as a local clone hands it over.</summary>
    private void StreamedAll(BootState boot)
    {
        if (boot.InFlight.Count > 0 || boot.Pulls!.Count > 0 || boot.StreamedDescriptors is not { } descriptors) return;
        var regions = _config!.CloneOrder;
        var memory = new MemoryChunk[regions.Count];
        for (var i = 0; i < memory.Length; i++)
        {
            var region = regions[i];
            memory[i] = new MemoryChunk(region.At, region.Size, RegionAssembly.Assemble(region, [.. boot.Streamed![region.At].OrderBy(c => c.At)]));
        }

        boot.Streamed = null;
        boot.Pulls = null;
        Handle(boot, new CloneChunk(memory, descriptors));
    }

    private void Handle(BootState boot, CloneChunk chunk)
    {
        var config = _config!;
        var missing = config.CloneOrder.Where(r => !chunk.Memory.Any(c => c.At == r.At && c.Size == r.Size)).ToList();
        if (missing.Count > 0)
        {
            BootFailed($"the clone session lacks the {missing[0].Kind} region at 0x{missing[0].At:x} named in the config");
            return;
        }

        foreach (var inherited in chunk.Descriptors) _fds.Set(inherited.Fd, new Descriptor(inherited.Description, inherited.CloseOnExec, inherited.Server, _setup.Servers.Find(inherited.Server)));
        var lacking = config.Fds.Where(fd => !_fds.Contains(fd.Id)).Select(fd => fd.Id).ToList();
        if (lacking.Count > 0)
        {
            BootFailed($"the clone session lacks descriptors {string.Join(", ", lacking)} named in the config");
            return;
        }

        boot.Pulled = chunk;
        FinishClone(boot);
    }

    /// <summary>
    /// Genode d4e0d2f578: descriptors are open in the child before the session closes and the parent goes on; and the
    /// objects' ROMs have arrived, so nothing of the child's start-up is on its way through the parent any more.
    /// </summary>
    private void FinishClone(BootState boot)
    {
        if (boot.Pulled is null || boot.PendingRoms.Count > 0 || boot.LogPending || boot.CloneSession is not var (id, clone)) return;
        // Genode: the child keeps what it needs; here, its reserve. The rest of its start quota goes back to the parent
        // with the news that it is ready (sent before the close, so the policy has it when the close reaches it).
        _account.Credit(_options.CloneSessionQuota);
        var surplus = _account.Balance - _setup.Reserve;
        surplus = new Quota(Math.Max(0, surplus.Ram), Math.Max(0, surplus.Caps));
        if (surplus != Quota.Zero && _account.TryWithdraw(surplus)) _policy.Tell(new QuotaTransfer(surplus));
        clone.Tell(new SessionClose(id));
        boot.CloneSession = null;
        boot.CloneDone = true;
        CompleteBoot(boot);
    }

    private void CompleteBoot(BootState boot)
    {
        if (boot.Done || !boot.ConfigRead || boot.PendingRoms.Count > 0 || boot.PendingOpens.Count > 0 || !boot.CloneDone) return;
        boot.Done = true;
        if (_setup.Remote && !PolicyElsewhere) Context.Unwatch(_setup.Policy);
        var config = _config!;
        _memory = boot.Pulled is { } pulled
            ? AddressSpace.FromImage(ImageOf(config, pulled), _account)
            : AddressSpace.Create(_setup.Runtime.InitImage.LoadedObjects, _account);
        _roms = boot.Roms;
        StartProgram(config);
        ShowAway();
        TraceFork = null;
        // What a fork copies of this config (the inherited libc attributes, nodes other than argv and the environment)
        // is all that is kept: the rest is in the address space, the descriptor table and the program's libc now.
        _config = config with
        {
            Fds = [], Stack = null, Rw = [], Heap = [],
            Others = config.Others.Any(n => n.Name != "arg" && n.Name != "env") ? [.. config.Others.Where(n => n.Name != "arg" && n.Name != "env")] : [],
        };
        Stash.UnstashAll();
        Running();
    }

    /// <summary>Each region from its chunk: locally the parent's own snapshot, adopted without touching a page.</summary>
    private static MemoryImage ImageOf(ChildConfig config, CloneChunk pulled)
    {
        var pages = new Dictionary<ulong, PageSnapshot>(pulled.Memory.Count);
        foreach (var region in config.CloneOrder)
            pages[region.At] = RegionAssembly.Assemble(region, [.. pulled.Memory.Where(c => c.At == region.At)]);
        return new MemoryImage(config.CloneOrder, pages);
    }

    private void BootFailed(string reason)
    {
        Log.BootFailed(_log, Pid, reason);
        Terminate(WaitStatus.FromSignal(Signal.SIGKILL, coreDumped: false));
    }
}
