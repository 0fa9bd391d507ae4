using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// What a parent gives the policy of a new child: the child's setup, its config ROM, the parent's local services,
/// and what the child may pull through its clone session.
/// </summary>
internal sealed record ForkedChildSetup(
    ProcessSetup Child,
    string ConfigRom,
    IActorRef CloneService,
    IReadOnlyDictionary<string, IActorRef> RomServices,
    Quota StartQuota,
    MemoryImage Image,
    IReadOnlyList<InheritedDescriptor> Descriptors);

/// <summary>A child init takes over: it already runs (or has ended), so it gets no config and no clone session.</summary>
internal sealed record AdoptedChildSetup(int Pid, string Name, IActorRef Process, int ParentPid, IReadOnlyDictionary<string, IActorRef> RomServices);
