namespace Fork.Messages;

/// <summary>The program sends a signal (kill); answered by LibcOk or LibcError.</summary>
public sealed record KillProcess(int Pid, Signal Signal) : ILibcRequest;

/// <summary>A signal arrives at a process (from the core, after kill resolved its targets).</summary>
public sealed record DeliverSignal(Signal Signal, int FromPid);

/// <summary>The program installed (<paramref name="Caught"/>) or removed a handler.</summary>
public sealed record SetDisposition(Signal Signal, bool Caught);
