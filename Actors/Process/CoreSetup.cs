using Fork.Messages;

namespace Fork.Actors;

/// <summary>What a pid namespace starts from: the runtime, init's program, and where init's status goes.</summary>
internal sealed record CoreSetup(RuntimeContext Runtime, ProgramEntry Init, TaskCompletionSource<WaitStatus> Done)
{
    /// <summary>The namespace's process table, made by the runtime so that it can show the namespace's processes.</summary>
    public ProcessTable? Table { get; init; }
}
