using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;

namespace Fork.Bench;

/// <summary>
/// fork+exit+wait4 with the trace counted (Debug on for Fork.Trace) against Debug off (the baseline, as every other
/// timed figure); cleanup prints traced messages per fork and per message type.
/// </summary>
public class TraceBenchmarks
{
    private const int PerInvoke = 100;
    private const int WarmUp = 1_000;
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);
    private ForkRoundTrip? _plain;
    private ForkRoundTrip? _traced;
    private MessageCounter? _counter;
    private ILoggerFactory? _factory;
    private long _forks;

    [GlobalSetup(Target = nameof(DebugOff))]
    public void StartPlain() => _plain = new ForkRoundTrip();

    [GlobalSetup(Target = nameof(TracedDebugOn))]
    public void StartTraced()
    {
        _counter = new MessageCounter();
        _factory = _counter.Factory();
        _traced = new ForkRoundTrip(trace: _factory);

        // Count forks only: init's own start-up and the first forks' on-demand services are left out.
        _traced.RunAsync(WarmUp).GetAwaiter().GetResult();
        Thread.Sleep(Settle);
        _counter.Reset();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PerInvoke, Description = "fork+exit+wait4, Debug off")]
    public Task DebugOff() => _plain!.RunAsync(PerInvoke);

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "fork+exit+wait4, Fork.Trace counted")]
    public Task TracedDebugOn()
    {
        _forks += PerInvoke;
        return _traced!.RunAsync(PerInvoke);
    }

    [GlobalCleanup]
    public async Task Stop()
    {
        if (_plain is not null) await _plain.DisposeAsync();
        if (_traced is null) return;
        await _traced.DisposeAsync();
        var counts = _counter!.Snapshot();
        Console.WriteLine($"// traced messages per fork: {Measure.F(counts.Values.Sum() / (double)_forks)} over {_forks} forks");
        foreach (var (type, count) in counts.OrderByDescending(c => c.Value))
            Console.WriteLine($"//   {type,-28} {Measure.F(count / (double)_forks)}");
        _factory!.Dispose();
    }
}
