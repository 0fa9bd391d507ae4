using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>Everything a process's actor is created with; the rest it learns from its config ROM.</summary>
internal sealed record ProcessSetup(
    int Pid,
    int Ppid,
    int Pgid,
    string Name,
    IActorRef Policy,
    IActorRef Core,
    IActorRef FileSystem,
    ProgramEntry Entry,
    RuntimeContext Runtime,
    IReadOnlyDictionary<Signal, Action<Signal>> Handlers)
{
    public bool IsInit => Pid == 1;
}

/// <summary>What every process of a namespace shares: read-only options, the program registry and init's image.</summary>
internal sealed record RuntimeContext(ForkRuntimeOptions Options, ProgramRegistry Programs, ProcessOptions InitImage);
