using BenchmarkDotNet.Attributes;

namespace Fork.Bench;

/// <summary>
/// The pre-fork pool of quick mode under BenchmarkDotNet: time per request of a pool of 4 processes against the same
/// pool as 4 bare actors (the baseline), both with 64 requests in flight. Each setup first runs 5 s of steady work:
/// the pool's rate climbs for that long (tiered JIT with dynamic PGO), longer than BenchmarkDotNet's own warm-up.
/// </summary>
public class PoolBenchmarks
{
    private const int PerInvoke = 10_000;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private ForkPool? _fork;
    private AkkaPool? _akka;

    [GlobalSetup(Target = nameof(PoolOfProcesses))]
    public void StartFork()
    {
        _fork = new ForkPool(PoolTable.Create());
        _fork.Prepared.GetAwaiter().GetResult();
        Console.Write("// ");
        TraceOff.Print(_fork.Runtime, _fork.Name);
        Steady.WarmUpAsync(_fork, WarmUp, 1_000, 10_000_000).GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(PoolOfActors))]
    public void StartAkka()
    {
        _akka = new AkkaPool(PoolTable.Create());
        Steady.WarmUpAsync(_akka, WarmUp, 1_000, 10_000_000).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "pre-fork pool, 4 processes, 64 in flight")]
    public Task PoolOfProcesses() => _fork!.RunAsync(PerInvoke);

    [Benchmark(Baseline = true, OperationsPerInvoke = PerInvoke, Description = "pool of 4 bare actors, 64 in flight")]
    public Task PoolOfActors() => _akka!.RunAsync(PerInvoke);

    [GlobalCleanup]
    public async Task Stop()
    {
        if (_fork is not null) await _fork.DisposeAsync();
        if (_akka is not null) await _akka.DisposeAsync();
    }
}
