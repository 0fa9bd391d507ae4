namespace Fork.Actors.Programs.Utilities;

/// <summary>
/// <c>wc [-lwc] [FILE...]</c>: lines, words and bytes of each file or of standard input, as GNU prints them: every
/// count in a field of 7 (<c>%7d %7d %7d</c>), a lone count unpadded for standard input, the name after a file's
/// counts, and a total line for more than one file.
/// </summary>
internal static class Wc
{
    public const string Name = "wc";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args)
    {
        var operands = Stdio.Operands(args);
        var options = operands.TakeWhile(a => a.StartsWith('-') && a.Length > 1).ToList();
        var files = operands.Skip(options.Count).ToList();
        var flags = string.Concat(options.Select(o => o[1..]));
        if (flags.Any(f => f is not ('l' or 'w' or 'c')))
        {
            await Stdio.Error(libc, $"{Name}: invalid option -- '{flags.First(f => f is not ('l' or 'w' or 'c'))}'");
            return 1;
        }

        var selected = flags.Length == 0 ? "lwc" : flags;
        var output = new Output(libc);
        var status = 0;
        var total = new Counts();
        foreach (var name in files.Count == 0 ? ["-"] : files)
        {
            if (await Stdio.OpenInput(libc, Name, name) is not { } fd)
            {
                status = 1;
                continue;
            }

            var counts = await Count(libc, fd);
            await Stdio.CloseInput(libc, fd);
            total = total.Add(counts);
            await output.WriteLine(Format(counts, selected, files.Count == 0 ? null : name));
        }

        if (files.Count > 1) await output.WriteLine(Format(total, selected, "total"));
        await output.Flush();
        return status;
    }

    private static string Format(Counts counts, string selected, string? name)
    {
        long[] values = [.. "lwc".Where(selected.Contains).Select(c => c switch { 'l' => counts.Lines, 'w' => counts.Words, _ => counts.Bytes })];
        var text = name is null && values.Length == 1 ? $"{values[0]}" : string.Join(' ', values.Select(v => $"{v,7}"));
        return name is null ? text : $"{text} {name}";
    }

    private static async Task<Counts> Count(Libc libc, int fd)
    {
        var buffer = new byte[Stdio.ChunkSize];
        long lines = 0, words = 0, bytes = 0;
        var inWord = false;
        int read;
        while ((read = await libc.ReadAsync(fd, buffer)) > 0)
        {
            bytes += read;
            foreach (var b in buffer.AsSpan(0, read))
            {
                if (b == '\n') lines++;
                var space = b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
                if (!space && !inWord) words++;
                inWord = !space;
            }
        }

        return new Counts(lines, words, bytes);
    }

    private readonly record struct Counts(long Lines, long Words, long Bytes)
    {
        public Counts Add(Counts other) => new(Lines + other.Lines, Words + other.Words, Bytes + other.Bytes);
    }
}
