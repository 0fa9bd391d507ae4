using System.Globalization;

namespace Fork.Actors.Programs.Utilities;

/// <summary>
/// <c>sleep NUMBER[smhd]...</c>: sleeps for the sum of the intervals (seconds unless suffixed, fractions allowed) on
/// the process's timer.
/// </summary>
internal static class Sleep
{
    public const string Name = "sleep";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args)
    {
        var operands = Stdio.Operands(args);
        if (operands.Count == 0)
        {
            await Stdio.Error(libc, $"{Name}: missing operand");
            return 1;
        }

        var total = TimeSpan.Zero;
        foreach (var operand in operands)
        {
            if (Interval(operand) is not { } interval)
            {
                await Stdio.Error(libc, $"{Name}: invalid time interval '{operand}'");
                return 1;
            }

            total += interval;
        }

        await libc.SleepAsync(total);
        return 0;
    }

    private static TimeSpan? Interval(string operand)
    {
        var unit = operand.Length > 0 ? operand[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 } : 0;
        var number = unit == 0 ? operand : operand[..^1];
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? TimeSpan.FromSeconds(value * Math.Max(unit, 1))
            : null;
    }
}
