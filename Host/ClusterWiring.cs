using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Fork.Actors;
using Microsoft.Extensions.Configuration;

namespace Fork.Host;

/// <summary>
/// Makes the host's actor system a cluster node when the configuration has a <c>Fork:Cluster</c> section: classic
/// DotNetty remoting on its hostname and port, the cluster with its roles and seed nodes (or itself, a one-node cluster,
/// when there are none), the split brain resolver's keep-majority strategy, failure detection as configured, and the
/// runtime's serializer (<see cref="ForkSerializer"/>) for the messages that cross nodes.
/// </summary>
internal static class ClusterWiring
{
    public static AkkaConfigurationBuilder WithForkCluster(this AkkaConfigurationBuilder akka, IConfiguration forkSection)
    {
        if (ForkClusterOptions.From(forkSection) is not { } options) return akka;
        var failureDetector = options.HeartbeatInterval is null && options.AcceptableHeartbeatPause is null
            ? null
            : new PhiAccrualFailureDetectorOptions { HeartbeatInterval = options.HeartbeatInterval, AcceptableHeartbeatPause = options.AcceptableHeartbeatPause };
        akka.WithRemoting(options.Hostname, options.Port, options.PublicHostname)
            .WithClustering(new ClusterOptions
            {
                Roles = [.. options.EffectiveRoles],
                SeedNodes = options.SeedNodes.Count > 0 ? [.. options.SeedNodes] : null,
                SplitBrainResolver = new KeepMajorityOption(),
                FailureDetector = failureDetector,
            });
        // Messages that cross nodes go through the runtime's own serializer.
        akka.AddHocon(ForkSerializer.Configuration, HoconAddMode.Prepend);
        if (options.StableAfter is { } stableAfter)
            akka.AddHocon($"akka.cluster.split-brain-resolver.stable-after = {(long)stableAfter.TotalMilliseconds}ms", HoconAddMode.Prepend);
        // Without seed nodes the node is its own seed; its address is known only once it is bound (port 0: any free port).
        if (options.SeedNodes.Count == 0)
            akka.AddStartup((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));
        return akka;
    }
}
