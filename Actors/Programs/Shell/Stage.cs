using Fork.Actors.Programs.Utilities;
using Fork.Messages;

namespace Fork.Actors.Programs.Shell;

/// <summary>A simple command with its words expanded, ready to run in a child (or, a built-in, in the shell).</summary>
internal sealed record PreparedCommand(IReadOnlyList<string> Argv, IReadOnlyList<PreparedRedirection> Redirections);

internal sealed record PreparedRedirection(int Fd, RedirectOperator Operator, string Target);

/// <summary>
/// What a forked child of the shell does for one stage of a pipeline: it moves its pipe ends onto 0 and 1 and closes
/// every other one (or the reader would never see EOF), applies the command's redirections in order, then becomes the
/// program: 127 and a line on fd 2 if there is none, 126 if it cannot be run.
/// </summary>
internal static class Stage
{
    public static async Task<int> Run(Libc child, PreparedCommand command, Plumbing plumbing, Func<Libc, IReadOnlyList<string>, Task<int>> program)
    {
        if (plumbing.Unused is { } unused) await child.CloseAsync(unused);
        if (plumbing.Input is { } input) await Move(child, input, Stdio.In);
        if (plumbing.Output is { } output) await Move(child, output, Stdio.Out);
        if (!await Redirect(child, command.Redirections)) return 1;
        if (command.Argv.Count == 0) return 0;
        return await program(child, command.Argv);
    }

    /// <summary>Applies each redirection in order; false after a line on fd 2 if one fails.</summary>
    public static async Task<bool> Redirect(Libc libc, IReadOnlyList<PreparedRedirection> redirections)
    {
        foreach (var redirection in redirections)
        {
            try
            {
                await Apply(libc, redirection);
            }
            catch (PosixException e)
            {
                await Stdio.Error(libc, $"sh: {redirection.Target}: {Stdio.Describe(e.Errno)}");
                return false;
            }
        }

        return true;
    }

    private static async Task Apply(Libc libc, PreparedRedirection redirection)
    {
        var (fd, target) = (redirection.Fd, redirection.Target);
        switch (redirection.Operator)
        {
            case RedirectOperator.Duplicate when target == "-":
                await Closed(libc, fd);
                break;
            case RedirectOperator.Duplicate:
                if (!int.TryParse(target, out var source) || source < 0) throw new PosixException(Errno.EBADF);
                if (source != fd) await libc.Dup2Async(source, fd);
                break;
            default:
                await Move(libc, await libc.OpenAsync(target, FlagsOf(redirection.Operator)), fd);
                break;
        }
    }

    private static OpenFlags FlagsOf(RedirectOperator op) => op switch
    {
        RedirectOperator.Input => OpenFlags.ReadOnly,
        RedirectOperator.Append => OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Append,
        _ => OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate,
    };

    /// <summary>The child becomes the program; POSIX (XCU 2.8.2): 127 if it is not found, 126 if it cannot be run.</summary>
    public static async Task<int> Launch(Libc child, IReadOnlyList<string> argv, IProgramLauncher launcher)
    {
        try
        {
            return await launcher.Launch(child, argv);
        }
        catch (PosixException e)
        {
            var notFound = e.Errno == Errno.ENOENT;
            await Stdio.Error(child, $"sh: {argv[0]}: {(notFound ? "not found" : Stdio.Describe(e.Errno))}");
            return notFound ? 127 : 126;
        }
    }

    /// <summary><paramref name="fd"/> becomes <paramref name="target"/> (dup2, then close the original).</summary>
    public static async Task Move(Libc libc, int fd, int target)
    {
        if (fd == target) return;
        await libc.Dup2Async(fd, target);
        await libc.CloseAsync(fd);
    }

    /// <summary>close, where a descriptor already closed is fine (<c>N&gt;&amp;-</c>).</summary>
    public static async Task Closed(Libc libc, int fd)
    {
        try
        {
            await libc.CloseAsync(fd);
        }
        catch (PosixException e) when (e.Errno == Errno.EBADF)
        {
        }
    }
}

/// <summary>The pipe ends a stage's child gets: its standard input and output, and the next stage's read end to close.</summary>
internal readonly record struct Plumbing(int? Input, int? Output, int? Unused);
