using System.Diagnostics;
using System.Globalization;

namespace Fork.Bench;

/// <summary>Stopwatch helpers of quick mode: a warm-up long enough for tiered JIT, rounds sized by time, medians.</summary>
internal static class Measure
{
    /// <summary>Tiered JIT needs thousands of calls, not hundreds, before the code measured is the final code.</summary>
    public const int WarmUpTrips = 5_000;

    public static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Runs round trips in batches until at least <paramref name="minTrips"/> ran and <paramref name="minTime"/> passed
    /// (defaults: 5 000 and 3 s); returns µs per round trip of the last batch.
    /// </summary>
    public static async Task<double> WarmUpAsync(IRoundTrip trip, int minTrips = WarmUpTrips, TimeSpan? minTime = null)
    {
        var time = minTime ?? WarmUpTime;
        var batch = Math.Clamp(minTrips / 10, 1, 500);
        var start = Stopwatch.GetTimestamp();
        var trips = 0;
        var last = 0.0;
        while (trips < minTrips || Stopwatch.GetElapsedTime(start) < time)
        {
            last = await MicrosPerRoundTrip(trip, batch);
            trips += batch;
        }

        return last;
    }

    public static async Task<double> MicrosPerRoundTrip(IRoundTrip trip, int count)
    {
        var start = Stopwatch.GetTimestamp();
        await trip.RunAsync(count);
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
    }

    /// <summary>A round size that lasts about <paramref name="seconds"/> at <paramref name="micros"/> per round trip.</summary>
    public static int RoundSize(double micros, double seconds, int min, int max) =>
        (int)Math.Clamp(seconds * 1e6 / Math.Max(micros, 0.001), min, max);

    /// <summary>Interleaved rounds of every trip (so load from elsewhere hits all alike); the median of each.</summary>
    public static async Task<double[]> MedianRoundsAsync(IReadOnlyList<IRoundTrip> trips, IReadOnlyList<int> sizes, int rounds)
    {
        var results = trips.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < rounds; r++)
        {
            for (var t = 0; t < trips.Count; t++) results[t].Add(await MicrosPerRoundTrip(trips[t], sizes[t]));
        }

        return results.Select(Median).ToArray();
    }

    /// <summary>Bytes allocated by every thread of this process per round trip, over <paramref name="count"/> of them.</summary>
    public static async Task<double> AllocatedBytesPerRoundTrip(IRoundTrip trip, int count)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await trip.RunAsync(count);
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)count;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    public static string F(double value, int digits = 2) => value.ToString($"F{digits}", CultureInfo.InvariantCulture);

    public static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
