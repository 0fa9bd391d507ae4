using Akka.Actor;
using Fork.Messages;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

// The program: started on its own synchronization context once the process has booted; its end
// (return, Exit, an exception) comes back to the actor as ProgramEnded.
internal sealed partial class ProcessActor
{
    private Dictionary<string, string> _roms = [];

    // Which program of the process runs: 1 from boot, one more at each exec.
    private int _program;

    // The CPU time of the programs exec replaced.
    private TimeSpan _replacedUser;
    private TimeSpan _replacedSystem;

    private void StartProgram(ChildConfig config) =>
        StartProgram(_setup.Entry, config.Args, config.Environment, config.Cwd, _setup.Handlers, _setup.Interrupting);

    /// <summary>Run <paramref name="entry"/> on a context of its own with a new libc; its end comes back as ProgramEnded.</summary>
    private void StartProgram(
        ProgramEntry entry, IReadOnlyList<string> args, IEnumerable<KeyValuePair<string, string>> environment, string cwd,
        IReadOnlyDictionary<Signal, Action<Signal>> handlers, IReadOnlyCollection<Signal> interrupting)
    {
        var program = ++_program;
        var self = Self;
        _context.Crashed = e => self.Tell(new ProgramEnded(0, e.ToString(), program));
        ProcessMain main;
        try
        {
            main = _setup.Runtime.Programs.Resolve(entry);
        }
        catch (PosixException e)
        {
            Self.Tell(new ProgramEnded(0, e.Message, program));
            return;
        }

        var libc = new Libc(new LibcSetup(
            Pid, Self, _killed, _pendingSignals, handlers, interrupting, _fds, _setup.FileSystem, _setup.Servers,
            TraceSink, _setup.Runtime.Programs, _memory!,
            args, environment, cwd, _context) { Program = program, AwayFromNamespace = _setup.Remote || PolicyElsewhere });
        (_view.Libc, _view.Memory) = (libc, _memory);
        var context = _context;
        _context.Post(async _ =>
        {
            var result = await Run(main, libc);
            context.Checkpoint();
            self.Tell(result with { Program = program });
        }, null);
    }

    private static async Task<ProgramEnded> Run(ProcessMain main, Libc libc)
    {
        try
        {
            return new ProgramEnded(await main(libc), null);
        }
        catch (ProcessExitException exit)
        {
            return new ProgramEnded(exit.Code, null);
        }
        catch (ProcessTerminatedException)
        {
            return new ProgramEnded(0, null);
        }
        catch (Exception e)
        {
            return new ProgramEnded(0, e.ToString());
        }
    }

    private void Handle(ProgramEnded ended)
    {
        // The end of a program that exec replaced: the process goes on with the new one.
        if (ended.Program != _program) return;
        if (ended.Crashed is null)
        {
            Terminate(WaitStatus.FromExit(ended.ExitCode));
            return;
        }

        // A program that throws ends as if by abort(): SIGABRT with a core (POSIX; Genode 2019 left it unreaped).
        Log.Crashed(_log, Pid, ended.Crashed);
        Terminate(WaitStatus.FromSignal(Signal.SIGABRT, coreDumped: true));
    }

    private ResourceUsage Usage() =>
        new(_replacedUser + _context.UserTime, _replacedSystem + _context.SystemTime, Math.Max(_peakBefore, _memory?.PeakBytes ?? 0));

    // The peak image of the programs exec replaced.
    private long _peakBefore;
}
