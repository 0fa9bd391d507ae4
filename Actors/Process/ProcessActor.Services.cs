using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// Genode's Parent_services: a child's request for a service the parent does not serve itself goes to the
// parent's own parent, through one ParentService per service name, created on demand.
internal sealed partial class ProcessActor
{
    private readonly Dictionary<string, IActorRef> _parentServices = new(StringComparer.Ordinal);

    private void ForwardToParentService(SessionRequest request)
    {
        if (!_parentServices.TryGetValue(request.Service, out var service))
        {
            service = Context.ActorOf(ParentService.Props(Pid, request.Service, _policy), $"parent-{Uri.EscapeDataString(request.Service)}");
            _parentServices[request.Service] = service;
        }

        service.Forward(request);
    }
}
