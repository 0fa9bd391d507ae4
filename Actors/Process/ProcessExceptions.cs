namespace Fork.Actors;

/// <summary>Thrown by <see cref="Libc.Exit"/> to unwind the program; the runtime turns it into the exit code.</summary>
internal sealed class ProcessExitException(int code) : Exception($"exit({code})")
{
    public int Code { get; } = code;
}

/// <summary>Thrown from any libc call of a process that was killed: the program unwinds.</summary>
internal sealed class ProcessTerminatedException(int pid) : OperationCanceledException($"process {pid} was terminated");
