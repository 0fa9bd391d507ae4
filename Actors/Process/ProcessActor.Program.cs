using Akka.Actor;
using Fork.Messages;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

// The program: started on its own synchronization context once the process has booted; its end
// (return, Exit, an exception) comes back to the actor as ProgramEnded.
internal sealed partial class ProcessActor
{
    private Dictionary<string, string> _roms = [];

    private void StartProgram(ChildConfig config)
    {
        ProcessMain main;
        try
        {
            main = _setup.Runtime.Programs.Resolve(_setup.Entry);
        }
        catch (PosixException e)
        {
            Self.Tell(new ProgramEnded(0, e.Message));
            return;
        }

        var libc = new Libc(new LibcSetup(
            Pid, Self, _killed, _pendingSignals, _setup.Handlers, _setup.Interrupting, _fds, _setup.FileSystem, _setup.Servers,
            ForkTracing.For(Context.System).LoggerFactory.CreateLogger(ForkTracing.TraceCategory), _setup.Runtime.Programs, _memory!,
            config.Args, config.Environment, config.Cwd, _context));
        var context = _context;
        var self = Self;
        _context.Post(async _ =>
        {
            var result = await Run(main, libc);
            context.Checkpoint();
            self.Tell(result);
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
        if (ended.Crashed is null)
        {
            Terminate(WaitStatus.FromExit(ended.ExitCode));
            return;
        }

        // A program that throws ends as if by abort(): SIGABRT with a core (POSIX; Genode 2019 left it unreaped).
        Log.Crashed(_log, Pid, ended.Crashed);
        Terminate(WaitStatus.FromSignal(Signal.SIGABRT, coreDumped: true));
    }

    private ResourceUsage Usage() => new(_context.UserTime, _context.SystemTime, _memory?.PeakBytes ?? 0);
}
