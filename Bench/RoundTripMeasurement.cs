namespace Fork.Bench;

/// <summary>fork+exit+wait4 against bare spawn+stop+Terminated: warm-up, then interleaved rounds of about a second.</summary>
internal sealed class RoundTripMeasurement : IMeasurement
{
    private const int Rounds = 5;
    private const double RoundSeconds = 1.0;

    public string Name => "roundtrip";

    public async Task RunAsync(Summary summary)
    {
        await using var fork = new ForkRoundTrip();
        await using var akka = new AkkaRoundTrip();
        IRoundTrip[] trips = [fork, akka];

        var sizes = new int[trips.Length];
        for (var t = 0; t < trips.Length; t++)
            sizes[t] = Measure.RoundSize(await Measure.WarmUpAsync(trips[t]), RoundSeconds, 1_000, 1_000_000);
        Console.WriteLine($"fork runtime options (defaults): {BenchQuota.Describe(fork.Runtime.Options)}");
        Console.WriteLine($"warm-up: at least {Measure.WarmUpTrips} round trips and {Measure.WarmUpTime.TotalSeconds} s of each");

        var medians = await Measure.MedianRoundsAsync(trips, sizes, Rounds);
        for (var t = 0; t < trips.Length; t++)
            Console.WriteLine($"{trips[t].Name,-22} {Measure.F(medians[t]),9} µs per round trip (median of {Rounds} rounds of {sizes[t]})");
        var ratio = medians[0] / medians[1];
        Console.WriteLine($"ratio {fork.Name} / {akka.Name} = {Measure.F(ratio)}");
        Warn(fork);
        summary.Add(new Figure("fork+exit+wait4 (vs spawn+stop+Terminated)", medians[0], medians[1], "µs", "<= 3x bare", ratio <= 3));
    }

    public static void Warn(ForkRoundTrip fork)
    {
        foreach (var failure in fork.Failures.Take(3)) Console.WriteLine($"warning: {failure}");
        if (!fork.Failures.IsEmpty) Console.WriteLine($"warning: {fork.Failures.Count} forked children did not exit 0");
    }
}
