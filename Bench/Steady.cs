using System.Diagnostics;

namespace Fork.Bench;

/// <summary>
/// Warm-up by time for throughput measurements: steady work in batches of about a quarter second, until the time has
/// passed. Seconds matter here, not a count of calls: a pool's rate keeps climbing for about 5 s of steady work
/// (tiered JIT with dynamic PGO recompiles the hot paths more than once).
/// </summary>
internal static class Steady
{
    private const double BatchSeconds = 0.25;

    /// <summary>Runs batches of <paramref name="trip"/> for at least <paramref name="time"/>; µs per trip of the last.</summary>
    public static async Task<double> WarmUpAsync(IRoundTrip trip, TimeSpan time, int first, int max)
    {
        var start = Stopwatch.GetTimestamp();
        var size = first;
        double micros;
        do
        {
            micros = await Measure.MicrosPerRoundTrip(trip, size);
            size = Measure.RoundSize(micros, BatchSeconds, 1, max);
        }
        while (Stopwatch.GetElapsedTime(start) < time);

        return micros;
    }

    /// <summary>Trips per second at <paramref name="micros"/> µs per trip.</summary>
    public static double PerSecond(double micros) => 1e6 / micros;

    /// <summary>MiB/s when each trip moves <paramref name="bytesPerTrip"/> in <paramref name="micros"/> µs.</summary>
    public static double MiBPerSecond(long bytesPerTrip, double micros) => bytesPerTrip / (double)(1 << 20) * PerSecond(micros);
}
