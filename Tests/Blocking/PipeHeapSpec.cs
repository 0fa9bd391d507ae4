using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;
using static Fork.Tests.Blocking.Blocking;

namespace Fork.Tests.Blocking;

/// <summary>Specs that measure the host's managed heap: they run alone, after every spec that runs in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostHeapCollection
{
    public const string Name = "host heap";
}

/// <summary>
/// A pipe nobody reads costs the host its capacity, not what writers try to push: a writer of 64 MiB parks at 64 KiB,
/// and the host's managed heap stays flat meanwhile.
/// </summary>
[Collection(HostHeapCollection.Name)]
public sealed class PipeHeapSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    private const int Push = 64 * 1024;
    private const long Goal = 64L * 1024 * 1024;
    private const long Allowed = 4L * 1024 * 1024;

    [Fact]
    public async Task A_writer_pushing_64_MiB_into_an_unread_pipe_parks_at_64_KiB_and_the_host_heap_stays_flat()
    {
        var report = "";
        long growth = 0;
        var pusher = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var (data, dataOpen) = await libc.PipeAsync();
            var (reports, reportsOpen) = await libc.PipeAsync();
            var (gate, gateOpen) = await libc.PipeAsync();
            var pid = await libc.ForkAsync(async w =>
            {
                await w.Await(gate);
                var chunk = Filled(Push, 7);
                long pushed = 0;
                while (pushed < Goal)
                {
                    var writing = w.WriteAsync(dataOpen, chunk);
                    if (await w.StillBlockedAfterProbe(writing, data)) await w.WriteReport(reportsOpen, "blocked at", pushed);
                    pushed += await writing;
                }

                await w.WriteReport(reportsOpen, "pushed", pushed);
                return 0;
            });
            await libc.CloseAsync(dataOpen);
            await libc.CloseAsync(reportsOpen);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            await libc.Release(gateOpen);
            // The first report: the pusher is parked with a full pipe, or it pushed everything.
            report = await libc.ReadReport(reports) ?? "no report";
            growth = GC.GetTotalMemory(forceFullCollection: true) - before;
            // The pusher is still parked (it keeps its read end for the probes): it ends here.
            await libc.KillAsync(pid, Signal.SIGKILL);
            pusher = (await libc.Wait4Async(pid)).Status;
            return 0;
        });
        Output.WriteLine($"first report of the pusher: {report}; host heap growth: {growth} bytes");
        Assert.Equal($"blocked at {PipeCapacity}", report);
        Assert.True(growth < Allowed, $"the host's managed heap grew by {growth / 1024} KiB while a writer tried to push {Goal >> 20} MiB into a pipe nobody reads");
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, coreDumped: false), pusher);
    }
}
