namespace Fork.Actors.Programs.Utilities;

/// <summary><c>seq [FIRST [INCREMENT]] LAST</c>: integers from FIRST (1) by INCREMENT (1) up to LAST, one a line.</summary>
internal static class Seq
{
    public const string Name = "seq";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args)
    {
        var operands = Stdio.Operands(args);
        if (operands.Count is < 1 or > 3 || operands.Any(o => !long.TryParse(o, out _)))
        {
            await Stdio.Error(libc, operands.Count == 0 ? $"{Name}: missing operand" : $"{Name}: invalid argument");
            return 1;
        }

        var numbers = operands.Select(long.Parse).ToList();
        var (first, increment, last) = numbers.Count switch
        {
            1 => (1L, 1L, numbers[0]),
            2 => (numbers[0], 1L, numbers[1]),
            _ => (numbers[0], numbers[1], numbers[2]),
        };
        if (increment == 0)
        {
            await Stdio.Error(libc, $"{Name}: invalid Zero increment value: '0'");
            return 1;
        }

        var output = new Output(libc);
        for (var n = first; increment > 0 ? n <= last : n >= last; n += increment) await output.WriteLine(n.ToString());
        await output.Flush();
        return 0;
    }
}
