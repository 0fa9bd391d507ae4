using Akka.Actor;
using Fork.Messages;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

// Boot (Genode: the dynamic linker and libc start-up of a forked child): read the config ROM, load the
// objects' ROMs, open LOG, and when cloned pull the parent's memory and descriptors through the clone session.
internal sealed partial class ProcessActor
{
    private void Booting(BootState boot)
    {
        BecomeNamed(nameof(Booting), () =>
        {
            Receive<QuotaTransfer>(t => _account.Credit(t.Amount));
            Receive<RomDataspace>(rom => Handle(boot, rom));
            Receive<SessionGranted>(granted => Handle(boot, granted));
            Receive<SessionDenied>(denied => BootFailed($"{denied.Service} session \"{denied.Label}\" denied: {denied.Reason}"));
            Receive<MemoryChunk>(chunk => Handle(boot, chunk));
            Receive<DescriptorsChunk>(descriptors => Handle(boot, descriptors));
            Receive<ConfiguredOpen>(open => Handle(boot, open));
            Receive<LibcOk>(_ => { });
            Receive<CloneRefused>(refused => BootFailed($"clone session refused {refused.Size} bytes at 0x{refused.At:x}: {refused.Reason}"));
            Receive<DeliverSignal>(d => Signals.DefaultAction(d.Signal) is SignalAction.Terminate or SignalAction.TerminateWithCore
                                        && (d.Signal == Signal.SIGKILL || !_caught.Contains(d.Signal)), Handle);
            Receive<DeliverSignal>(_ => Stash.Stash());
            Receive<Reparented>(Handle);
        });
    }

    private void Handle(BootState boot, RomDataspace rom)
    {
        if (!boot.ConfigRead && rom.Name == "config")
        {
            boot.ConfigRead = true;
            try
            {
                _config = ConfigRom.Parse(rom.Content);
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
        CompleteBoot(boot);
    }

    private void RequestImage(BootState boot, ChildConfig config)
    {
        IEnumerable<string> objects = config.Cloned ? config.Rw.Select(r => r.Name) : _setup.Runtime.InitImage.LoadedObjects;
        foreach (var name in objects)
        {
            boot.PendingRoms.Add(name);
            _policy.Tell(new SessionRequest(Services.Rom, name, Quota.Zero));
        }

        _policy.Tell(new SessionRequest(Services.Log, "", Quota.Zero));
        if (!config.Cloned)
        {
            OpenConfiguredDescriptors(boot, config);
            boot.CloneDone = true;
        }
    }

    /// <summary>
    /// Genode: the dynamic linker has loaded the objects' ROMs (and libc opened LOG) before libc asks for the clone
    /// session, so once the session closes and the parent goes on, nothing of the child's start-up is still on its way.
    /// </summary>
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

    /// <summary>A process that is not a clone opens the <c>&lt;fd&gt;</c> nodes of its config by path.</summary>
    private void OpenConfiguredDescriptors(BootState boot, ChildConfig config)
    {
        foreach (var fd in config.Fds)
        {
            var access = fd.Readable && fd.Writeable ? OpenFlags.ReadWrite : fd.Writeable ? OpenFlags.WriteOnly : OpenFlags.ReadOnly;
            var flags = access | (fd.CloseOnExec ? OpenFlags.CloseOnExec : 0);
            boot.PendingOpens++;
            _setup.FileSystem.Ask<object>(new FsOpen(fd.Path, flags))
                .PipeTo(Self, success: reply => new ConfiguredOpen(fd, reply), failure: e => new ConfiguredOpen(fd, new LibcError(Errno.EIO, e.Message)));
        }
    }

    private void Handle(BootState boot, ConfiguredOpen open)
    {
        if (open.Reply is not DescriptionOpened opened)
        {
            BootFailed($"config descriptor {open.Fd.Id} ({open.Fd.Path}): {open.Reply}");
            return;
        }

        _fds[open.Fd.Id] = new Descriptor(opened.Description, open.Fd.CloseOnExec);
        if (open.Fd.Seek != 0) _setup.FileSystem.Tell(new FsSeek(opened.Description, open.Fd.Seek, SeekOrigin.Begin));
        boot.PendingOpens--;
        CompleteBoot(boot);
    }

    private sealed record ConfiguredOpen(FdNode Fd, object Reply);

    private void Handle(BootState boot, SessionGranted granted)
    {
        switch (granted.Service)
        {
            case Services.Log:
                _logSession = new LogSession(granted.SessionId, granted.Session);
                CompleteBoot(boot);
                break;
            case Services.Clone:
                boot.CloneSession = (granted.SessionId, granted.Session);
                PullImage(boot, granted.SessionId, granted.Session);
                break;
        }
    }

    /// <summary>Ask for every chunk at once (heap, stack, rw segments, each in pieces of one buffer), then the descriptors.</summary>
    private void PullImage(BootState boot, long session, IActorRef clone)
    {
        var buffer = _options.CloneBufferSize;
        foreach (var region in _config!.CloneOrder)
        {
            boot.Chunks[region.At] = [];
            for (long offset = 0; offset < region.Size; offset += buffer)
            {
                clone.Tell(new MemoryContent(session, region.At + (ulong)offset, Math.Min(buffer, region.Size - offset)));
                boot.PendingChunks++;
            }
        }

        clone.Tell(new DescriptorsContent(session));
    }

    private void Handle(BootState boot, MemoryChunk chunk)
    {
        var region = _config!.CloneOrder.First(r => r.Contains(chunk.At, chunk.Size));
        boot.Chunks[region.At].Add(chunk);
        boot.PendingChunks--;
        FinishClone(boot);
    }

    private void Handle(BootState boot, DescriptorsChunk chunk)
    {
        boot.Descriptors = chunk.Descriptors;
        foreach (var inherited in chunk.Descriptors) _fds[inherited.Fd] = new Descriptor(inherited.Description, inherited.CloseOnExec);
        var missing = _config!.Fds.Where(fd => !_fds.ContainsKey(fd.Id)).Select(fd => fd.Id).ToList();
        if (missing.Count > 0)
        {
            BootFailed($"the clone session lacks descriptors {string.Join(", ", missing)} named in the config");
            return;
        }

        FinishClone(boot);
    }

    /// <summary>Genode d4e0d2f578: descriptors are open in the child before the session closes and the parent goes on.</summary>
    private void FinishClone(BootState boot)
    {
        if (boot.PendingChunks > 0 || boot.Descriptors is null || boot.CloneSession is not var (id, clone)) return;
        clone.Tell(new SessionClose(id));
        _account.Credit(_options.CloneSessionQuota);
        boot.CloneSession = null;
        boot.CloneDone = true;
        CompleteBoot(boot);
    }

    private void CompleteBoot(BootState boot)
    {
        if (!boot.ConfigRead || boot.PendingRoms.Count > 0 || _logSession is null || boot.PendingOpens > 0) return;
        if (!boot.CloneDone)
        {
            if (!boot.CloneRequested) RequestClone(boot);
            return;
        }

        var config = _config!;
        _memory = config.Cloned
            ? AddressSpace.FromImage(new MemoryImage(config.CloneOrder, RegionAssembly.Snapshots(config.CloneOrder, boot.Chunks)), _account)
            : AddressSpace.Create(_setup.Runtime.InitImage.LoadedObjects, _account);
        _roms = boot.Roms;
        StartProgram(config);
        Stash.UnstashAll();
        Running();
    }

    private void BootFailed(string reason)
    {
        Log.BootFailed(_log, Pid, reason);
        Terminate(WaitStatus.FromSignal(Signal.SIGKILL, coreDumped: false));
    }
}
