using Akka.Actor;

namespace Fork.Messages;

/// <summary>The program sends a signal (kill); answered by LibcOk or LibcError.</summary>
public sealed record KillProcess(int Pid, Signal Signal) : ILibcRequest;

/// <summary>A signal arrives at a process (from the core, after kill resolved its targets).</summary>
public sealed record DeliverSignal(Signal Signal, int FromPid) : ICrossNode;

/// <summary>
/// The program set a signal's disposition: caught (a handler), ignored (SIG_IGN) or neither (the default action). Program
/// to its own process: never leaves its node.
/// </summary>
public sealed record SetDisposition(Signal Signal, bool Caught, bool Ignored = false) : INoSerializationVerificationNeeded;
