using System.Text;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;
using static Fork.Tests.Blocking.Blocking;

namespace Fork.Tests.Blocking;

/// <summary>
/// The two programs interruptible calls are for: a server loop that ends cleanly on SIGTERM, and a SIGCHLD handler
/// that runs while its process waits for input.
/// </summary>
public sealed class SignalScenarioSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    // The classic worker: sigaction(SIGTERM) without SA_RESTART sets a flag; the blocked read fails with EINTR, the
    // loop sees the flag, cleans up and exits 0.
    [Fact]
    public async Task A_server_loop_blocked_in_read_ends_cleanly_on_SIGTERM()
    {
        var seen = new List<string>();
        var worker = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var (requests, requestsOpen) = await libc.PipeAsync();
            var (responses, responsesOpen) = await libc.PipeAsync();
            var (idle, idleOpen) = await libc.PipeAsync();
            var pid = await libc.ForkAsync(async w =>
            {
                var stop = false;
                var served = 0;
                var interrupted = 0;
                w.SetSignalHandler(Signal.SIGTERM, _ => stop = true, restart: false);
                var buffer = new byte[64];
                while (!stop)
                {
                    // Blocked for the next request; the parent learns it from the idle byte sent after the read.
                    var reading = w.ReadAsync(requests, buffer);
                    await w.Release(idleOpen);
                    int count;
                    try
                    {
                        count = await reading;
                    }
                    catch (PosixException e) when (e.Errno == Errno.EINTR)
                    {
                        interrupted++;
                        continue;
                    }

                    if (count == 0) return 2; // end of file: not how this server should stop
                    var request = Encoding.ASCII.GetString(buffer, 0, count);
                    await w.WriteAsync(responsesOpen, Encoding.ASCII.GetBytes(request.ToUpperInvariant()));
                    served++;
                }

                // Clean up, then exit 0 only if it stopped the way a server should: one request, one interruption.
                await w.CloseAsync(responsesOpen);
                return served == 1 && interrupted == 1 ? 0 : 10 + served * 3 + interrupted;
            });
            await libc.Await(idle);
            await libc.WriteAsync(requestsOpen, "ping"u8.ToArray());
            seen.Add(await libc.ReadExactly(responses, 4));
            await libc.Await(idle);
            await libc.KillAsync(pid, Signal.SIGTERM);
            using var patience = new CancellationTokenSource(Patience);
            var waited = await libc.Wait4Async(pid, WaitOptions.None, patience.Token);
            if (waited.Pid == pid)
            {
                worker = waited.Status;
            }
            else
            {
                seen.Add($"the worker was still running {Patience.TotalSeconds} s after SIGTERM");
                await libc.KillAsync(pid, Signal.SIGKILL);
                worker = (await libc.Wait4Async(pid)).Status;
            }

            return 0;
        });
        Assert.Equal(["PING"], seen);
        Assert.Equal(WaitStatus.FromExit(0), worker);
    }

    // signal(7): SIGCHLD caught (with SA_RESTART) by a process blocked in read: the handler runs while the read is
    // still pending, seen from outside the namespace, and the read then returns the data written after.
    [Fact]
    public async Task A_SIGCHLD_handler_runs_while_its_process_is_blocked_in_a_read_and_the_read_goes_on()
    {
        var journal = new Journal();
        var readIssued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exitNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writeNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var children = new List<string>();
        var run = Runtime.RunAsync(async libc =>
        {
            var program = SynchronizationContext.Current;
            var returned = false;
            var sigchlds = 0;
            // Journals the first SIGCHLD only (the writer's exit later sends another).
            libc.SetSignalHandler(Signal.SIGCHLD, _ =>
            {
                if (++sigchlds == 1) journal.Handler(HandlerEntry("read", returned, program));
            });
            var (data, dataOpen) = await libc.PipeAsync();
            var writer = await libc.ForkAsync(async w =>
            {
                await writeNow.Task.WaitAsync(Bound);
                await w.WriteAsync(dataOpen, "late"u8.ToArray());
                return 0;
            });
            var quitter = await libc.ForkAsync(async _ =>
            {
                await exitNow.Task.WaitAsync(Bound);
                return 7;
            });
            var buffer = new byte[16];
            var reading = libc.ReadAsync(data, buffer);
            readIssued.SetResult();
            journal.End(await Outcomes.Of("read", reading, () => returned = true, n => $"\"{Encoding.ASCII.GetString(buffer, 0, n)}\""));
            children.Add($"{(await libc.Wait4Async(quitter)).Status}");
            children.Add($"{(await libc.Wait4Async(writer)).Status}");
            return 0;
        });

        bool handled, readPendingWhenHandled;
        try
        {
            await readIssued.Task.WaitAsync(Bound);
            // The child exits only once the parent's read is on its way, so SIGCHLD finds the read pending.
            exitNow.SetResult();
            handled = await journal.Handled.Within(Patience);
            readPendingWhenHandled = !journal.Ended.IsCompleted;
        }
        finally
        {
            exitNow.TrySetResult();
            writeNow.TrySetResult();
        }

        var status = await run.WaitAsync(Bound);
        Assert.True(handled, $"the SIGCHLD handler did not run within {Patience.TotalSeconds} s of the child's exit; the parent saw: {journal}");
        Assert.True(readPendingWhenHandled, $"the read had completed when the handler was seen; the parent saw: {journal}");
        Assert.Equal(["handler ran before the read returned", "read returned \"late\""], journal.Entries);
        Assert.Equal(["exited(7)", "exited(0)"], children);
        Assert.Equal(WaitStatus.FromExit(0), status);
    }
}
