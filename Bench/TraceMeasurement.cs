namespace Fork.Bench;

/// <summary>
/// Messages per fork, counted from the trace: a runtime of its own logs every message its actors receive (Debug,
/// category Fork.Trace) to a counting provider; every timed figure comes from runtimes with Debug off.
/// </summary>
internal sealed class TraceMeasurement : IMeasurement
{
    private const int Forks = 300;
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    public string Name => "trace";

    public async Task RunAsync(Summary summary)
    {
        var counter = new MessageCounter();
        using var factory = counter.Factory();
        await using var trip = new ForkRoundTrip(trace: factory);
        await Measure.WarmUpAsync(trip);

        // Let the last warm-up child's teardown land before counting, and the last counted one's before reading.
        await Task.Delay(Settle);
        counter.Reset();
        await trip.RunAsync(Forks);
        await Task.Delay(Settle);
        var counts = counter.Snapshot();
        var total = counts.Values.Sum();

        Console.WriteLine("Debug logging of Fork.Trace is ON for this runtime only; timed figures come from runtimes with default (non-debug) logging.");
        Console.WriteLine($"{Measure.N(total)} traced messages over {Forks} fork+exit+wait4 after warm-up: {Measure.F(total / (double)Forks)} per fork");
        foreach (var (type, count) in counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal))
            Console.WriteLine($"  {type,-28} {Measure.F(count / (double)Forks),7} per fork ({count})");
        RoundTripMeasurement.Warn(trip);
        summary.Add(new Figure("traced messages per fork", total / (double)Forks, null, "msgs"));
    }
}
