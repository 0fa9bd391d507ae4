using Akka.Actor;

namespace Fork.Actors;

/// <summary>
/// A slot of a process's descriptor table: the open file description it refers to, and the actor its program's reads
/// and writes go to (a pipe's own actor; null: the namespace's file system, for files and devices).
/// </summary>
internal sealed record Descriptor(long Description, bool CloseOnExec, IActorRef? Server = null);
