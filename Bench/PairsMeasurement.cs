namespace Fork.Bench;

/// <summary>
/// Independent pipe pairs in parallel: P writer processes, each with its own pipe and its own reader process
/// (P = processor count, at least 2), against one such pair, each in a runtime of its own. Total MiB/s of the P pairs
/// over one pair's MiB/s: how far pipes that share nothing but the runtime scale. 1 s of warm-up each, then
/// interleaved rounds of about a second; the median of each.
/// </summary>
internal sealed class PairsMeasurement : IMeasurement
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);
    private const int Rounds = 3;
    private const double RoundSeconds = 1.0;
    private const double Target = 1.5;

    public string Name => "pairs";

    public async Task RunAsync(Summary summary)
    {
        var p = Math.Max(2, Environment.ProcessorCount);
        await using var one = new ForkPipes(1);
        await using var all = new ForkPipes(p);
        ForkPipes[] runs = [one, all];
        foreach (var run in runs) TraceOff.Print(run.Runtime, run.Name);
        Console.WriteLine($"P = {p} ({Environment.ProcessorCount} processors); every pair moves 64 KiB writes");

        var sizes = new int[runs.Length];
        for (var r = 0; r < runs.Length; r++)
            sizes[r] = Measure.RoundSize(await Steady.WarmUpAsync(runs[r], WarmUp, 16, 1 << 20), RoundSeconds, 16, 1 << 20);
        var medians = await Measure.MedianRoundsAsync(runs, sizes, Rounds);
        var rates = runs.Select((run, r) => Steady.MiBPerSecond(run.BytesPerTrip, medians[r])).ToArray();
        for (var r = 0; r < runs.Length; r++)
            Console.WriteLine($"{runs[r].Name,-28} {Measure.F(rates[r]),9} MiB/s in total (median of {Rounds} rounds of {sizes[r]} writes per pair)");
        var ratio = rates[1] / rates[0];
        Console.WriteLine($"ratio {p} pairs / one pair = {Measure.F(ratio)} (target later: >= {Target} on 2 cores)");
        summary.Add(new Figure($"pairs: MiB/s of {p} pipe pairs (vs one)", rates[1], rates[0], "MiB/s", $">= {Target}x one pair", ratio >= Target));
    }
}
