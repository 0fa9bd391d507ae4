using Akka.Actor;

namespace Fork.Bench;

/// <summary>The bare Akka.NET counterpart of a process that does nothing: an actor that handles no message.</summary>
internal sealed class IdleActor : UntypedActor
{
    public static readonly Props Props = Props.Create(() => new IdleActor());

    protected override void OnReceive(object message) => Unhandled(message);
}
