namespace Fork.Actors.Programs.Utilities;

/// <summary>
/// <c>grep [-vc] PATTERN [FILE...]</c> with a fixed string for a pattern (no regular expressions): the lines that
/// contain it (<c>-v</c>: that do not), or their count (<c>-c</c>); lines are prefixed with their file's name when
/// there is more than one file. Status as POSIX says: 0 when a line was selected, 1 when none, 2 on an error.
/// </summary>
internal static class Grep
{
    public const string Name = "grep";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args)
    {
        if (Parse(Stdio.Operands(args)) is not { } options)
        {
            await Stdio.Error(libc, $"usage: {Name} [-vc] PATTERN [FILE...]");
            return 2;
        }

        var output = new Output(libc);
        var selected = 0L;
        var failed = false;
        var files = options.Files.Count == 0 ? ["-"] : options.Files;
        foreach (var name in files)
        {
            if (await Stdio.OpenInput(libc, Name, name) is not { } fd)
            {
                failed = true;
                continue;
            }

            var prefix = files.Count > 1 ? $"{name}:" : "";
            selected += await Search(new LineReader(libc, fd), options, output, prefix);
            await Stdio.CloseInput(libc, fd);
        }

        await output.Flush();
        return failed ? 2 : selected > 0 ? 0 : 1;
    }

    private static async Task<long> Search(LineReader input, Options options, Output output, string prefix)
    {
        var count = 0L;
        while (await input.ReadLine() is { } line)
        {
            var text = line.EndsWith('\n') ? line[..^1] : line;
            if (text.Contains(options.Pattern, StringComparison.Ordinal) == options.Invert) continue;
            count++;
            if (!options.Count) await output.WriteLine(prefix + text);
        }

        if (options.Count) await output.WriteLine($"{prefix}{count}");
        return count;
    }

    /// <summary>Options first (<c>-v</c>, <c>-c</c>, combined or not, "--" ends them), then the pattern, then files.</summary>
    private static Options? Parse(IReadOnlyList<string> operands)
    {
        var (invert, count, at) = (false, false, 0);
        for (; at < operands.Count && operands[at].Length > 1 && operands[at][0] == '-'; at++)
        {
            if (operands[at] == "--")
            {
                at++;
                break;
            }

            foreach (var flag in operands[at][1..])
            {
                if (flag == 'v') invert = true;
                else if (flag == 'c') count = true;
                else return null;
            }
        }

        return at < operands.Count ? new Options(operands[at], invert, count, [.. operands.Skip(at + 1)]) : null;
    }

    private sealed record Options(string Pattern, bool Invert, bool Count, IReadOnlyList<string> Files);
}
