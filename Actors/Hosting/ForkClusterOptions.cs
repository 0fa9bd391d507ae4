using Akka.Actor;
using Microsoft.Extensions.Configuration;

namespace Fork.Actors;

/// <summary>
/// The node's place in a cluster of hosts, bound from <c>Fork:Cluster</c>: without that section the host is one node
/// with no remoting. With it, the host listens on <see cref="Hostname"/>:<see cref="Port"/>, joins
/// <see cref="SeedNodes"/> (or itself, a one-node cluster, when there are none) and takes <see cref="Roles"/>.
/// </summary>
public sealed class ForkClusterOptions
{
    public const string Key = "Cluster";

    /// <summary>The section's path under the configuration's root: <c>Fork:Cluster</c>.</summary>
    public const string Section = $"{ForkHostOptions.Section}:{Key}";

    /// <summary>The protocol of a seed node's address (Akka's classic DotNetty TCP transport).</summary>
    public const string Protocol = "akka.tcp";

    /// <summary>The name of the host's actor system, part of every node's address.</summary>
    public const string SystemName = "fork";

    /// <summary>The TCP port to listen on, 0-65535; 0 (the default) takes any free port.</summary>
    public int Port { get; set; }

    /// <summary>The address to bind (<c>127.0.0.1</c> by default).</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>The host name other nodes reach this one by, part of its address (<c>127.0.0.1</c> by default).</summary>
    public string PublicHostname { get; set; } = "127.0.0.1";

    /// <summary>The nodes to join, each <c>akka.tcp://fork@HOST:PORT</c>; none (the default) joins this node itself.</summary>
    public List<string> SeedNodes { get; set; } = [];

    /// <summary>
    /// The node's roles; <see cref="EffectiveRoles"/> is <c>["fork-host"]</c> when none is configured (a bound list
    /// adds to its initial items, so the default is not one).
    /// </summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>How often a node sends heartbeats to those it monitors; Akka's default (1 s) when unset.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>How long heartbeats may be missing before a node is unreachable; Akka's default (3 s) when unset.</summary>
    public TimeSpan? AcceptableHeartbeatPause { get; set; }

    /// <summary>
    /// How long membership must be stable before the split brain resolver (keep-majority) downs the unreachable side;
    /// Akka's default (20 s) when unset.
    /// </summary>
    public TimeSpan? StableAfter { get; set; }

    /// <summary>
    /// How long the host waits for this node to be Up in its cluster before it runs init (30 s by default). A node that is
    /// not Up by then logs one warning and runs init anyway: its forks onto other nodes fail with EHOSTUNREACH until it is.
    /// </summary>
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The options of a <c>Fork</c> section's <c>Cluster</c> section, or null when it has none (one node, no remoting).</summary>
    public static ForkClusterOptions? From(IConfiguration forkSection)
    {
        var cluster = forkSection.GetSection(Key);
        return cluster.Exists() ? cluster.Get<ForkClusterOptions>() ?? new ForkClusterOptions() : null;
    }

    /// <summary>The roles the node takes: <see cref="Roles"/>, or <c>fork-host</c> alone.</summary>
    public IReadOnlyList<string> EffectiveRoles => Roles.Count > 0 ? Roles : [ForkCluster.HostRole];

    /// <summary>The problems of these options, each a sentence naming its key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Port is < 0 or > 65535) problems.Add($"{Section}:Port must be 0-65535, 0 for any free port (was {Port}).");
        if (string.IsNullOrWhiteSpace(Hostname)) problems.Add($"{Section}:Hostname must name the address to bind.");
        if (string.IsNullOrWhiteSpace(PublicHostname)) problems.Add($"{Section}:PublicHostname must name the host other nodes reach this one by.");
        for (var i = 0; i < SeedNodes.Count; i++)
        {
            if (SeedProblem(SeedNodes[i]) is { } problem) problems.Add($"{Section}:SeedNodes:{i} {problem} (was \"{SeedNodes[i]}\").");
        }

        for (var i = 0; i < Roles.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Roles[i])) problems.Add($"{Section}:Roles:{i} must not be empty.");
        }

        Positive(HeartbeatInterval, nameof(HeartbeatInterval));
        Positive(AcceptableHeartbeatPause, nameof(AcceptableHeartbeatPause));
        Positive(StableAfter, nameof(StableAfter));
        Positive(JoinTimeout, nameof(JoinTimeout));
        if (AcceptableHeartbeatPause is { } pause && pause <= (HeartbeatInterval ?? TimeSpan.FromSeconds(1)) && pause > TimeSpan.Zero)
            problems.Add($"{Section}:AcceptableHeartbeatPause must be longer than the heartbeat interval (was {pause}).");
        return problems;

        void Positive(TimeSpan? value, string key)
        {
            if (value <= TimeSpan.Zero) problems.Add($"{Section}:{key} must be positive (was {value}).");
        }
    }

    /// <summary>Why <paramref name="seed"/> is no seed node's address, or null.</summary>
    private static string? SeedProblem(string seed)
    {
        if (!Address.TryParse(seed, out var address) || address.Host is null || address.Port is null)
            return $"must be an address {Protocol}://{SystemName}@HOST:PORT";
        if (address.Protocol != Protocol) return $"must use the protocol {Protocol}";
        if (address.System != SystemName) return $"must name the actor system {SystemName}";
        return null;
    }
}
