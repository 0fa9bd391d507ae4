using Akka.Actor;
using Akka.Configuration;
using Fork.Actors;

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
          failure-detector { heartbeat-interval = 250ms, acceptable-heartbeat-pause = 2s }
          split-brain-resolver.stable-after = 2s
          down-removal-margin = 1s
          gossip-interval = 200ms
          leader-actions-interval = 200ms
        }
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.phases.cluster-exiting.timeout = 2s
        """).WithFallback(ForkSerializer.Configuration));
}
