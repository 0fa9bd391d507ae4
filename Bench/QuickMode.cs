using System.Diagnostics;
using System.Globalization;

namespace Fork.Bench;

/// <summary>
/// CI-sized measurement: warm both round trips up, then time interleaved rounds with a Stopwatch, each sized
/// from the warm-up to last about <see cref="RoundTime"/>, and report the median round of each.
/// </summary>
internal static class QuickMode
{
    private const int Rounds = 5;
    private const int WarmUp = 1_000;
    private static readonly TimeSpan RoundTime = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync()
    {
        await using var fork = new ForkRoundTrip();
        await using var akka = new AkkaRoundTrip();
        IRoundTrip[] trips = [fork, akka];

        var sizes = new int[trips.Length];
        for (var t = 0; t < trips.Length; t++)
        {
            var warm = await TimeAsync(trips[t], WarmUp);
            sizes[t] = (int)Math.Clamp(RoundTime / warm, 1_000, 1_000_000);
        }

        var means = trips.Select(_ => new List<TimeSpan>()).ToArray();
        for (var r = 0; r < Rounds; r++)
        {
            for (var t = 0; t < trips.Length; t++) means[t].Add(await TimeAsync(trips[t], sizes[t]));
        }

        var medians = means.Select(Median).ToArray();
        for (var t = 0; t < trips.Length; t++)
            Console.WriteLine($"{trips[t].Name,-22} {Micros(medians[t]),9} µs per round trip (median of {Rounds} rounds of {sizes[t]})");
        var ratio = medians[0] / medians[1];
        Console.WriteLine($"fork/akka {ratio.ToString("F2", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"ratio {fork.Name} / {akka.Name} = {ratio.ToString("F2", CultureInfo.InvariantCulture)}");
        return 0;
    }

    /// <summary>The mean time of one round trip over <paramref name="count"/> of them.</summary>
    private static async Task<TimeSpan> TimeAsync(IRoundTrip trip, int count)
    {
        var start = Stopwatch.GetTimestamp();
        await trip.RunAsync(count);
        return Stopwatch.GetElapsedTime(start) / count;
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    private static string Micros(TimeSpan t) => t.TotalMicroseconds.ToString("F2", CultureInfo.InvariantCulture);
}
