namespace Fork.Actors;

/// <summary>What a trace record shows: a message received, a reply received, or an actor's change of state.</summary>
public enum TraceKind
{
    /// <summary>A request or notification, drawn as a solid arrow.</summary>
    Message,

    /// <summary>An answer to a request (a granted session, a ROM, a chunk, a call's result), drawn dashed.</summary>
    Reply,

    /// <summary>The receiver changed its behaviour (<c>StartingUp → Running</c>); <see cref="TraceRecord.Sender"/> is the receiver too.</summary>
    State,
}

/// <summary>
/// One entry of the <c>Fork.Trace</c> stream, as the runtime knows it when the message is received: who sent it and who
/// got it, named by role and pid (<c>ForkedChild 2</c>, <c>CloneService 1</c>, <c>Libc 1</c>, <c>Core</c>, <c>fs</c>), the
/// receiver's behaviour, the message's type and a readable rendering of it, and the fork it belongs to, if any.
/// </summary>
/// <param name="Sequence">The order in which the actor system's runtime actors received their messages (1, 2, ...).</param>
/// <param name="Kind">Message, reply or change of state.</param>
/// <param name="Sender">The sender's participant name; for a change of state, the actor that changed.</param>
/// <param name="Receiver">The receiver's participant name.</param>
/// <param name="Behaviour">The receiver's behaviour when it received the message; for a change of state, the new one.</param>
/// <param name="MessageType">The message's type name (<c>ForkRequest</c>); empty for a change of state.</param>
/// <param name="Text">The message rendered on one line (byte payloads as their length and a short preview, collections
/// by count, actors by participant name); for a change of state, <c>StartingUp → Running</c>.</param>
/// <param name="Fork">The correlation id of the fork the record belongs to (<c>1.1</c>: the first fork of pid 1), or null.</param>
public sealed record TraceRecord(long Sequence, TraceKind Kind, string Sender, string Receiver, string Behaviour, string MessageType, string Text, string? Fork);
