using Akka.Actor;

namespace Fork.Actors;

/// <summary>A read of an empty pipe that waits for data or EOF; answered to <paramref name="ReplyTo"/>.</summary>
internal sealed record ParkedRead(IActorRef ReplyTo, int Pid, int Count);
