namespace Fork.Bench;

/// <summary>
/// Requests per second through a pre-fork pool of 4 processes (pipes, a 16 MiB table shared copy-on-write) against
/// the same pool as 4 bare Akka.NET actors, both with 64 requests in flight. Each side warms up for 5 s of steady
/// work, then interleaved rounds of about a second; the median of each.
/// </summary>
internal sealed class PoolMeasurement : IMeasurement
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private const int Rounds = 3;
    private const double RoundSeconds = 1.0;

    public string Name => "pool";

    public async Task RunAsync(Summary summary)
    {
        var table = PoolTable.Create();
        await using var fork = new ForkPool(table);
        await using var akka = new AkkaPool(table);
        await fork.Prepared;
        TraceOff.Print(fork.Runtime, fork.Name);
        Console.WriteLine($"fork runtime options: {BenchQuota.Describe(fork.Runtime.Options)}");
        IRoundTrip[] pools = [fork, akka];

        Console.WriteLine($"{PoolTable.Workers} workers, {PoolTable.Window} requests in flight, {PoolTable.Size >> 20} MiB table; warm-up {WarmUp.TotalSeconds} s of steady work each");
        var sizes = new int[pools.Length];
        for (var p = 0; p < pools.Length; p++)
        {
            var warm = await Steady.WarmUpAsync(pools[p], WarmUp, 1_000, 10_000_000);
            Console.WriteLine($"  {pools[p].Name,-26} {Measure.N(Steady.PerSecond(warm)),10} requests/s at the end of warm-up");
            sizes[p] = Measure.RoundSize(warm, RoundSeconds, 1_000, 10_000_000);
        }

        var medians = await Measure.MedianRoundsAsync(pools, sizes, Rounds);
        var rates = medians.Select(Steady.PerSecond).ToArray();
        for (var p = 0; p < pools.Length; p++)
            Console.WriteLine($"{pools[p].Name,-28} {Measure.N(rates[p]),10} requests/s (median of {Rounds} rounds of {Measure.N(sizes[p])})");
        Console.WriteLine($"ratio bare / ours = {Measure.F(rates[1] / rates[0])}");
        // The target: at most 4 times fewer requests/s than the bare pool, so at least 0.25x of its rate.
        summary.Add(new Figure("pool: requests/s (vs 4 bare actors)", rates[0], rates[1], "req/s", ">= 0.25x (bare <= 4x)", rates[0] * 4 >= rates[1]));
    }
}
