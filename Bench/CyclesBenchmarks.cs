using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Fork.Bench;

/// <summary>
/// 100 000 sequential fork/reap cycles per iteration against as many bare spawn/stop cycles (the baseline); the fork
/// side prints the managed heap and the actors under /user before its first and after its last iteration.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class CyclesBenchmarks
{
    private const int Cycles = 100_000;
    private ForkRoundTrip? _fork;
    private AkkaRoundTrip? _akka;
    private long _heapBefore;
    private int _actorsBefore;

    [GlobalSetup(Target = nameof(ForkReap))]
    public void StartFork()
    {
        _fork = new ForkRoundTrip();
        _fork.RunAsync(1_000).GetAwaiter().GetResult();
        _actorsBefore = UserActors.ListAsync(_fork.Runtime.System).GetAwaiter().GetResult().All.Count;
        _heapBefore = GC.GetTotalMemory(forceFullCollection: true);
    }

    [GlobalSetup(Target = nameof(SpawnStop))]
    public void StartAkka() => _akka = new AkkaRoundTrip();

    [Benchmark(OperationsPerInvoke = Cycles, Description = "fork+exit+wait4 cycles")]
    public Task ForkReap() => _fork!.RunAsync(Cycles);

    [Benchmark(Baseline = true, OperationsPerInvoke = Cycles, Description = "spawn+stop+Terminated cycles")]
    public Task SpawnStop() => _akka!.RunAsync(Cycles);

    [GlobalCleanup]
    public async Task Stop()
    {
        if (_fork is not null)
        {
            await Task.Delay(500);
            var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            var actorsAfter = (await UserActors.ListAsync(_fork.Runtime.System)).All.Count;
            Console.WriteLine($"// managed heap before {Measure.N(_heapBefore)} B, after {Measure.N(heapAfter)} B");
            Console.WriteLine($"// actors under /user before {_actorsBefore}, after {actorsAfter}");
            await _fork.DisposeAsync();
        }

        if (_akka is not null) await _akka.DisposeAsync();
    }
}
