using BenchmarkDotNet.Attributes;

namespace Fork.Bench;

/// <summary>
/// One pipe under BenchmarkDotNet: time per 64 KiB write that a forked writer pushes through a pipe to its reading
/// parent (64 MiB per invoke, a fork and reap included). The Linux pipe beside it is quick mode's (dd | dd).
/// </summary>
public class PipeBenchmarks
{
    private const int PerInvoke = 1024;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    private ForkPipes? _pipe;

    [GlobalSetup]
    public void Start()
    {
        _pipe = new ForkPipes(1);
        Console.Write("// ");
        TraceOff.Print(_pipe.Runtime, _pipe.Name);
        Steady.WarmUpAsync(_pipe, WarmUp, 16, 1 << 20).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "one pipe, 64 KiB writes")]
    public Task OnePipe() => _pipe!.RunAsync(PerInvoke);

    [GlobalCleanup]
    public async Task Stop()
    {
        if (_pipe is not null) await _pipe.DisposeAsync();
    }
}
