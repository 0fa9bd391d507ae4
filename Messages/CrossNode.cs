namespace Fork.Messages;

/// <summary>
/// A message that may travel between the nodes of a cluster (a child's process on one node, its policy, clone session,
/// ROM services, the namespace's core and file system on another). Every such record is bound, through this interface,
/// to the runtime's own serializer (<c>Fork.Actors.ForkSerializer</c>): compact, versioned, one manifest per type. A
/// message that never leaves its node implements <see cref="Akka.Actor.INoSerializationVerificationNeeded"/> instead.
/// </summary>
public interface ICrossNode;
