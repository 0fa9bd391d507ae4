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
    private static readonly List<Func<object, bool>> NoHandlers = [];
    private List<Func<object, bool>> _handlers = [];
    private Func<object, bool>? _state;

    protected TracedActor()
    {
        _trace = ForkTracing.For(Context.System).LoggerFactory.CreateLogger(ForkTracing.TraceCategory);
    }

    /// <summary>The pid this actor works for (0 where none, e.g. a namespace's core).</summary>
    protected abstract int TracePid { get; }

    /// <summary>The name of the current behaviour, as set by <see cref="BecomeNamed"/>.</summary>
    protected string Behaviour { get; private set; } = "Serving";

    /// <summary>Replace the current behaviour by the handlers <paramref name="receives"/> registers.</summary>
    protected void BecomeNamed(string behaviour, Action receives)
    {
        Behaviour = behaviour;
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
        Behaviour = behaviour;
        _state = state;
        _handlers = NoHandlers;
        if (receives is null) return;
        _handlers = [];
        receives();
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

    protected override bool AroundReceive(Receive receive, object message)
    {
        if (_trace.IsEnabled(LogLevel.Debug))
        {
            Trace.Received(_trace, ActorName(Sender), Self.Path.Name, TracePid, GetType().Name, Behaviour, message);
        }

        return base.AroundReceive(receive, message);
    }

    private static string ActorName(IActorRef sender) =>
        sender.IsNobody() ? "nobody" : sender.Path.Elements.Count == 0 ? sender.Path.ToString() : sender.Path.Name;
}

internal static partial class Trace
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "{Sender} -> {Receiver} (pid {Pid}, {Actor}.{Behaviour}): {Message}")]
    public static partial void Received(ILogger logger, string sender, string receiver, int pid, string actor, string behaviour, object message);
}
