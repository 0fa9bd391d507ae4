using BenchmarkDotNet.Attributes;

namespace Fork.Bench;

/// <summary>The two round trips of quick mode under BenchmarkDotNet; Akka's is the baseline, so Ratio is fork/akka.</summary>
[MemoryDiagnoser]
public class RoundTripBenchmarks
{
    private const int PerInvoke = 100;
    private ForkRoundTrip? _fork;
    private AkkaRoundTrip? _akka;

    [GlobalSetup(Target = nameof(ForkExitWait4))]
    public void StartFork() => _fork = new ForkRoundTrip();

    [GlobalSetup(Target = nameof(SpawnStopTerminated))]
    public void StartAkka() => _akka = new AkkaRoundTrip();

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "fork+exit+wait4")]
    public Task ForkExitWait4() => _fork!.RunAsync(PerInvoke);

    [Benchmark(OperationsPerInvoke = PerInvoke, Baseline = true, Description = "spawn+stop+Terminated")]
    public Task SpawnStopTerminated() => _akka!.RunAsync(PerInvoke);

    [GlobalCleanup]
    public async Task Stop()
    {
        if (_fork is not null)
        {
            await _fork.DisposeAsync();
            if (!_fork.Failures.IsEmpty) Console.WriteLine($"// warning: {_fork.Failures.Count} forked children did not exit 0");
        }

        if (_akka is not null) await _akka.DisposeAsync();
    }
}
