using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Fork.Bench;

/// <summary>
/// N live children of one parent, started and then ended and reaped, under BenchmarkDotNet (time per fan-out of N;
/// divide by N for per child). The bare Akka fan-out is the baseline. Each setup prints managed bytes per live child.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class FanOutBenchmarks
{
    private ForkFanOut? _fork;
    private AkkaFanOut? _akka;

    [Params(10_000, 100_000)]
    public int N { get; set; }

    [GlobalSetup(Target = nameof(ForkBlockedInRead))]
    public void StartFork()
    {
        _fork = new ForkFanOut(N);
        Console.WriteLine($"// fork runtime options: {BenchQuota.Describe(_fork.Options)}");
        PrintBytesPerChild(_fork);
    }

    [GlobalSetup(Target = nameof(SpawnWatchIdle))]
    public void StartAkka()
    {
        _akka = new AkkaFanOut();
        PrintBytesPerChild(_akka);
    }

    [Benchmark(Description = "fork N blocked in read, end, reap")]
    public Task ForkBlockedInRead() => OnceAsync(_fork!);

    [Benchmark(Baseline = true, Description = "spawn+watch N idle, stop, Terminated")]
    public Task SpawnWatchIdle() => OnceAsync(_akka!);

    [GlobalCleanup]
    public async Task Stop()
    {
        if (_fork is not null) await _fork.DisposeAsync();
        if (_akka is not null) await _akka.DisposeAsync();
    }

    private async Task OnceAsync(IFanOut fanOut)
    {
        await fanOut.StartAsync(N);
        var end = await fanOut.EndAsync();
        if (end.Reaped != N) throw new InvalidOperationException($"{fanOut.Name}: {end.Reaped} of {N} children reaped");
    }

    private void PrintBytesPerChild(IFanOut fanOut)
    {
        var figures = FanOutMeasurement.OnceAsync(fanOut, N).GetAwaiter().GetResult();
        Console.WriteLine($"// {fanOut.Name}: {Measure.N(figures.BytesPerChild)} managed bytes per live child (N = {N})");
    }
}
