using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// The services at the root of the namespace: init's ROMs (its config and loaded objects), LOG (to ILogger,
// labelled with the full path in the tree), Timer and RTC (from the injected TimeProvider).
internal sealed partial class Core
{
    private readonly Dictionary<long, string> _logLabels = [];
    private readonly Dictionary<long, ITimer> _timers = [];
    // The sleep each call waits in, by the call's reply reference (equal by path, so compared by reference).
    private readonly Dictionary<IActorRef, TimerDue> _sleeps = new(ReferenceEqualityComparer.Instance);
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
        Receive<TimerDue>(Handle);
        Receive<Interrupt>(_ => InterruptSleep(Sender));
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
                else if (name == ProcessOptions.BinaryObject) Sender.Tell(new RomDataspace(name, $"ELF {_setup.Runtime.InitImage.Binary}"));
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

    /// <summary>
    /// A sleep of any length: its deadline is kept (at most the clock's last instant), and a timer is armed for at
    /// most <see cref="LongestTimer"/> at a time and armed again until the deadline has passed.
    /// </summary>
    private void Handle(TimerSleep sleep)
    {
        var now = _options.Time.GetUtcNow();
        var duration = sleep.Duration < TimeSpan.Zero ? TimeSpan.Zero : sleep.Duration;
        var deadline = duration >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + duration;
        var due = new TimerDue(++_nextTimer, Sender, sleep.RequestId, deadline);
        _sleeps[Sender] = due;
        Arm(due, duration);
    }

    private void Handle(TimerDue due)
    {
        if (_timers.Remove(due.Timer, out var timer)) timer.Dispose();
        else return; // interrupted meanwhile
        var left = due.Deadline - _options.Time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            Arm(due, left);
            return;
        }

        if (_sleeps.TryGetValue(due.ReplyTo, out var sleeping) && ReferenceEquals(sleeping, due)) _sleeps.Remove(due.ReplyTo);
        due.ReplyTo.Tell(new TimerFired(due.RequestId));
    }

    /// <summary>A caught signal (or the sleeper's end) interrupts a sleep: its timer is disarmed and the sleep answered.</summary>
    private void InterruptSleep(IActorRef call)
    {
        if (!_sleeps.Remove(call, out var due)) return;
        if (_timers.Remove(due.Timer, out var timer)) timer.Dispose();
        call.Tell(Interrupted.Nothing);
    }

    private void Arm(TimerDue due, TimeSpan left)
    {
        var self = Self;
        var wait = left > LongestTimer ? LongestTimer : left;
        _timers[due.Timer] = _options.Time.CreateTimer(_ => self.Tell(due), null, wait, Timeout.InfiniteTimeSpan);
    }

    /// <summary>.NET timers take at most 0xfffffffe ms (about 49.7 days); a longer due time throws.</summary>
    internal static readonly TimeSpan LongestTimer = TimeSpan.FromDays(30);

    /// <summary>The core's own timer firing (a self-message: it never leaves the core's node).</summary>
    private sealed record TimerDue(long Timer, IActorRef ReplyTo, long RequestId, DateTimeOffset Deadline) : INoSerializationVerificationNeeded;
}
