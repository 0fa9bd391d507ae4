using System.Threading.Channels;
using Fork.Actors;
using Fork.Messages;

namespace Fork.Bench;

/// <summary>
/// init forks N children; each closes its copy of a pipe's write end, reports on a second pipe that it is up, and
/// blocks reading the first pipe. Ending = init closes the write end: every child reads EOF, exits 0 and is reaped.
/// </summary>
internal sealed class ForkFanOut : IFanOut
{
    private static readonly byte[] Up = [1];

    private readonly Channel<FanOutRun> _runs = Channel.CreateUnbounded<FanOutRun>(new() { SingleReader = true });
    private readonly ForkRuntime _runtime;
    private readonly Task<WaitStatus> _init;
    private FanOutRun? _current;

    public ForkFanOut(int maxChildren)
    {
        Options = BenchQuota.For(maxChildren);
        _runtime = ForkRuntime.Create(Options);
        _init = _runtime.RunAsync(Init);
    }

    public string Name => "fork N, each blocked in read";

    public ForkRuntimeOptions Options { get; }

    public Task StartAsync(int count)
    {
        _current = FanOutRun.Of(count);
        if (!_runs.Writer.TryWrite(_current)) throw new InvalidOperationException("init has ended");
        return _current.Live.Task;
    }

    public Task<FanOutEnd> EndAsync()
    {
        var run = _current ?? throw new InvalidOperationException("no fan-out was started");
        run.End.SetResult();
        return run.Ended.Task;
    }

    private async Task<int> Init(Libc libc)
    {
        await foreach (var run in _runs.Reader.ReadAllAsync())
        {
            try
            {
                run.Ended.SetResult(await FanOutAsync(libc, run));
            }
            catch (Exception e)
            {
                run.Fail(e);
            }
        }

        return 0;
    }

    private static async Task<FanOutEnd> FanOutAsync(Libc libc, FanOutRun run)
    {
        var (eofRead, eofWrite) = await libc.PipeAsync();
        var (upRead, upWrite) = await libc.PipeAsync();
        ProcessMain child = async c =>
        {
            await c.CloseAsync(eofWrite);
            await c.WriteAsync(upWrite, Up);
            return await c.ReadAsync(eofRead, new byte[1]) == 0 ? 0 : 1;
        };
        for (var i = 0; i < run.Count; i++) await libc.ForkAsync(child);

        var buffer = new byte[4096];
        for (var up = 0; up < run.Count;)
        {
            var read = await libc.ReadAsync(upRead, buffer);
            if (read == 0) throw new InvalidOperationException($"the up pipe reached EOF after {up} of {run.Count} children");
            up += read;
        }

        run.Live.SetResult();
        await run.End.Task;
        await libc.CloseAsync(eofWrite);
        var end = await ReapAllAsync(libc);
        foreach (var fd in new[] { eofRead, upRead, upWrite }) await libc.CloseAsync(fd);
        return end;
    }

    /// <summary>wait4(-1) until ECHILD: every child reaped, none left.</summary>
    private static async Task<FanOutEnd> ReapAllAsync(Libc libc)
    {
        int reaped = 0, failed = 0;
        while (true)
        {
            var result = await libc.Wait4Async(-1);
            if (result.Pid == -1)
            {
                return result.Error == Errno.ECHILD
                    ? new FanOutEnd(reaped, failed)
                    : throw new InvalidOperationException($"wait4(-1) failed with {result.Error}");
            }

            reaped++;
            if (result.Status != WaitStatus.FromExit(0)) failed++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _runs.Writer.TryComplete();
        var status = await _init;
        await _runtime.DisposeAsync();
        if (status != WaitStatus.FromExit(0)) throw new InvalidOperationException($"init ended with {status}");
    }
}
