using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

/// <summary>
/// Base of every runtime actor: each message received is logged at Debug under
/// <see cref="ForkTracing.TraceCategory"/> with sender, receiver, pid and current behaviour.
/// Handlers are registered as with Akka's ReceiveActor (<c>Receive&lt;Wait4&gt;(Handle)</c>, <c>BecomeNamed</c>), but a
/// behaviour is a plain list of handlers: switching states on the fork path costs a list, not a compiled matcher. A state
/// that every live process sits in is written as one method (a <c>switch</c> over the message) instead: a list holds a
/// delegate or two per handler for as long as the state lasts, kilobytes per process.
/// </summary>
internal abstract class TracedActor : UntypedActor
{
    private readonly ILogger _trace;
    private readonly ForkTracing _tracing;
    private static readonly List<Func<object, bool>> NoHandlers = [];
    private List<Func<object, bool>> _handlers = [];
    private Func<object, bool>? _state;
    private TraceParticipant? _participant;

    protected TracedActor()
    {
        _tracing = ForkTracing.For(Context.System);
        _trace = _tracing.LoggerFactory.CreateLogger(ForkTracing.TraceCategory);
    }

    /// <summary>The pid this actor works for (0 where none, e.g. a namespace's core).</summary>
    protected abstract int TracePid { get; }

    /// <summary>The name the trace gives this actor: its role and pid (<c>ForkedChild 2</c>), or its role alone where it has no pid.</summary>
    protected virtual string TraceName => TracePid > 0 ? $"{GetType().Name} {TracePid}" : GetType().Name;

    /// <summary>
    /// The fork this actor is part of now (a booting child and its policy), or null: the correlation id of what it
    /// receives, and of what it sends to actors that are not part of that fork themselves.
    /// </summary>
    protected string? TraceFork
    {
        get => _participant?.Fork;
        set
        {
            if (_participant is not null) _participant.Fork = value;
        }
    }

    /// <summary>The fork a received message belongs to, when the message itself says (a fork request, a child ready).</summary>
    protected virtual string? TraceForkOf(object message) => null;

    /// <summary>While the trace is on: where this actor's trace goes, for the calls of a program it runs.</summary>
    protected (ForkTracing Tracing, ILogger Logger)? TraceSink => _participant is null ? null : (_tracing, _trace);

    /// <summary>The name of the current behaviour, as set by <see cref="BecomeNamed"/>.</summary>
    protected string Behaviour { get; private set; } = "Serving";

    /// <summary>Replace the current behaviour by the handlers <paramref name="receives"/> registers.</summary>
    protected void BecomeNamed(string behaviour, Action receives)
    {
        Changed(behaviour);
        _state = null;
        // Sized for the largest behaviour, so building one never grows the list.
        _handlers = new List<Func<object, bool>>(24);
        receives();
    }

    /// <summary>
    /// Replace the current behaviour by <paramref name="state"/>, which answers whether it handled a message; what it does
    /// not handle goes to the handlers <paramref name="receives"/> registers, if any.
    /// </summary>
    protected void BecomeNamed(string behaviour, Func<object, bool> state, Action? receives = null)
    {
        Changed(behaviour);
        _state = state;
        _handlers = NoHandlers;
        if (receives is null) return;
        _handlers = [];
        receives();
    }

    private void Changed(string behaviour)
    {
        var before = Behaviour;
        Behaviour = behaviour;
        if (_participant is { } self && before != behaviour) _tracing.StateChanged(_trace, self, $"{before} → {behaviour}", behaviour);
    }

    protected void Receive<T>(Action<T> handle) => _handlers.Add(message =>
    {
        if (message is not T typed) return false;
        handle(typed);
        return true;
    });

    protected void Receive<T>(Predicate<T> when, Action<T> handle) => _handlers.Add(message =>
    {
        if (message is not T typed || !when(typed)) return false;
        handle(typed);
        return true;
    });

    /// <summary>A handler written as one method: it answers whether it handled the message.</summary>
    protected void Receive(Func<object, bool> handle) => _handlers.Add(handle);

    protected void ReceiveAny(Action<object> handle) => _handlers.Add(message =>
    {
        handle(message);
        return true;
    });

    protected sealed override void OnReceive(object message)
    {
        if (_state is { } state && state(message)) return;
        foreach (var handler in _handlers)
        {
            if (handler(message)) return;
        }

        Unhandled(message);
    }

    public override void AroundPreStart()
    {
        if (_tracing.Tracing(_trace)) Enter();
        base.AroundPreStart();
    }

    public override void AroundPostStop()
    {
        try
        {
            base.AroundPostStop();
        }
        finally
        {
            if (_participant is not null) _tracing.Leave(Self.Path);
        }
    }

    /// <summary>
    /// Appear in the trace under <see cref="TraceName"/> (or the name the actor that made this one announced), with the
    /// behaviour this actor starts in.
    /// </summary>
    private void Enter()
    {
        _participant = _tracing.Join(Self.Path, TraceName);
        OnTraceEntered();
        if (Behaviour != "Serving") _tracing.StateChanged(_trace, _participant, Behaviour, Behaviour);
    }

    /// <summary>Called when the trace is on and this actor has its name: the place to say which fork it is part of.</summary>
    protected virtual void OnTraceEntered()
    {
    }

    /// <summary>
    /// While the trace is on: name <paramref name="actor"/>, just made, before it starts, with the fork it is part of, so
    /// that messages sent on its behalf before it runs are traced under its name.
    /// </summary>
    protected void TraceAnnounce(IActorRef actor, string name, string? fork)
    {
        if (_participant is not null) _tracing.Join(actor.Path, name).Fork = fork;
    }

    /// <summary>The fork <paramref name="actor"/> is part of now, as the trace knows it.</summary>
    protected string? TraceForkOfActor(IActorRef actor) => _participant is null ? null : _tracing.Find(actor.Path)?.Fork;

    protected override bool AroundReceive(Receive receive, object message)
    {
        if (_participant is { } self)
        {
            var fork = _tracing.Received(_trace, Sender, self.Name, Behaviour, message, TraceForkOf(message) ?? self.Fork);
            // A call of a program names the fork it started, so the answer it gets is part of that fork too.
            if (fork is not null && Sender is LibcCall call) call.TraceFork = fork;
        }

        return base.AroundReceive(receive, message);
    }
}
