using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>Genode's <c>Parent_service</c>: forwards a child's request for one service to the parent's own parent.</summary>
internal sealed class ParentService : TracedActor
{
    private readonly int _pid;
    private IActorRef _policy;

    public ParentService(int pid, string service, IActorRef policy)
    {
        _pid = pid;
        _policy = policy;
        Receive<SessionRequest>(r => r.Service == service, r => _policy.Forward(r));
        Receive<SessionRequest>(r => Sender.Tell(new SessionDenied(r.Service, r.Label, $"this parent service forwards only \"{service}\"")));
        Receive<PolicyChanged>(changed => _policy = changed.Policy);
    }

    protected override int TracePid => _pid;

    public static Props Props(int pid, string service, IActorRef policy) =>
        FactoryProps.Of(() => new ParentService(pid, service, policy));
}
