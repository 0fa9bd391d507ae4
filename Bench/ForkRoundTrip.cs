using System.Collections.Concurrent;
using System.Threading.Channels;
using Fork.Actors;
using Fork.Messages;

namespace Fork.Bench;

/// <summary>
/// fork + exit + wait4 of a child with a small image (the default one), repeated inside one long-running init
/// program: batches reach init through a channel, whose reads resume on init's own context.
/// </summary>
internal sealed class ForkRoundTrip : IRoundTrip
{
    private static readonly ProcessMain ExitAtOnce = static _ => Task.FromResult(0);

    private readonly ForkRuntime _runtime = ForkRuntime.Create();
    private readonly Channel<Batch> _batches = Channel.CreateUnbounded<Batch>(new() { SingleReader = true });
    private readonly Task<WaitStatus> _init;

    public ForkRoundTrip() => _init = _runtime.RunAsync(Init);

    public string Name => "fork+exit+wait4";

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
        await foreach (var batch in _batches.Reader.ReadAllAsync())
        {
            try
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var pid = await libc.ForkAsync(ExitAtOnce);
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
        _batches.Writer.Complete();
        var status = await _init;
        await _runtime.DisposeAsync();
        if (status != WaitStatus.FromExit(0)) throw new InvalidOperationException($"init ended with {status}");
    }
}
