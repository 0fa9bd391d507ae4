using BenchmarkDotNet.Attributes;
using Fork.Messages;

namespace Fork.Bench;

/// <summary>
/// fork+exit+wait4 of a parent with a touched heap of HeapMiB, against the same with an empty heap (the baseline). A
/// heap that Malloc refuses fails its setup with the reason, printed first.
/// </summary>
[MemoryDiagnoser]
public class HeapForkBenchmarks
{
    private const int PerInvoke = 20;
    private ForkRoundTrip? _empty;
    private ForkRoundTrip? _touched;

    [Params(0, 64, 1024)]
    public int HeapMiB { get; set; }

    [GlobalSetup(Target = nameof(EmptyHeap))]
    public void StartEmpty() => _empty = new ForkRoundTrip();

    [GlobalSetup(Target = nameof(TouchedHeap))]
    public void StartTouched()
    {
        var bytes = HeapMiB * (1L << 20);
        _touched = new ForkRoundTrip(BenchQuota.For(0, bytes), Bench.TouchedHeap.Of(bytes));
        try
        {
            _touched.Prepared.GetAwaiter().GetResult();
        }
        catch (PosixException e)
        {
            Console.WriteLine($"// {Bench.TouchedHeap.Label(bytes)}: not measured: {e.Message}");
            throw;
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PerInvoke, Description = "fork+exit+wait4, empty heap")]
    public Task EmptyHeap() => _empty!.RunAsync(PerInvoke);

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "fork+exit+wait4, touched heap")]
    public Task TouchedHeap() => _touched!.RunAsync(PerInvoke);

    [GlobalCleanup]
    public async Task Stop()
    {
        if (_empty is not null) await _empty.DisposeAsync();
        if (_touched is not null) await _touched.DisposeAsync();
    }
}
