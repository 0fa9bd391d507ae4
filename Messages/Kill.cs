namespace Fork.Messages;

/// <summary>The program sends a signal (kill); answered by LibcOk or LibcError.</summary>
public sealed record KillProcess(int Pid, Signal Signal) : ILibcRequest;

/// <summary>A signal arrives at a process (from the core, after kill resolved its targets).</summary>
public sealed record DeliverSignal(Signal Signal, int FromPid);

/// <summary>The program installed (<paramref name="Caught"/>) or removed a handler.</summary>
/// <summary>The program set a signal's disposition: caught (a handler), ignored (SIG_IGN) or neither (the default action).</summary>
public sealed record SetDisposition(Signal Signal, bool Caught, bool Ignored = false);
