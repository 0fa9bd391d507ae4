using System.Diagnostics;

namespace Fork.Bench;

/// <summary>
/// Many sequential fork/reap cycles in one init: the managed heap and the actors under /user before and after, which
/// must be the same actors (only the namespace root and init's tree while init runs): a fork leaves nothing behind.
/// </summary>
internal sealed class CyclesMeasurement(int cycles) : IMeasurement
{
    private const int WarmUp = 1_000;
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    public string Name => "cycles";

    public async Task RunAsync(Summary summary)
    {
        await using var trip = new ForkRoundTrip();
        await Measure.WarmUpAsync(trip, WarmUp, TimeSpan.Zero);
        await Task.Delay(Settle);
        var (topBefore, allBefore) = await UserActors.ListAsync(trip.Runtime.System);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        var start = Stopwatch.GetTimestamp();
        await trip.RunAsync(cycles);
        var elapsed = Stopwatch.GetElapsedTime(start);
        await Task.Delay(Settle);
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var (topAfter, allAfter) = await UserActors.ListAsync(trip.Runtime.System);

        var growth = heapAfter - heapBefore;
        var same = allBefore.Order(StringComparer.Ordinal).SequenceEqual(allAfter.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Console.WriteLine($"fork runtime options (defaults): {BenchQuota.Describe(trip.Runtime.Options)}");
        Console.WriteLine($"{Measure.N(cycles)} sequential fork+exit+wait4 in {Measure.F(elapsed.TotalSeconds)} s ({Measure.F(elapsed.TotalMicroseconds / cycles)} µs each), after {WarmUp} warm-up cycles");
        Console.WriteLine($"managed heap (GC.GetTotalMemory(true)): before {Measure.N(heapBefore)} B, after {Measure.N(heapAfter)} B, growth {Measure.N(growth)} B ({Measure.F(growth / (double)cycles)} B per cycle)");
        Console.WriteLine($"/user children: before [{string.Join(", ", topBefore)}], after [{string.Join(", ", topAfter)}]");
        Console.WriteLine($"actors under /user (all depths): before {allBefore.Count}, after {allAfter.Count}: {(same ? "the same actors" : "DIFFERENT")}");
        Console.WriteLine($"  before: {string.Join(", ", allBefore.Take(10))}");
        foreach (var left in allAfter.Except(allBefore, StringComparer.Ordinal).Take(5)) Console.WriteLine($"  left: {left}");
        RoundTripMeasurement.Warn(trip);

        summary.Add(new Figure($"heap growth after {Measure.N(cycles)} cycles", growth, null, "B"));
        summary.Add(new Figure("actors under /user after cycles (vs before)", allAfter.Count, allBefore.Count, "", "same as before", same));
    }
}
