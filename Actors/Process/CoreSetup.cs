using Fork.Messages;

namespace Fork.Actors;

/// <summary>What a pid namespace starts from: the runtime, init's program, and where init's status goes.</summary>
internal sealed record CoreSetup(RuntimeContext Runtime, ProgramEntry Init, TaskCompletionSource<WaitStatus> Done);
