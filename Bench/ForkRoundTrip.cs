using System.Collections.Concurrent;
using System.Threading.Channels;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;

namespace Fork.Bench;

/// <summary>
/// fork + exit + wait4 of a child that exits at once, repeated inside one long-running init program: batches reach
/// init through a channel, whose reads resume on init's own context. <c>prepare</c> runs once in init first (e.g. to
/// build a heap); <c>trace</c>, when given, receives the runtime's trace. Given a runtime of another's and a placement, it
/// forks that child there instead (a fork onto another node) and leaves the runtime to its owner.
/// </summary>
internal sealed class ForkRoundTrip : IRoundTrip
{
    private static readonly ProcessMain ExitAtOnce = static _ => Task.FromResult(0);

    private readonly Channel<Batch> _batches = Channel.CreateUnbounded<Batch>(new() { SingleReader = true });
    private readonly TaskCompletionSource _prepared = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<Libc, Task>? _prepare;
    private readonly ProcessMain _child = ExitAtOnce;
    private readonly ForkPlacement? _placement;
    private readonly Task<WaitStatus> _init;

    public ForkRoundTrip(ForkRuntimeOptions? options = null, Func<Libc, Task>? prepare = null, ILoggerFactory? trace = null)
    {
        Runtime = ForkRuntime.Create(options);
        if (trace is not null) ForkTracing.Use(Runtime.System, trace);
        _prepare = prepare;
        _init = Runtime.RunAsync(Init);
    }

    /// <summary>Forks <paramref name="child"/> (a registered program) at <paramref name="placement"/> from an init of <paramref name="runtime"/>.</summary>
    public ForkRoundTrip(ForkRuntime runtime, ProcessMain child, ForkPlacement placement, string name)
    {
        Runtime = runtime;
        (_child, _placement, Name) = (child, placement, name);
        _init = Runtime.RunAsync(Init);
    }

    public string Name { get; } = "fork+exit+wait4";

    public ForkRuntime Runtime { get; }

    /// <summary>Completes when init has run <c>prepare</c>; faults with what it threw.</summary>
    public Task Prepared => _prepared.Task;

    /// <summary>Children that did not end by exit(0): still timed, but reported, since they did less work.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public Task RunAsync(int count)
    {
        var batch = Batch.Of(count);
        if (!_batches.Writer.TryWrite(batch)) throw new InvalidOperationException("init has ended");
        return batch.Done.Task;
    }

    private async Task<int> Init(Libc libc)
    {
        try
        {
            if (_prepare is not null) await _prepare(libc);
            _prepared.SetResult();
        }
        catch (Exception e)
        {
            _batches.Writer.TryComplete(e);
            _prepared.SetException(e);
            return 0;
        }

        await foreach (var batch in _batches.Reader.ReadAllAsync())
        {
            try
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var pid = await (_placement is null ? libc.ForkAsync(_child) : libc.ForkAsync(_child, _placement));
                    var reaped = await libc.Wait4Async(pid);
                    if (reaped.Pid != pid) throw new InvalidOperationException($"wait4({pid}) gave {reaped}");
                    if (reaped.Status != WaitStatus.FromExit(0)) Failures.Enqueue($"child {pid} ended {reaped.Status}, not exit 0");
                }

                batch.Done.SetResult();
            }
            catch (Exception e)
            {
                batch.Done.SetException(e);
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _batches.Writer.TryComplete();
        var status = await _init.WaitAsync(TimeSpan.FromSeconds(30));
        if (_placement is null) await Runtime.DisposeAsync();
        if (status != WaitStatus.FromExit(0)) throw new InvalidOperationException($"init ended with {status}");
    }
}
