using Fork.Messages;

namespace Fork.Bench;

/// <summary>
/// fork+exit+wait4 of a parent whose heap of 0, 64 MiB or 1 GiB has every page touched, one runtime per size; a
/// size whose heap cannot be built is reported as not measured, with Malloc's reason.
/// </summary>
internal sealed class HeapForkMeasurement : IMeasurement
{
    public static readonly long[] Sizes = [0, 64L << 20, 1L << 30];
    private const int Rounds = 3;
    private const double RoundSeconds = 0.5;

    public string Name => "heap";

    public async Task RunAsync(Summary summary)
    {
        var micros = new double?[Sizes.Length];
        for (var i = 0; i < Sizes.Length; i++) micros[i] = await ForkWithHeapAsync(Sizes[i], fullWarmUp: i == 0);

        for (var i = 1; i < Sizes.Length; i++)
        {
            var label = TouchedHeap.Label(Sizes[i]);
            Console.WriteLine(micros[i] is { } m && micros[0] is { } empty
                ? $"ratio {label} / 0 = {Measure.F(m / empty)}"
                : $"ratio {label} / 0: not measured");
        }

        summary.Add(new Figure("fork with 64 MiB touched heap (vs 0)", micros[1], micros[0], "µs"));
        summary.Add(new Figure("fork with 1 GiB touched heap (vs 0)", micros[2], micros[0], "µs", "<= 2x empty fork",
            micros[2] is { } g && micros[0] is { } e ? g <= 2 * e : null));
    }

    /// <summary>µs per fork+exit+wait4 with a touched heap of <paramref name="bytes"/>; null when it cannot be built.</summary>
    private static async Task<double?> ForkWithHeapAsync(long bytes, bool fullWarmUp)
    {
        var label = TouchedHeap.Label(bytes);
        var options = BenchQuota.For(0, bytes);
        await using var trip = new ForkRoundTrip(options, TouchedHeap.Of(bytes));
        try
        {
            await trip.Prepared;
        }
        catch (PosixException e)
        {
            Console.WriteLine($"{label}: not measured: {e.Message}");
            return null;
        }

        // The JIT is warm after the empty heap's full warm-up; larger heaps only need their first forks out of the way.
        var warm = fullWarmUp
            ? await Measure.WarmUpAsync(trip)
            : await Measure.WarmUpAsync(trip, minTrips: 20, minTime: TimeSpan.FromSeconds(0.5));
        var size = Measure.RoundSize(warm, RoundSeconds, 10, 100_000);
        var median = (await Measure.MedianRoundsAsync([trip], [size], Rounds))[0];
        Console.WriteLine($"{label,7}: {Measure.F(median),9} µs per fork+exit+wait4 (median of {Rounds} rounds of {size}; {BenchQuota.Describe(options)})");
        RoundTripMeasurement.Warn(trip);
        return median;
    }
}
