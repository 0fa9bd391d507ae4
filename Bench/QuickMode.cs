using System.Diagnostics;
using System.Globalization;

namespace Fork.Bench;

/// <summary>
/// CI-sized measurement: warm both round trips up, then time interleaved rounds with a Stopwatch, each sized
/// from the warm-up to last about <see cref="RoundSeconds"/>, and report the median round of each.
/// </summary>
internal static class QuickMode
{
    private const int Rounds = 5;
    private const int WarmUp = 1_000;
    private const double RoundSeconds = 1.0;

    public static async Task<int> RunAsync()
    {
        await using var fork = new ForkRoundTrip();
        await using var akka = new AkkaRoundTrip();
        IRoundTrip[] trips = [fork, akka];

        var sizes = new int[trips.Length];
        for (var t = 0; t < trips.Length; t++)
        {
            var warm = await MicrosPerRoundTrip(trips[t], WarmUp);
            sizes[t] = (int)Math.Clamp(RoundSeconds * 1e6 / warm, 1_000, 1_000_000);
        }

        var rounds = trips.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < Rounds; r++)
        {
            for (var t = 0; t < trips.Length; t++) rounds[t].Add(await MicrosPerRoundTrip(trips[t], sizes[t]));
        }

        var medians = rounds.Select(Median).ToArray();
        for (var t = 0; t < trips.Length; t++)
            Console.WriteLine($"{trips[t].Name,-22} {Format(medians[t]),9} µs per round trip (median of {Rounds} rounds of {sizes[t]})");
        var ratio = Format(medians[0] / medians[1]);
        Console.WriteLine($"fork/akka {ratio}");
        foreach (var failure in fork.Failures.Take(3)) Console.Error.WriteLine($"warning: {failure}");
        if (!fork.Failures.IsEmpty) Console.Error.WriteLine($"warning: {fork.Failures.Count} forked children did not exit 0");
        Console.WriteLine($"ratio {fork.Name} / {akka.Name} = {ratio}");
        return 0;
    }

    private static async Task<double> MicrosPerRoundTrip(IRoundTrip trip, int count)
    {
        var start = Stopwatch.GetTimestamp();
        await trip.RunAsync(count);
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Format(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}
