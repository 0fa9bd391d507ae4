using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Fork.Actors;
using Akka.TestKit;
using Xunit;

namespace Fork.Tests;

/// <summary>Cluster nodes for specs: each an actor system of its own in this process, on 127.0.0.1 and any free port.</summary>
internal static class ClusterNodes
{
    /// <summary>A node with <paramref name="role"/>, the runtime's serializer and failure detection quick enough for a spec.</summary>
    public static ActorSystem Node(string role = ForkCluster.HostRole) => ActorSystem.Create("fork", ConfigurationFactory.ParseString($$"""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster {
          roles = ["{{role}}"]
          # Quick, but not so quick that a node of a suite sharing two cores is thought unreachable (a fork host that is not
          # reachable is EHOSTUNREACH at once): specs lose nodes by Cluster.Down, not by the failure detector.
          failure-detector { heartbeat-interval = 250ms, acceptable-heartbeat-pause = 6s }
          split-brain-resolver.stable-after = 2s
          down-removal-margin = 1s
          gossip-interval = 200ms
          leader-actions-interval = 200ms
        }
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.phases.cluster-exiting.timeout = 2s
        """).WithFallback(ForkSerializer.Configuration));

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Two fork hosts joined in a cluster, a runtime on each, each seeing both as fork hosts.</summary>
    public static async Task<Pair> Two(TestKitBase kit)
    {
        var first = Node();
        var second = Node();
        // A spawner's answer may be slow while the whole suite shares two cores: a spec waits for it as long as for the rest.
        var options = new ForkRuntimeOptions { SpawnTimeout = Bound };
        var nodes = new Pair(first, second, ForkRuntime.Create(first, options), ForkRuntime.Create(second, options));
        Cluster.Get(first).Join(Cluster.Get(first).SelfAddress);
        Cluster.Get(second).Join(Cluster.Get(first).SelfAddress);
        await kit.AwaitAssertAsync(() =>
        {
            foreach (var node in new[] { first, second })
                Assert.Equal(2, Cluster.Get(node).State.Members.Count(m => m.Status == MemberStatus.Up));
        }, Bound);
        await kit.AwaitAssertAsync(() =>
        {
            Assert.Equal(2, nodes.Parent.ForkHosts().Count);
            Assert.Equal(2, nodes.Host.ForkHosts().Count);
        }, Bound);
        return nodes;
    }

    /// <summary>The two nodes of a spec: disposing ends both runtimes, then both actor systems (a lost one again: it is a no-op).</summary>
    public sealed record Pair(ActorSystem First, ActorSystem Second, ForkRuntime Parent, ForkRuntime Host) : IAsyncDisposable
    {
        /// <summary>The first node's address: the namespace's node, where a child on the second may place its own.</summary>
        public Address FirstAddress => Cluster.Get(First).SelfAddress;

        /// <summary>The second node's address: where a spec places its children.</summary>
        public Address SecondAddress => Cluster.Get(Second).SelfAddress;

        public async ValueTask DisposeAsync()
        {
            await Parent.DisposeAsync();
            await Host.DisposeAsync();
            await Task.WhenAll(new[] { First, Second }.Select(s => s.Terminate().WaitAsync(Bound)));
        }
    }
}
