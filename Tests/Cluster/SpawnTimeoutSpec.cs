using Akka.Cluster;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary><see cref="ForkRuntimeOptions.SpawnTimeout"/>: how long a fork placed on another node waits for its spawner.</summary>
public sealed class SpawnTimeoutSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_spawn_timeout_that_is_not_positive_is_a_problem_naming_it()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), new ForkRuntimeOptions().SpawnTimeout);
        var problem = Assert.Single(new ForkRuntimeOptions { SpawnTimeout = TimeSpan.Zero }.Validate());
        Assert.StartsWith("SpawnTimeout must be positive", problem, StringComparison.Ordinal);
    }

    // The second node has the fork-host role but no runtime, so no spawner: nothing ever answers the fork.
    [Fact]
    public async Task A_fork_host_whose_spawner_does_not_answer_within_the_spawn_timeout_is_EHOSTUNREACH_and_the_fork_is_undone()
    {
        var first = ClusterNodes.Node();
        var second = ClusterNodes.Node();
        try
        {
            await using var parent = ForkRuntime.Create(first, new ForkRuntimeOptions { SpawnTimeout = TimeSpan.FromMilliseconds(300) });
            var silent = Cluster.Get(second).SelfAddress;
            Cluster.Get(first).Join(Cluster.Get(first).SelfAddress);
            Cluster.Get(second).Join(Cluster.Get(first).SelfAddress);
            await AwaitAssertAsync(() => Assert.Contains(silent, parent.ForkHosts()), Bound);

            PosixException? refused = null;
            var status = await parent.RunAsync(async libc =>
            {
                try
                {
                    await libc.ForkAsync(Child, ForkPlacement.OnNode(silent));
                    return 100;
                }
                catch (PosixException e)
                {
                    refused = e;
                }

                return (await libc.Wait4Async(-1, WaitOptions.WNOHANG)).Error == Errno.ECHILD ? 0 : 101;
            }).WaitAsync(Bound);

            Assert.Equal(WaitStatus.FromExit(0), status);
            Assert.Equal(Errno.EHOSTUNREACH, refused?.Errno);
            Assert.Contains($"the fork host {silent} did not answer within 0.3 s", refused!.Message, StringComparison.Ordinal);
        }
        finally
        {
            await Task.WhenAll(first.Terminate(), second.Terminate()).WaitAsync(Bound);
        }
    }

    private static Task<int> Child(Libc libc) => Task.FromResult(0);
}
