using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// execve, as Genode's execve.cc and POSIX have it: the process stays (pid, ppid, group, children, quota, pending signals,
// every descriptor without close-on-exec), its program is replaced. The old program is unwound as a killed one is (its
// calls end, it runs nothing more); the new one starts on a context of its own with a fresh image of the new binary.
internal sealed partial class ProcessActor
{
    private void Handle(ExecRequest exec)
    {
        // The old program ends: its calls are abandoned (exec itself among them) and its context runs nothing new.
        var replaced = _killed;
        _killed = new CancellationTokenSource();
        replaced.Cancel();
        _replacedUser += _context.UserTime;
        _replacedSystem += _context.SystemTime;
        _context = new ProcessSynchronizationContext();

        // Descriptors with close-on-exec close; the rest stay, with their open file descriptions and offsets.
        var closing = _fds.Open().Where(d => d.Descriptor.CloseOnExec).ToList();
        foreach (var (fd, _) in closing) _fds.Remove(fd, out _);
        if (closing.Count > 0) _setup.FileSystem.Tell(new FsProcessEnded(Pid, [.. closing.Select(d => d.Descriptor.Description)]));

        // Caught signals go back to their default action; ignored ones stay ignored; pending ones stay pending.
        _caught.Clear();
        var ignored = _ignored.ToDictionary(signal => signal, _ => Libc.Ignore);

        // A fresh image of the new binary: the old heap and segments are gone (and their pages given back).
        _peakBefore = Math.Max(_peakBefore, _memory?.PeakBytes ?? 0);
        _memory?.Release();
        _memory = AddressSpace.Create(_setup.Runtime.InitImage.LoadedObjects, _account);

        // Later forks are children of the new binary: its ROM is what they get as "binary".
        _roms[ProcessOptions.BinaryObject] = $"ELF {exec.Program}";
        if (_romServices is not null)
        {
            foreach (var service in _romServices.Values) service.Tell(PoisonPill.Instance);
            _romServices = null;
        }

        ForkActivities.Exec(_setup.Origin, Pid, _view.Command, exec.Program);
        _view.Command = exec.Program;
        ShowAway();
        Log.Exec(_log, Pid, exec.Program);
        StartProgram(new ProgramEntry(exec.Program, null), exec.Args, exec.Environment, exec.Cwd, ignored, []);
    }
}
