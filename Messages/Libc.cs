using Akka.Actor;

namespace Fork.Messages;

// The calls a program makes of its process, answered with LibcOk, LibcError or a specific record.

public sealed record GetPpid : ILibcRequest
{
    public static readonly GetPpid Instance = new();
}

/// <summary>
/// The program ended: returned, called Exit, or threw (then <paramref name="Crashed"/> is set). <paramref name="Program"/>
/// counts the programs the process has run (exec starts the next): the end of one that exec replaced is ignored.
/// </summary>
public sealed record ProgramEnded(int ExitCode, string? Crashed, int Program = 1) : ILibcRequest;

/// <summary>
/// execve, checked by the caller's libc: <paramref name="Program"/> is the registered program /bin names, to run with
/// <paramref name="Args"/>, <paramref name="Environment"/> and the caller's <paramref name="Cwd"/>.
/// </summary>
public sealed record ExecRequest(string Program, IReadOnlyList<string> Args, IReadOnlyList<KeyValuePair<string, string>> Environment, string Cwd) : ILibcRequest
{
    public override string ToString() => $"ExecRequest {{ Program = {Program}, Args = {Args.Count}, Environment = {Environment.Count}, Cwd = {Cwd} }}";
}

/// <summary>
/// Sent by a program's libc to whatever serves a call it is blocked in (a pipe, its process for wait4, the timer for a
/// sleep), with the call's reply reference as sender: a caught signal arrived, or the process ended. A call still parked
/// there is answered <see cref="Interrupted"/>; one already answered is not affected.
/// </summary>
public sealed record Interrupt : ICrossNode
{
    public static readonly Interrupt Instance = new();
}

/// <summary>
/// A blocked call was interrupted after moving <paramref name="Moved"/> bytes (a write's; 0 for everything else): by a
/// signal (<paramref name="Cause"/> EINTR), or, for a write, by the last reader going (EPIPE).
/// </summary>
public sealed record Interrupted(long Moved, Errno Cause = Errno.EINTR) : ICrossNode
{
    public static readonly Interrupted Nothing = new(0);
}

public sealed record OpenSession(string Service) : ILibcRequest;

/// <summary>
/// A line for the process's LOG session, opened on the first line (Genode: a parent service expanded on demand). From a
/// program to its own process, so it never leaves its node.
/// </summary>
public sealed record LogLine(string Text) : INoSerializationVerificationNeeded;

public sealed record SetPgid(int Pid, int Pgid) : ILibcRequest;

/// <summary>
/// The core's answer to a kill that signalled the caller too, sent through the caller's process after the signal: the
/// process answers the kill (its sender) once the signal is raised.
/// </summary>
public sealed record SignalSent : ICrossNode
{
    public static readonly SignalSent Instance = new();
}

public sealed record GetPgrp : ILibcRequest
{
    public static readonly GetPgrp Instance = new();
}

/// <summary>
/// Marks a call of a program to its process: held back while the process is stopped. A program and its process always
/// share a node (the call's reply reference has no path another node could reach), so a call never crosses nodes.
/// </summary>
public interface ILibcRequest : INoSerializationVerificationNeeded;
