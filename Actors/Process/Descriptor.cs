using Akka.Actor;

namespace Fork.Actors;

/// <summary>
/// A slot of a process's descriptor table: the open file description it refers to, and where its program's reads and
/// writes go: the actor that serves it (a pipe's or an open file's; null: the namespace's file system), and that
/// actor's object when the program may call it directly (<see cref="IDirectServer"/>).
/// </summary>
internal sealed record Descriptor(long Description, bool CloseOnExec, IActorRef? Server = null, IDirectServer? Direct = null);
