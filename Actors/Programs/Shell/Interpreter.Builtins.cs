using Fork.Actors.Programs.Utilities;
using Fork.Messages;

namespace Fork.Actors.Programs.Shell;

// The built-ins, which act on the shell itself: cd, exit, wait (and ':'). Alone in a pipeline they run in the shell,
// with their redirections undone afterwards; in a longer pipeline, in the stage's child, where they change nothing
// of the shell's (as in every POSIX shell).
internal sealed partial class Interpreter
{
    private static readonly HashSet<string> Builtins = ["cd", "exit", "wait", ":"];

    public static bool IsBuiltin(string name) => Builtins.Contains(name);

    public Task<int> RunBuiltin(IReadOnlyList<string> argv) => argv[0] switch
    {
        "cd" => ChangeDirectory(argv),
        "exit" => Exit(argv),
        "wait" => Wait(argv),
        _ => Task.FromResult(0),
    };

    private async Task<int> RunBuiltinHere(PreparedCommand command)
    {
        var saved = new List<(int Fd, int? Copy)>();
        foreach (var fd in command.Redirections.Select(r => r.Fd).Distinct()) saved.Add((fd, await Saved(fd)));
        try
        {
            return await Stage.Redirect(libc, command.Redirections) ? await RunBuiltin(command.Argv) : 1;
        }
        finally
        {
            foreach (var (fd, copy) in saved) await Restore(fd, copy);
        }
    }

    private async Task<int?> Saved(int fd)
    {
        try
        {
            var copy = await libc.DupAsync(fd);
            await libc.SetCloseOnExecAsync(copy, true);
            return copy;
        }
        catch (PosixException e) when (e.Errno == Errno.EBADF)
        {
            return null;
        }
    }

    private async Task Restore(int fd, int? copy)
    {
        if (copy is null)
        {
            await Stage.Closed(libc, fd);
            return;
        }

        await Stage.Move(libc, copy.Value, fd);
    }

    /// <summary><c>cd [DIR]</c>: to DIR, or to $HOME (else /).</summary>
    private async Task<int> ChangeDirectory(IReadOnlyList<string> argv)
    {
        var target = argv.Count > 1 ? argv[1] : libc.Environment.TryGetValue("HOME", out var home) ? home : "/";
        try
        {
            libc.ChDir(target);
            // chdir is checked at the next call that uses the cwd: one that failed is undone and throws here.
            await libc.StatAsync(libc.Cwd);
            return 0;
        }
        catch (PosixException e)
        {
            await Stdio.Error(libc, $"sh: cd: {target}: {Stdio.Describe(e.Errno)}");
            return 1;
        }
    }

    /// <summary><c>exit [N]</c>: the shell ends with N (the last status if none).</summary>
    private async Task<int> Exit(IReadOnlyList<string> argv)
    {
        var code = Status;
        if (argv.Count > 1 && !int.TryParse(argv[1], out code))
        {
            await Stdio.Error(libc, $"sh: exit: {argv[1]}: numeric argument required");
            code = 2;
        }

        ExitCode = code & 0xFF;
        return ExitCode.Value;
    }

    /// <summary><c>wait [PID...]</c>: every background job (status 0), or the ones named (the last one's status).</summary>
    private async Task<int> Wait(IReadOnlyList<string> argv)
    {
        if (argv.Count == 1)
        {
            await WaitAll(_jobs);
            _jobs.Clear();
            _finished.Clear();
            return 0;
        }

        var last = 0;
        foreach (var operand in argv.Skip(1))
        {
            if (int.TryParse(operand, out var done) && _finished.Remove(done, out var status))
            {
                last = status;
                continue;
            }

            if (!int.TryParse(operand, out var pid) || !_jobs.Remove(pid))
            {
                await Stdio.Error(libc, $"sh: wait: pid {operand} is not a child of this shell");
                last = 127;
                continue;
            }

            last = StatusOf(await libc.Wait4Async(pid));
        }

        return last;
    }
}
