namespace Fork.Messages;

// The calls a program makes of its process, answered with LibcOk, LibcError or a specific record.

public sealed record GetPpid : ILibcRequest
{
    public static readonly GetPpid Instance = new();
}

/// <summary>The program ended: returned, called Exit, or threw (then <paramref name="Crashed"/> is set).</summary>
public sealed record ProgramEnded(int ExitCode, string? Crashed) : ILibcRequest;

public sealed record OpenFile(string Path, OpenFlags Flags) : ILibcRequest;

public sealed record ReadFile(int Fd, int Count) : ILibcRequest;

public sealed record WriteFile(int Fd, byte[] Data) : ILibcRequest;

public sealed record SeekFile(int Fd, long Offset, SeekOrigin Origin) : ILibcRequest;

public sealed record CloseFile(int Fd) : ILibcRequest;

public sealed record OpenPipe : ILibcRequest
{
    public static readonly OpenPipe Instance = new();
}

public sealed record PipeOpened(int ReadFd, int WriteFd);

public sealed record OpenSession(string Service) : ILibcRequest;

/// <summary>A line for the process's LOG session, opened on the first line (Genode: a parent service expanded on demand).</summary>
public sealed record LogLine(string Text);

public sealed record SetPgid(int Pid, int Pgid) : ILibcRequest;

public sealed record GetPgrp : ILibcRequest
{
    public static readonly GetPgrp Instance = new();
}

/// <summary>Marks a call of a program to its process: held back while the process is stopped.</summary>
public interface ILibcRequest;
