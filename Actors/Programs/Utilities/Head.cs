namespace Fork.Actors.Programs.Utilities;

/// <summary>
/// <c>head [-n N] [FILE...]</c>: the first N lines (10 by default) of each file or of standard input. It stops reading
/// once it has them, so a writer on the other end of a pipe gets SIGPIPE when head has exited (<c>yes | head</c> ends).
/// </summary>
internal static class Head
{
    public const string Name = "head";
    private const int DefaultLines = 10;

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args)
    {
        var operands = Stdio.Operands(args);
        if (LineCount(operands, out var taken) is not { } lines)
        {
            await Stdio.Error(libc, $"{Name}: invalid number of lines");
            return 1;
        }

        var files = operands.Skip(taken).ToList();
        var output = new Output(libc);
        var status = 0;
        foreach (var (name, index) in (files.Count == 0 ? ["-"] : files).Select((n, i) => (n, i)))
        {
            if (files.Count > 1) await output.Write($"{(index > 0 ? "\n" : "")}==> {name} <==\n");
            if (await Stdio.OpenInput(libc, Name, name) is not { } fd)
            {
                status = 1;
                continue;
            }

            await Copy(new LineReader(libc, fd), lines, output);
            await Stdio.CloseInput(libc, fd);
        }

        await output.Flush();
        return status;
    }

    private static async Task Copy(LineReader input, long lines, Output output)
    {
        for (var i = 0L; i < lines && await input.ReadLine() is { } line; i++) await output.Write(line);
    }

    /// <summary>N from <c>-n N</c>, <c>-nN</c> or <c>-N</c> (10 if none); <paramref name="taken"/> operands were options.</summary>
    private static long? LineCount(IReadOnlyList<string> operands, out int taken)
    {
        taken = 0;
        if (operands.Count == 0 || !operands[0].StartsWith('-') || operands[0] == "-") return DefaultLines;
        string number;
        if (operands[0] == "-n")
        {
            if (operands.Count < 2) return null;
            (number, taken) = (operands[1], 2);
        }
        else
        {
            (number, taken) = (operands[0].StartsWith("-n") ? operands[0][2..] : operands[0][1..], 1);
        }

        return long.TryParse(number, out var count) && count >= 0 ? count : null;
    }
}
