using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;
using static Fork.Tests.Blocking.Blocking;

namespace Fork.Tests.Blocking;

/// <summary>
/// pipe(7) with Linux's numbers: a pipe holds 65 536 bytes and a writer parks while it is full; a write of at most
/// PIPE_BUF (4096) bytes is never interleaved with another writer's; a larger one may be split, yet every byte arrives
/// once and in order; a parked writer whose last reader goes gets EPIPE (or the count it moved) and SIGPIPE.
/// </summary>
public sealed class BoundedPipeSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    // pipe(7) "Pipe capacity": 16 pages since Linux 2.6.11; a blocking write waits until there is room
    [Fact]
    public async Task A_writer_without_a_reader_blocks_at_exactly_64_KiB_and_completes_once_the_reader_drains()
    {
        const int Chunks = 32;
        var untilBlocked = new List<string>();
        var afterwards = new List<string>();
        byte[] arrived = [];
        var writer = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (reports, reportsOpen) = await libc.PipeAsync();
            var pid = await libc.ForkAsync(async w =>
            {
                var total = 0;
                for (var i = 0; i < Chunks; i++)
                {
                    var writing = w.WriteAsync(dataOpen, Filled(PipeBuf, (byte)i));
                    if (await w.StillBlockedAfterProbe(writing, data)) await w.WriteReport(reportsOpen, "blocked at", total);
                    total += await writing;
                    await w.WriteReport(reportsOpen, "wrote", total);
                }

                return 0;
            });
            await libc.CloseAsync(dataOpen);
            await libc.CloseAsync(reportsOpen);
            // Nobody reads the data until the writer says a write stays blocked (or it wrote everything).
            while (await libc.ReadReport(reports) is { } report)
            {
                untilBlocked.Add(report);
                if (report.StartsWith("blocked") || report == $"wrote {Chunks * PipeBuf}") break;
            }

            arrived = await libc.Drain(data);
            while (await libc.ReadReport(reports) is { } report) afterwards.Add(report);
            writer = (await libc.Wait4Async(pid)).Status;
            return 0;
        });
        // Sixteen writes fit, the seventeenth waits for room.
        Assert.Equal([.. Enumerable.Range(1, 16).Select(i => $"wrote {i * PipeBuf}"), $"blocked at {PipeCapacity}"], untilBlocked);
        // Once drained, every blocked write completed, and every byte arrived once, in order.
        Assert.Equal(Enumerable.Range(17, Chunks - 16).Select(i => $"wrote {i * PipeBuf}"), afterwards.Where(r => r.StartsWith("wrote")));
        Assert.Null(FirstDifference([.. Enumerable.Range(0, Chunks).SelectMany(i => Filled(PipeBuf, (byte)i))], arrived));
        Assert.Equal(WaitStatus.FromExit(0), writer);
    }

    // pipe(7) "PIPE_BUF": writes of at most PIPE_BUF bytes are atomic; several writers, each its own byte value
    [Fact]
    public async Task Writes_of_PIPE_BUF_bytes_from_several_writers_are_never_interleaved()
    {
        const int Writers = 4;
        const int Blocks = 48;
        byte[] arrived = [];
        var writers = new List<WaitStatus>();
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (gate, gateOpen) = await libc.PipeAsync();
            var pids = new List<int>();
            for (var writer = 1; writer <= Writers; writer++)
            {
                var value = (byte)writer;
                pids.Add(await libc.ForkAsync(async w =>
                {
                    await w.Await(gate);
                    var block = Filled(PipeBuf, value);
                    for (var i = 0; i < Blocks; i++)
                    {
                        if (await w.WriteAsync(dataOpen, block) != PipeBuf) return 1;
                    }

                    return 0;
                }));
            }

            await libc.CloseAsync(dataOpen);
            // All start together, and the reader reads in pieces that match no block boundary.
            await libc.WriteAsync(gateOpen, new byte[Writers]);
            arrived = await libc.Drain(data, bufferSize: 1000);
            foreach (var pid in pids) writers.Add((await libc.Wait4Async(pid)).Status);
            return 0;
        });
        Assert.Equal(Writers * Blocks * PipeBuf, arrived.Length);
        var mixed = Enumerable.Range(0, arrived.Length / PipeBuf)
            .Where(b => arrived.AsSpan(b * PipeBuf, PipeBuf).ContainsAnyExcept(arrived[b * PipeBuf]))
            .ToList();
        Assert.True(mixed.Count == 0, $"{mixed.Count} of the {arrived.Length / PipeBuf} blocks hold bytes of two writers, the first at offset {mixed.FirstOrDefault() * PipeBuf}");
        Assert.Equal(
            Enumerable.Range(1, Writers).ToDictionary(w => (byte)w, _ => Blocks),
            Enumerable.Range(0, arrived.Length / PipeBuf).GroupBy(b => arrived[b * PipeBuf]).ToDictionary(g => g.Key, g => g.Count()));
        Assert.All(writers, status => Assert.Equal(WaitStatus.FromExit(0), status));
    }

    // pipe(7): a write larger than PIPE_BUF may be interleaved with others, but it loses, repeats and reorders nothing
    [Fact]
    public async Task Larger_writes_from_two_writers_deliver_each_writers_bytes_once_and_in_order()
    {
        const int Size = 200_000;
        const int Writes = 3;
        byte[] arrived = [];
        var writers = new List<WaitStatus>();
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (gate, gateOpen) = await libc.PipeAsync();
            var pids = new List<int>();
            for (var writer = 0; writer < 2; writer++)
            {
                var id = writer;
                pids.Add(await libc.ForkAsync(async w =>
                {
                    await w.Await(gate);
                    for (var i = 0; i < Writes; i++)
                    {
                        // A blocking write without a signal moves all its bytes before it returns.
                        if (await w.WriteAsync(dataOpen, Patterned(id, (long)i * Size, Size)) != Size) return 1;
                    }

                    return 0;
                }));
            }

            await libc.CloseAsync(dataOpen);
            await libc.WriteAsync(gateOpen, new byte[2]);
            arrived = await libc.Drain(data, bufferSize: 7001);
            foreach (var pid in pids) writers.Add((await libc.Wait4Async(pid)).Status);
            return 0;
        });
        for (var writer = 0; writer < 2; writer++)
        {
            var id = writer;
            var mine = arrived.Where(b => b >> 7 == id).ToArray();
            Assert.Null(FirstDifference(Patterned(id, 0, Writes * Size), mine));
        }

        Assert.All(writers, status => Assert.Equal(WaitStatus.FromExit(0), status));
    }

    // pipe(7) "I/O on pipes": if all read ends are closed, a write raises SIGPIPE and fails with EPIPE; Linux
    // pipe_write: a writer that moved some bytes before the last reader went returns their count
    [Theory]
    [InlineData(PipeCapacity, PipeBuf, "write failed with EPIPE")]
    [InlineData(0, 100_000, "write returned 65536")]
    public async Task A_parked_writer_gets_EPIPE_or_its_count_and_SIGPIPE_when_the_last_reader_goes(int fill, int size, string outcome)
    {
        var journal = new Journal();
        var writer = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (gate, gateOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            // The last reader: holds the read end until told to exit, reading nothing.
            var reader = await libc.ForkAsync(async r =>
            {
                await r.CloseAsync(dataOpen);
                await r.Await(gate);
                return 0;
            });
            var pid = await libc.ForkAsync(async w =>
            {
                var sigpipes = 0;
                w.SetSignalHandler(Signal.SIGPIPE, _ => sigpipes++);
                if (fill > 0) await w.WriteAsync(dataOpen, Filled(fill, (byte)'a'));
                var writing = w.WriteAsync(dataOpen, Patterned(0, 0, size));
                journal.Add(await w.StillBlockedAfterProbe(writing, data) ? "write blocked" : "write did not block");
                // Its own read end goes once it has served the probe: the reader child holds the last one.
                await w.CloseAsync(data);
                await w.Release(readyOpen);
                journal.End(await Outcomes.Of("write", writing, () => { }));
                await w.GetPpidAsync();
                journal.Add($"SIGPIPE caught {sigpipes} time(s)");
                return 0;
            });
            await libc.CloseAsync(data);
            await libc.CloseAsync(dataOpen);
            await libc.Await(ready);
            await libc.Release(gateOpen);
            await libc.Wait4Async(reader);
            writer = (await libc.Wait4Async(pid)).Status;
            return 0;
        });
        Assert.Equal(["write blocked", outcome, "SIGPIPE caught 1 time(s)"], journal.Entries);
        Assert.Equal(WaitStatus.FromExit(0), writer);
    }

    // pipe(7): with SIGPIPE's default action, the parked writer dies of it when the last reader goes, whether or not
    // it had moved bytes before it blocked
    [Theory]
    [InlineData(PipeCapacity, PipeBuf)]
    [InlineData(0, 100_000)]
    public async Task A_parked_writer_with_the_default_SIGPIPE_action_is_killed_when_the_last_reader_goes(int fill, int size)
    {
        var blocked = "";
        var writer = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (gate, gateOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var reader = await libc.ForkAsync(async r =>
            {
                await r.CloseAsync(dataOpen);
                await r.Await(gate);
                return 0;
            });
            var pid = await libc.ForkAsync(async w =>
            {
                if (fill > 0) await w.WriteAsync(dataOpen, Filled(fill, (byte)'a'));
                var writing = w.WriteAsync(dataOpen, Patterned(0, 0, size));
                var verdict = await w.StillBlockedAfterProbe(writing, data) ? (byte)1 : (byte)0;
                await w.CloseAsync(data);
                await w.Release(readyOpen, verdict);
                await writing;
                await w.GetPpidAsync();
                return 3;
            });
            await libc.CloseAsync(data);
            await libc.CloseAsync(dataOpen);
            var verdict = new byte[1];
            await libc.ReadAsync(ready, verdict);
            blocked = verdict[0] == 1 ? "write blocked" : "write did not block";
            await libc.Release(gateOpen);
            await libc.Wait4Async(reader);
            writer = (await libc.Wait4Async(pid)).Status;
            return 0;
        });
        Assert.Equal("write blocked", blocked);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGPIPE, coreDumped: false), writer);
    }
}
