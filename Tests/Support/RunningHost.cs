using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Fork.Tests;

/// <summary>
/// A host started in the background whose output is read while it runs: a spec waits (bounded) for a line, stops it with
/// SIGTERM and reads how it ended. Disposing kills it if it still runs.
/// </summary>
internal sealed class RunningHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _output;
    private readonly Task<string> _errors;

    private RunningHost(Process process)
    {
        _process = process;
        _output = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                _lines.Enqueue(line);
                _arrived.Release();
            }

            // The end of the output wakes a waiter too, which then stops waiting.
            _arrived.Release();
        });
        _errors = process.StandardError.ReadToEndAsync();
    }

    public static RunningHost Start(params string[] args) => new(HostProcess.Start(args));

    /// <summary>Every line of standard output so far.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>The first match of <paramref name="pattern"/> in a line of standard output, waiting for it up to <paramref name="bound"/>.</summary>
    public async Task<Match> WaitFor(string pattern, TimeSpan bound)
    {
        var regex = new Regex(pattern);
        using var deadline = new CancellationTokenSource(bound);
        while (true)
        {
            if (_lines.Select(l => regex.Match(l)).FirstOrDefault(m => m.Success) is { } match) return match;
            if (_output.IsCompleted) throw new InvalidOperationException($"the host ended without a line matching {pattern}:\n{Output}");
            try
            {
                await _arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no line matching {pattern} within {bound.TotalSeconds:0} s:\n{Output}");
            }
        }
    }

    /// <summary>Stop the host with SIGTERM and wait (bounded) for its end: its exit code, output and errors.</summary>
    public async Task<(int Exit, string Output, string Errors)> Stop(TimeSpan bound)
    {
        using var deadline = new CancellationTokenSource(bound);
        await HostProcess.Terminate(_process, deadline.Token);
        await _process.WaitForExitAsync(deadline.Token);
        await _output.WaitAsync(deadline.Token);
        return (_process.ExitCode, Output, await _errors.WaitAsync(deadline.Token));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        _arrived.Dispose();
    }
}
