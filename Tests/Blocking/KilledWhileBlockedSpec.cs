using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;
using static Fork.Tests.Blocking.Blocking;

namespace Fork.Tests.Blocking;

/// <summary>
/// SIGKILL ends a process parked in any blocking call, even one that catches other signals without SA_RESTART, and a
/// read it left parked takes nothing from the pipe.
/// </summary>
public sealed class KilledWhileBlockedSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    // signal(7): SIGKILL cannot be caught; the parent's wait4 sees the process terminated by it
    [Theory]
    [InlineData("read")]
    [InlineData("write")]
    [InlineData("wait4")]
    [InlineData("sleep")]
    public async Task Sigkill_ends_a_process_parked_in_a_blocking_call(string call)
    {
        var journal = new Journal();
        IReadOnlyList<string> seenAtKill = [];
        var child = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var (never, _) = await libc.PipeAsync();
            var (_, dataOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var blocked = await libc.ForkAsync(async c =>
            {
                c.SetSignalHandler(Signal.SIGUSR1, _ => journal.Handler("handler ran"), restart: false);
                Task parked = call switch
                {
                    "read" => c.ReadAsync(never, new byte[1]),
                    // Nobody reads: 64 KiB go in, the rest waits.
                    "write" => c.WriteAsync(dataOpen, Patterned(0, 0, 100_000)),
                    "wait4" => c.Wait4Async(await c.ForkAsync(async g => await g.ReadAsync(never, new byte[1]))),
                    _ => c.SleepAsync(TimeSpan.FromHours(1)),
                };
                await c.Release(readyOpen);
                try
                {
                    await parked;
                    journal.End($"{call} returned");
                }
                catch (PosixException e)
                {
                    journal.End($"{call} failed with {e.Errno}");
                }

                return 0;
            });
            await libc.Await(ready);
            await libc.KillAsync(blocked, Signal.SIGKILL);
            child = (await libc.Wait4Async(blocked)).Status;
            seenAtKill = journal.Entries;
            // The grandchild of the wait4 case, an orphan of init now, is killed as init ends.
            return 0;
        });
        Assert.Equal([], seenAtKill);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, coreDumped: false), child);
    }

    // pipe(7): a read parked by a process that was then killed is gone with it: the next reader of the pipe gets the
    // bytes, even though the killed one had parked first
    [Fact]
    public async Task A_read_a_killed_process_left_parked_does_not_take_data_meant_for_another_reader()
    {
        var statuses = new List<string>();
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var first = await libc.ForkAsync(ParkedReader(data, readyOpen));
            await libc.Await(ready);
            var second = await libc.ForkAsync(ParkedReader(data, readyOpen));
            await libc.Await(ready);
            await libc.KillAsync(first, Signal.SIGKILL);
            statuses.Add($"first: {(await libc.Wait4Async(first)).Status}");
            await libc.WriteAsync(dataOpen, "x"u8.ToArray());
            using var patience = new CancellationTokenSource(Patience);
            var reaped = await libc.Wait4Async(second, WaitOptions.None, patience.Token);
            if (reaped.Pid != second)
            {
                statuses.Add("second: still blocked");
                await libc.KillAsync(second, Signal.SIGKILL);
                await libc.Wait4Async(second);
            }
            else
            {
                statuses.Add($"second: {reaped.Status}");
            }

            return 0;
        });
        Assert.Equal(["first: killed(SIGKILL)", $"second: {WaitStatus.FromExit('x')}"], statuses);
    }

    /// <summary>A child that catches SIGUSR1 without SA_RESTART, parks a read, says so, and exits with the byte it read.</summary>
    private static ProcessMain ParkedReader(int data, int readyOpen) => async c =>
    {
        c.SetSignalHandler(Signal.SIGUSR1, _ => { }, restart: false);
        var buffer = new byte[1];
        var reading = c.ReadAsync(data, buffer);
        await c.Release(readyOpen);
        return await reading == 1 ? buffer[0] : 100;
    };
}
