using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// Genode's Parent_services: a child's request for a service the parent does not serve itself goes to the
// parent's own parent, through one ParentService per service name, created on demand.
internal sealed partial class ProcessActor
{
    private readonly Dictionary<string, IActorRef> _parentServices = new(StringComparer.Ordinal);

    private List<string>? _unloggedLines;

    /// <summary>The LOG session is opened with the first line (a parent service expanded on demand); lines wait for it in order.</summary>
    private void Handle(LogLine line)
    {
        if (_logSession is { } session)
        {
            session.Write(line.Text);
            return;
        }

        if (_unloggedLines is null)
        {
            _unloggedLines = [];
            _policy.Tell(new SessionRequest(Services.Log, "", Quota.Zero));
        }

        _unloggedLines.Add(line.Text);
    }

    private void HandleLog(SessionGranted granted)
    {
        _logSession = new LogSession(granted.SessionId, granted.Session)
        {
            PartLength = granted.Session.Path.Address.HasGlobalScope ? ForkSerializer.BytesPerFrame(Context.System) / 3 : int.MaxValue,
        };
        foreach (var text in _unloggedLines ?? []) _logSession.Write(text);
        _unloggedLines = null;
    }

    /// <summary>No LOG session: the lines waiting for it are dropped (said once, as a warning); the next line asks again.</summary>
    private void LogDenied(SessionDenied denied)
    {
        Log.LogDenied(_log, Pid, denied.Reason);
        _unloggedLines = null;
    }

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
