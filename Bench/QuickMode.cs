namespace Fork.Bench;

/// <summary>
/// CI-sized run of every measurement (or one, with <c>--only NAME</c>), each printing a block, then a summary table
/// with baselines, ratios and the issue's targets. Targets not met still exit 0; only a crash makes it non-zero.
/// <c>--full</c> runs the fan-out with 100 000 live children and 100 000 fork/reap cycles.
/// </summary>
internal static class QuickMode
{
    private const int FanOutChildren = 10_000;
    private const int Cycles = 20_000;
    private const int Full = 100_000;

    public static IMeasurement[] Measurements(int fanOut, int cycles) =>
    [
        new RoundTripMeasurement(),
        new FanOutMeasurement(fanOut),
        new HeapForkMeasurement(),
        new TraceMeasurement(),
        new AllocationMeasurement(),
        new CyclesMeasurement(cycles),
        new PoolMeasurement(),
        new PipeMeasurement(),
        new PairsMeasurement(),
        new RemoteMeasurement(),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var full = args.Contains("--full");
        var all = Measurements(full ? Full : FanOutChildren, full ? Full : Cycles);
        var only = Only(args);
        var chosen = only is null ? all : all.Where(m => m.Name == only).ToArray();
        if (chosen.Length == 0)
        {
            Console.Error.WriteLine($"--only {only}: no such measurement; known: {string.Join(", ", all.Select(m => m.Name))}");
            return 2;
        }

        var summary = new Summary();
        var crashed = 0;
        foreach (var measurement in chosen)
        {
            Console.WriteLine();
            Console.WriteLine($"== {measurement.Name}");
            try
            {
                await measurement.RunAsync(summary);
            }
            catch (Exception e)
            {
                crashed++;
                Console.WriteLine($"{measurement.Name}: CRASHED: {e}");
            }
        }

        summary.Print(Console.Out);
        return crashed == 0 ? 0 : 1;
    }

    private static string? Only(string[] args)
    {
        var at = Array.IndexOf(args, "--only");
        return at < 0 ? null : at + 1 < args.Length ? args[at + 1] : "";
    }
}
