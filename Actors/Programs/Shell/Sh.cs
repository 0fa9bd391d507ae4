using Fork.Actors.Programs.Utilities;

namespace Fork.Actors.Programs.Shell;

/// <summary>
/// <c>sh</c>: <c>sh -c SCRIPT</c> runs SCRIPT; <c>sh FILE</c> runs the commands in FILE; <c>sh</c> alone reads
/// commands from standard input a line at a time until end of file. A syntax error is one line on fd 2 and status 2.
/// Programs are started with exec unless a test gives another launcher.
/// </summary>
internal static class Sh
{
    public const string Name = "sh";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static Task<int> Run(Libc libc, IReadOnlyList<string> args) => Run(libc, args, ExecLauncher.Instance);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args, IProgramLauncher launcher)
    {
        var interpreter = new Interpreter(libc, launcher);
        switch (Stdio.Operands(args))
        {
            case ["-c"]:
                await Stdio.Error(libc, "sh: -c: option requires an argument");
                return 2;
            case ["-c", var script, ..]:
                return await RunScript(libc, interpreter, script);
            case [var file, ..]:
                return await RunFile(libc, interpreter, file);
            default:
                // The input is shared with the commands: read no byte beyond the line (XCU 2.1, "Shell Introduction").
                return await RunLines(libc, interpreter, new LineReader(libc, Stdio.In, chunkSize: 1));
        }
    }

    private static async Task<int> RunScript(Libc libc, Interpreter interpreter, string script)
    {
        try
        {
            return await interpreter.Run(Parser.Parse(script));
        }
        catch (ShellSyntaxException e)
        {
            await Stdio.Error(libc, $"sh: {e.Message}");
            return 2;
        }
    }

    private static async Task<int> RunFile(Libc libc, Interpreter interpreter, string file)
    {
        if (await Stdio.OpenInput(libc, Name, file) is not { } fd) return 127;
        await libc.SetCloseOnExecAsync(fd, true);
        return await RunLines(libc, interpreter, new LineReader(libc, fd));
    }

    /// <summary>Runs each command as its line comes; a line that ends inside a command waits for the next one.</summary>
    private static async Task<int> RunLines(Libc libc, Interpreter interpreter, LineReader input)
    {
        var pending = "";
        while (interpreter.ExitCode is null && await input.ReadLine() is { } line)
        {
            pending += line;
            Script script;
            try
            {
                script = Parser.Parse(pending);
            }
            catch (ShellSyntaxException e) when (e.AtEnd && line.EndsWith('\n'))
            {
                continue;
            }
            catch (ShellSyntaxException e)
            {
                await Stdio.Error(libc, $"sh: {e.Message}");
                pending = "";
                interpreter.Fail(2);
                continue;
            }

            pending = "";
            await interpreter.Run(script);
        }

        if (pending.Length > 0 && interpreter.ExitCode is null)
        {
            await Stdio.Error(libc, $"sh: {ShellSyntaxException.UnexpectedEnd().Message}");
            return 2;
        }

        return interpreter.ExitCode ?? interpreter.Status;
    }
}
