using Fork.Messages;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

/// <summary>The runtime's own log lines (category <see cref="ForkTracing.LogCategory"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "process {Pid} could not start: {Reason}")]
    public static partial void BootFailed(ILogger logger, int pid, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "process {Pid} terminated by SIGABRT: its program threw {Exception}")]
    public static partial void Crashed(ILogger logger, int pid, string exception);

    [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "process {Pid} failed inside the runtime and was ended")]
    public static partial void Failed(ILogger logger, int pid, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "[{Label}] {Text}")]
    public static partial void Line(ILogger logger, string label, string text);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "process {Pid} has no LOG session: {Reason}")]
    public static partial void LogDenied(ILogger logger, int pid, string reason);

    [LoggerMessage(EventId = 30, Level = LogLevel.Debug, Message = "process {Pid} runs {Program} (exec)")]
    public static partial void Exec(ILogger logger, int pid, string program);

    [LoggerMessage(EventId = 14, Level = LogLevel.Debug, Message = "process {Pid} ended: {Status}")]
    public static partial void Ended(ILogger logger, int pid, WaitStatus status);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "process {Pid} ended with its namespace: the namespace's core on {Node} is gone")]
    public static partial void NamespaceLost(ILogger logger, int pid, string node);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "process {Pid} asks to go to init: its parent's policy on {Node} is gone")]
    public static partial void ParentGone(ILogger logger, int pid, string node);
}
