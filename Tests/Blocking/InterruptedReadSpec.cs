using System.Text;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;
using static Fork.Tests.Blocking.Blocking;

namespace Fork.Tests.Blocking;

/// <summary>
/// signal(7) for a read parked on an empty pipe that still has a writer: a caught signal runs its handler at once, on
/// the program's context, while the read stays blocked; then SA_RESTART lets the read go on and its absence makes it
/// fail with EINTR. Stop and continue leave the read parked. The data only comes after the handler was seen to run.
/// </summary>
public sealed class InterruptedReadSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    private const string Blocked = "handler ran before the read returned";

    // The parent's entry: the data comes only now, after the handler was seen (or plainly was not) to run.
    private const string DataComes = "the parent writes the data";

    // signal(7) "Interruption of system calls and library functions by signal handlers": read(2) restarts under SA_RESTART
    [Fact]
    public async Task With_SA_RESTART_the_handler_runs_while_the_read_is_blocked_and_the_read_returns_data_written_later()
    {
        var journal = new Journal();
        var child = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var reader = await libc.ForkAsync(BlockedReader(data, readyOpen, journal, restart: true));
            await libc.Await(ready);
            await libc.KillAsync(reader, Signal.SIGUSR1);
            await journal.Handled.Within(Patience);
            journal.Add(DataComes);
            await libc.WriteAsync(dataOpen, "late"u8.ToArray());
            child = (await libc.Wait4Async(reader)).Status;
            return 0;
        });
        Assert.Equal([Blocked, DataComes, "read returned \"late\""], journal.Entries);
        Assert.Equal(WaitStatus.FromExit(0), child);
    }

    // signal(7): without SA_RESTART, read(2) on a pipe fails with EINTR once the handler has run
    [Fact]
    public async Task Without_SA_RESTART_the_blocked_read_fails_with_EINTR_after_the_handler_ran()
    {
        var journal = new Journal();
        var child = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var reader = await libc.ForkAsync(BlockedReader(data, readyOpen, journal, restart: false));
            await libc.Await(ready);
            await libc.KillAsync(reader, Signal.SIGUSR1);
            if (await journal.Handled.Within(Patience)) await journal.Ended.Within(Patience);
            // Unblocks a read that was not interrupted; otherwise the byte stays in the pipe.
            journal.Add(DataComes);
            await libc.WriteAsync(dataOpen, "late"u8.ToArray());
            child = (await libc.Wait4Async(reader)).Status;
            return 0;
        });
        Assert.Equal([Blocked, "read failed with EINTR", DataComes], journal.Entries);
        Assert.Equal(WaitStatus.FromExit(0), child);
    }

    // DESIGN.md: the handler runs on the program's own context, never beside other code of the program. The program
    // keeps its thread busy (no libc call) while the signal arrives: the handler may only run once it lets go, and
    // then at once, as its read is still parked.
    [Fact]
    public async Task The_handler_never_runs_beside_other_code_of_the_program()
    {
        var journal = new Journal();
        var busy = new ManualResetEventSlim();
        var child = default(WaitStatus);
        try
        {
            await RunToSuccess(async libc =>
            {
                var (data, dataOpen) = await libc.PipeAsync();
                var (ready, readyOpen) = await libc.PipeAsync();
                var reader = await libc.ForkAsync(async c =>
                {
                    var program = SynchronizationContext.Current;
                    var returned = false;
                    var running = false;
                    c.SetSignalHandler(Signal.SIGUSR1, _ => journal.Handler(
                        HandlerEntry("read", returned, program) + (Volatile.Read(ref running) ? ", beside the program's own code" : "")));
                    var buffer = new byte[16];
                    var reading = c.ReadAsync(data, buffer);
                    var readySent = c.Release(readyOpen);
                    // Code of the program that holds its thread until the test lets it go.
                    Volatile.Write(ref running, true);
                    busy.Wait(Bound);
                    Volatile.Write(ref running, false);
                    await readySent;
                    journal.End(await Outcomes.Of("read", reading, () => returned = true, n => $"\"{Encoding.ASCII.GetString(buffer, 0, n)}\""));
                    return 0;
                });
                await libc.Await(ready);
                await libc.KillAsync(reader, Signal.SIGUSR1);
                // A barrier: the stop is reported once the child's process has taken every signal sent before it, so
                // a handler that would run beside the program has had its chance by now.
                await libc.KillAsync(reader, Signal.SIGSTOP);
                await libc.Wait4Async(reader, WaitOptions.WUNTRACED);
                await libc.KillAsync(reader, Signal.SIGCONT);
                await libc.Wait4Async(reader, WaitOptions.WCONTINUED);
                busy.Set();
                await journal.Handled.Within(Patience);
                journal.Add(DataComes);
                await libc.WriteAsync(dataOpen, "late"u8.ToArray());
                child = (await libc.Wait4Async(reader)).Status;
                return 0;
            });
        }
        finally
        {
            busy.Set();
        }

        Assert.Equal([Blocked, DataComes, "read returned \"late\""], journal.Entries);
        Assert.Equal(WaitStatus.FromExit(0), child);
    }

    // signal(7): a stop and continue interrupt nothing; the read parked across them returns the data written after
    [Fact]
    public async Task Stop_and_continue_leave_a_parked_read_parked_and_it_returns_the_data_written_after()
    {
        var journal = new Journal();
        var child = default(WaitStatus);
        var reports = new List<string>();
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            // A handler without SA_RESTART for another signal: stop and continue must not interrupt the read either way.
            var reader = await libc.ForkAsync(BlockedReader(data, readyOpen, journal, restart: false));
            await libc.Await(ready);
            await libc.KillAsync(reader, Signal.SIGSTOP);
            reports.Add($"{(await libc.Wait4Async(reader, WaitOptions.WUNTRACED)).Status}");
            await libc.KillAsync(reader, Signal.SIGCONT);
            reports.Add($"{(await libc.Wait4Async(reader, WaitOptions.WCONTINUED)).Status}");
            reports.Add($"read ended before the data came: {journal.Ended.IsCompleted}");
            await libc.WriteAsync(dataOpen, "late"u8.ToArray());
            child = (await libc.Wait4Async(reader)).Status;
            return 0;
        });
        Assert.Equal(["stopped(SIGSTOP)", "continued", "read ended before the data came: False"], reports);
        Assert.Equal(["read returned \"late\""], journal.Entries);
        Assert.Equal(WaitStatus.FromExit(0), child);
    }

    /// <summary>
    /// A child that catches SIGUSR1 (with or without SA_RESTART), parks a read of <paramref name="data"/>, says so on
    /// <paramref name="readyOpen"/>, and journals its handler and how the read ended.
    /// </summary>
    private static ProcessMain BlockedReader(int data, int readyOpen, Journal journal, bool restart) => async c =>
    {
        var program = SynchronizationContext.Current;
        var returned = false;
        c.SetSignalHandler(Signal.SIGUSR1, _ => journal.Handler(HandlerEntry("read", returned, program)), restart);
        var buffer = new byte[16];
        // The read goes out first, then the ready byte: once the parent has the byte, the read is parked.
        var reading = c.ReadAsync(data, buffer);
        await c.Release(readyOpen);
        journal.End(await Outcomes.Of("read", reading, () => returned = true, n => $"\"{Encoding.ASCII.GetString(buffer, 0, n)}\""));
        return 0;
    };
}
