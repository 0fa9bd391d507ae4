using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;
using static Fork.Tests.Blocking.Blocking;

namespace Fork.Tests.Blocking;

/// <summary>
/// signal(7) for a write parked on a full pipe (64 KiB that nobody reads): a caught signal runs its handler at once
/// while the write stays blocked; with SA_RESTART the write goes on and completes once the reader drains the pipe;
/// without, a write that moved no byte fails with EINTR and one that moved some returns their count. The parent
/// reads nothing until it has seen the handler run.
/// </summary>
public sealed class InterruptedWriteSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    private const string Blocked = "handler ran before the write returned";

    // The parent's entry: it reads only now, after the handler was seen (or plainly was not) to run.
    private const string Drains = "the parent drains the pipe";

    // signal(7): write(2) on a pipe restarts under SA_RESTART; here it moved nothing before it blocked
    [Fact]
    public async Task With_SA_RESTART_a_write_into_a_full_pipe_goes_on_after_the_handler_and_completes_once_drained()
    {
        var journal = new Journal();
        var child = default(WaitStatus);
        byte[] arrived = [];
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var writer = await libc.ForkAsync(BlockedWriter(dataOpen, readyOpen, journal, restart: true, fill: PipeCapacity, write: PipeBuf));
            await libc.Await(ready);
            await libc.KillAsync(writer, Signal.SIGUSR1);
            await journal.Handled.Within(Patience);
            journal.Add(Drains);
            arrived = await libc.ReadBytes(data, PipeCapacity + PipeBuf);
            child = (await libc.Wait4Async(writer)).Status;
            return 0;
        });
        Assert.Equal([Blocked, Drains, "write returned 4096"], journal.Entries);
        Assert.Null(FirstDifference([.. Filled(PipeCapacity, (byte)'a'), .. Filled(PipeBuf, (byte)'b')], arrived));
        Assert.Equal(WaitStatus.FromExit(0), child);
    }

    // The contract: with SA_RESTART "the write completes once the reader drains the pipe", also one that had moved
    // some bytes before it blocked (Linux would return the partial count here; the contract asks for the whole write).
    [Fact]
    public async Task With_SA_RESTART_a_write_that_moved_some_bytes_goes_on_and_completes_once_drained()
    {
        const int Size = 100_000;
        var journal = new Journal();
        var child = default(WaitStatus);
        byte[] arrived = [];
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var writer = await libc.ForkAsync(BlockedWriter(dataOpen, readyOpen, journal, restart: true, fill: 0, write: Size));
            await libc.Await(ready);
            await libc.KillAsync(writer, Signal.SIGUSR1);
            await journal.Handled.Within(Patience);
            journal.Add(Drains);
            arrived = await libc.ReadBytes(data, Size);
            child = (await libc.Wait4Async(writer)).Status;
            return 0;
        });
        Assert.Equal([Blocked, Drains, $"write returned {Size}"], journal.Entries);
        Assert.Null(FirstDifference(Patterned(0, 0, Size), arrived));
        Assert.Equal(WaitStatus.FromExit(0), child);
    }

    // signal(7); pipe(7): a blocked write that moved nothing fails with EINTR, and none of its bytes are in the pipe
    [Fact]
    public async Task Without_SA_RESTART_a_write_blocked_before_moving_a_byte_fails_with_EINTR_and_leaves_nothing_in_the_pipe()
    {
        var journal = new Journal();
        var child = default(WaitStatus);
        byte[] arrived = [];
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var writer = await libc.ForkAsync(BlockedWriter(dataOpen, readyOpen, journal, restart: false, fill: PipeCapacity, write: PipeBuf));
            await libc.CloseAsync(dataOpen);
            await libc.Await(ready);
            await libc.KillAsync(writer, Signal.SIGUSR1);
            if (await journal.Handled.Within(Patience)) await journal.Ended.Within(Patience);
            // Everything the writer left in the pipe, up to its exit.
            journal.Add(Drains);
            arrived = await libc.Drain(data);
            child = (await libc.Wait4Async(writer)).Status;
            return 0;
        });
        Assert.Equal([Blocked, "write failed with EINTR", Drains], journal.Entries);
        Assert.Null(FirstDifference(Filled(PipeCapacity, (byte)'a'), arrived));
        Assert.Equal(WaitStatus.FromExit(0), child);
    }

    // pipe(7), signal(7): a 100 000-byte write into an empty pipe moves 65 536 bytes and blocks; interrupted, it
    // returns that count, and exactly those bytes are in the pipe
    [Fact]
    public async Task Without_SA_RESTART_a_write_blocked_after_moving_64_KiB_returns_65536()
    {
        const int Size = 100_000;
        var journal = new Journal();
        var child = default(WaitStatus);
        byte[] arrived = [];
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var writer = await libc.ForkAsync(BlockedWriter(dataOpen, readyOpen, journal, restart: false, fill: 0, write: Size));
            await libc.CloseAsync(dataOpen);
            await libc.Await(ready);
            await libc.KillAsync(writer, Signal.SIGUSR1);
            if (await journal.Handled.Within(Patience)) await journal.Ended.Within(Patience);
            journal.Add(Drains);
            arrived = await libc.Drain(data);
            child = (await libc.Wait4Async(writer)).Status;
            return 0;
        });
        Assert.Equal([Blocked, $"write returned {PipeCapacity}", Drains], journal.Entries);
        Assert.Null(FirstDifference(Patterned(0, 0, PipeCapacity), arrived));
        Assert.Equal(WaitStatus.FromExit(0), child);
    }

    /// <summary>
    /// A child that catches SIGUSR1, first fills the pipe with <paramref name="fill"/> bytes of 'a' (a write that
    /// fits), then parks a write of <paramref name="write"/> bytes ('b' after a fill, else <see cref="Pattern"/>
    /// bytes), says so on <paramref name="readyOpen"/>, and journals its handler and how the write ended.
    /// </summary>
    private static ProcessMain BlockedWriter(int dataOpen, int readyOpen, Journal journal, bool restart, int fill, int write) => async c =>
    {
        var program = SynchronizationContext.Current;
        var returned = false;
        c.SetSignalHandler(Signal.SIGUSR1, _ => journal.Handler(HandlerEntry("write", returned, program)), restart);
        if (fill > 0)
        {
            var filled = await c.WriteAsync(dataOpen, Filled(fill, (byte)'a'));
            if (filled != fill) journal.Add($"the filling write returned {filled}");
        }

        var bytes = fill > 0 ? Filled(write, (byte)'b') : Patterned(0, 0, write);
        // The write goes out first, then the ready byte: once the parent has the byte, the write is parked.
        var writing = c.WriteAsync(dataOpen, bytes);
        await c.Release(readyOpen);
        journal.End(await Outcomes.Of("write", writing, () => returned = true));
        return 0;
    };
}
