namespace Fork.Actors;

// The nodes of the runtime's cluster that can run its processes: where placement may put a fork.
public sealed partial class ForkRuntime
{
    /// <summary>
    /// The addresses of the cluster's members with the role <c>fork-host</c> that are Up and reachable, this node's own
    /// among them when it has that role; none when the runtime's actor system is not a cluster node.
    /// </summary>
    public IReadOnlyList<Akka.Actor.Address> ForkHosts() => ForkCluster.Hosts(System);
}
