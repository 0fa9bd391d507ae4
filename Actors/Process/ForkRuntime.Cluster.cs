using Akka.Actor;
using Akka.Cluster;

namespace Fork.Actors;

// The nodes of the runtime's cluster that can run its processes: where placement may put a fork.
public sealed partial class ForkRuntime
{
    /// <summary>
    /// The addresses of the cluster's members with the role <c>fork-host</c> that are Up and reachable, this node's own
    /// among them when it has that role; none when the runtime's actor system is not a cluster node.
    /// </summary>
    public IReadOnlyList<Address> ForkHosts() => ForkCluster.Hosts(System);

    /// <summary>
    /// On a cluster node: the node's spawner (<see cref="ForkSpawner"/>), which creates the children that forks on other
    /// nodes place here, with this runtime's options and programs. One per actor system: a second runtime on the same
    /// system leaves the first one's in place.
    /// </summary>
    private void StartSpawner()
    {
        if (System is not ExtendedActorSystem { Provider: ClusterActorRefProvider } || System.WhenTerminated.IsCompleted) return;
        try
        {
            System.ActorOf(ForkSpawner.Props(new RuntimeContext(Options, Programs, new ProcessOptions())), ForkSpawner.Name);
        }
        catch (InvalidActorNameException)
        {
            // Another runtime of this system started it.
        }
    }
}
