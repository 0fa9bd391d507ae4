using Akka.Actor;
using Akka.Cluster;

namespace Fork.Actors;

/// <summary>
/// What a runtime knows of its cluster: the nodes that can run forks. An actor system without the cluster provider is a
/// cluster of none (the runtime runs every process on its own node).
/// </summary>
public static class ForkCluster
{
    /// <summary>The role of a node that runs forked processes (a host's default role).</summary>
    public const string HostRole = "fork-host";

    /// <summary>
    /// The addresses of the members of <paramref name="system"/>'s cluster that have the role <see cref="HostRole"/>,
    /// are Up and are reachable from this node, in Akka's address order; none when the system has no cluster provider.
    /// A snapshot of this node's view of the cluster, which follows the membership as gossip reaches it.
    /// </summary>
    public static IReadOnlyList<Address> Hosts(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (system is not ExtendedActorSystem { Provider: ClusterActorRefProvider } || system.WhenTerminated.IsCompleted) return [];
        var state = Cluster.Get(system).State;
        return
        [
            .. state.Members
                .Where(m => m.Status == MemberStatus.Up && m.HasRole(HostRole) && !state.Unreachable.Contains(m))
                .Select(m => m.Address),
        ];
    }
}
