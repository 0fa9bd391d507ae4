using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace Fork.Bench;

/// <summary>
/// P independent pipe pairs against one pair (the baseline), under BenchmarkDotNet. Both move 1024 writes of 64 KiB
/// per invoke in total (the P pairs 1024 / P each), so both report time per 64 KiB moved and Ratio is the inverse of
/// the speed-up. P = the processor count rounded down to a power of two, at least 2, so that 1024 splits evenly.
/// </summary>
public class PipePairsBenchmarks
{
    private const int PerInvoke = 1024;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    private static readonly int Pairs = Math.Max(2, 1 << BitOperations.Log2((uint)Environment.ProcessorCount));
    private ForkPipes? _one;
    private ForkPipes? _all;

    [GlobalSetup(Target = nameof(OnePair))]
    public void StartOne() => _one = Started(1);

    [GlobalSetup(Target = nameof(AllPairs))]
    public void StartAll() => _all = Started(Pairs);

    [Benchmark(Baseline = true, OperationsPerInvoke = PerInvoke, Description = "one pipe pair")]
    public Task OnePair() => _one!.RunAsync(PerInvoke);

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "P pipe pairs, P = processors (power of two, >= 2)")]
    public Task AllPairs() => _all!.RunAsync(PerInvoke / Pairs);

    [GlobalCleanup]
    public async Task Stop()
    {
        if (_one is not null) await _one.DisposeAsync();
        if (_all is not null) await _all.DisposeAsync();
    }

    private static ForkPipes Started(int pairs)
    {
        var pipes = new ForkPipes(pairs);
        Console.Write("// ");
        TraceOff.Print(pipes.Runtime, pipes.Name);
        Steady.WarmUpAsync(pipes, WarmUp, 16, 1 << 20).GetAwaiter().GetResult();
        return pipes;
    }
}
