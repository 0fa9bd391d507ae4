using Akka.Cluster;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// The built-in <c>spread</c>: its workers (<c>spread-worker</c>, a built-in on every node) run on another fork host, sum
/// the slices of the numbers their parent wrote before the fork, and report through a pipe; spread waits, bounded, for
/// another fork host to come up. Nodes are on 127.0.0.1, port 0; every wait is bounded.
/// </summary>
public sealed class SpreadSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Spread_runs_its_workers_on_the_other_node_and_logs_their_sums_as_right()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var log = Recording(nodes.First);

        var status = await nodes.Parent.RunAsync("spread", new ProcessOptions().WithArgs("spread", "2")).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), status);
        var second = nodes.SecondAddress;
        Assert.Contains($"[init] spread: 2 workers on {second} (exit 0 0) summed 1..2000: 500500 + 1500500 = 2001000, right", log.Lines);
        Assert.Contains($"[init -> 3] spread-worker 1: pid 3 on {second} summed 1000 numbers: 1500500", log.Lines);
    }

    [Fact]
    public async Task Spread_waits_for_a_fork_host_that_comes_up_after_it_started()
    {
        var first = ClusterNodes.Node();
        var second = ClusterNodes.Node();
        try
        {
            await using var parent = ForkRuntime.Create(first);
            await using var host = ForkRuntime.Create(second);
            var log = Recording(first);
            Cluster.Get(first).Join(Cluster.Get(first).SelfAddress);

            var run = parent.RunAsync("spread", new ProcessOptions().WithArgs("spread", "1", "30"));
            await AwaitConditionAsync(() => Task.FromResult(log.Lines.Any(l => l.StartsWith("[init] spread: waiting up to 30 s", StringComparison.Ordinal))), Bound);
            Cluster.Get(second).Join(Cluster.Get(first).SelfAddress);

            Assert.Equal(WaitStatus.FromExit(0), await run.WaitAsync(Bound));
            Assert.Contains(log.Lines, l => l.StartsWith($"[init] spread: 1 workers on {Cluster.Get(second).SelfAddress} (exit 0)", StringComparison.Ordinal) && l.EndsWith(", right", StringComparison.Ordinal));
        }
        finally
        {
            await Task.WhenAll(first.Terminate(), second.Terminate()).WaitAsync(Bound);
        }
    }

    // One node, no cluster: no other fork host ever comes. Spread backs off (0.1 s, then the 0.2 s left) and gives up.
    [Fact]
    public async Task Without_another_fork_host_spread_gives_up_after_its_bound_with_one_sentence_and_exit_1()
    {
        await using var runtime = ForkRuntime.Create();
        var log = Recording(runtime.System);

        var status = await runtime.RunAsync("spread", new ProcessOptions().WithArgs("spread", "2", "0.3")).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(1), status);
        var failure = Assert.Single(log.Lines, l => l.Contains("took worker", StringComparison.Ordinal));
        Assert.Equal(
            "[init] spread: no fork host other than akka://fork took worker 0 within 0.3 s " +
            "(EHOSTUNREACH: there is no fork host other than this node (akka://fork) that is up and reachable).", failure);
        Assert.Contains("[init] spread: waiting up to 0.3 s for a fork host other than akka://fork", log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.Contains(", right", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("three")]
    [InlineData("3", "soon")]
    [InlineData("3", "30", "more")]
    public async Task Spread_with_bad_arguments_says_how_to_call_it_and_exits_2(params string[] operands)
    {
        await using var runtime = ForkRuntime.Create();
        var log = Recording(runtime.System);

        var status = await runtime.RunAsync("spread", new ProcessOptions().WithArgs(["spread", .. operands])).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(2), status);
        Assert.StartsWith("[init] usage: spread [WORKERS", Assert.Single(log.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_not_started_by_spread_says_so_and_exits_2()
    {
        await using var runtime = ForkRuntime.Create();
        var log = Recording(runtime.System);

        var status = await runtime.RunAsync("spread-worker").WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(2), status);
        Assert.EndsWith("must be set: it is run by spread", Assert.Single(log.Lines), StringComparison.Ordinal);
    }

    private static RecordingLoggerProvider Recording(Akka.Actor.ActorSystem system)
    {
        var lines = new RecordingLoggerProvider();
        ForkTracing.Use(system, LoggerFactory.Create(b => b.AddProvider(lines)));
        return lines;
    }
}
