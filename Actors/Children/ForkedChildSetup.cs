using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// What a parent gives the policy of a new child: the child's setup, its config without descriptors (the file system
/// describes those to the policy), the descriptors it inherits, and the parent's local services.
/// </summary>
internal sealed record ForkedChildSetup(
    ProcessSetup Child,
    ChildConfig Config,
    IReadOnlyList<InheritedDescriptor> Descriptors,
    IActorRef CloneService,
    IReadOnlyDictionary<string, IActorRef> RomServices);

/// <summary>A child init takes over: it already runs (or has ended), so it gets no config and no clone session.</summary>
internal sealed record AdoptedChildSetup(int Pid, string Name, IActorRef Process, int ParentPid, IReadOnlyDictionary<string, IActorRef> RomServices)
{
    /// <summary>The namespace's core, told when the process is lost with its node (none: the loss is reported at once).</summary>
    public IActorRef Core { get; init; } = ActorRefs.Nobody;
}
