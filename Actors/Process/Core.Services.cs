using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// The services at the root of the namespace: init's ROMs (its config and loaded objects), LOG (to ILogger,
// labelled with the full path in the tree), Timer and RTC (from the injected TimeProvider).
internal sealed partial class Core
{
    private readonly Dictionary<long, string> _logLabels = [];
    private readonly Dictionary<long, ITimer> _timers = [];
    private long _nextSession;
    private long _nextTimer;

    private void ReceiveServices()
    {
        Receive<SessionRequest>(Handle);
        Receive<LogWrite>(write =>
        {
            if (_logLabels.TryGetValue(write.SessionId, out var label)) Log.Line(_log, label, write.Text);
        });
        Receive<SessionClose>(close => _logLabels.Remove(close.SessionId));
        Receive<TimerSleep>(Handle);
        Receive<TimerDue>(due =>
        {
            if (_timers.Remove(due.Timer, out var timer)) timer.Dispose();
            due.ReplyTo.Tell(new TimerFired(due.RequestId));
        });
        Receive<RtcRead>(_ => Sender.Tell(new RtcTime(_options.Time.GetUtcNow())));
    }

    private void Handle(SessionRequest request)
    {
        var label = Labels.Prefix("init", request.Label);
        switch (request.Service)
        {
            case Services.Rom:
                var name = Labels.Last(label);
                if (name == "config") Sender.Tell(new RomDataspace("config", _initConfig));
                else if (_setup.Runtime.InitImage.LoadedObjects.Contains(name)) Sender.Tell(new RomDataspace(name, $"ELF {name}"));
                else Sender.Tell(new SessionDenied(request.Service, label, $"no ROM module \"{name}\""));
                break;
            case Services.Log:
                var id = ++_nextSession;
                _logLabels[id] = label;
                Sender.Tell(new SessionGranted(request.Service, label, id, Self));
                break;
            case Services.Timer or Services.Rtc:
                Sender.Tell(new SessionGranted(request.Service, label, ++_nextSession, Self));
                break;
            default:
                Sender.Tell(new SessionDenied(request.Service, label, $"no service \"{request.Service}\" in this namespace"));
                break;
        }
    }

    private void Handle(TimerSleep sleep)
    {
        var id = ++_nextTimer;
        var due = new TimerDue(id, Sender, sleep.RequestId);
        var self = Self;
        _timers[id] = _options.Time.CreateTimer(_ => self.Tell(due), null, sleep.Duration, Timeout.InfiniteTimeSpan);
    }

    private sealed record TimerDue(long Timer, IActorRef ReplyTo, long RequestId);
}
