using System.Collections.Concurrent;
using Akka.Actor;

namespace Fork.Actors;

/// <summary>
/// The pid namespaces whose core runs on this actor system, by core: what this node's <see cref="ForkSpawner"/> needs to
/// give a process that a parent on another node places back here, beside its namespace, the same footing as its
/// siblings (the namespace's table, its servers, init's account and the namespace's runtime).
/// </summary>
/// <remarks>
/// Per actor system (an extension), so two nodes in one .NET process never see each other's namespaces. It holds only
/// references to what the namespace already shares between its processes and its core: a core adds its namespace when it
/// starts and removes it when it stops; the spawner only reads.
/// </remarks>
internal sealed class HomeNamespaces : IExtension
{
    private readonly ConcurrentDictionary<IActorRef, NamespaceHome> _homes = new();

    public static HomeNamespaces For(ActorSystem system) => system.WithExtension<HomeNamespaces, HomeNamespacesProvider>();

    public void Add(IActorRef core, NamespaceHome home) => _homes[core] = home;

    public void Remove(IActorRef core) => _homes.TryRemove(core, out _);

    /// <summary>The namespace of <paramref name="core"/> when that core runs on this actor system, else null.</summary>
    public NamespaceHome? Find(IActorRef core) => _homes.GetValueOrDefault(core);
}

/// <summary>What a process beside its namespace shares with its siblings and its core.</summary>
internal sealed record NamespaceHome(ProcessTable Table, LocalServers Servers, QuotaAccount Root, RuntimeContext Runtime);

internal sealed class HomeNamespacesProvider : ExtensionIdProvider<HomeNamespaces>
{
    public override HomeNamespaces CreateExtension(ExtendedActorSystem system) => new();
}
