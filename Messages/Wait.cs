using Akka.Actor;

namespace Fork.Messages;

[Flags]
public enum WaitOptions { None = 0, WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8 }

/// <summary>Resources used by a reaped child: CPU time its program used and its peak image size.</summary>
public readonly record struct ResourceUsage(TimeSpan UserTime, TimeSpan SystemTime, long MaxResidentBytes);

/// <summary>
/// The answer of wait4. <see cref="Pid"/> &gt; 0: that child was reaped (or reports a stop or continue);
/// 0: WNOHANG and nothing to report; -1: <see cref="Error"/> says why.
/// </summary>
public readonly record struct WaitResult(int Pid, WaitStatus Status, Errno Error, ResourceUsage Usage) : INoSerializationVerificationNeeded
{
    public static WaitResult Nothing { get; } = new(0, default, Errno.None, default);

    public static WaitResult Failed(Errno error) => new(-1, default, error, default);
}

/// <summary>wait4 asked of a process by its program; answered by <see cref="WaitResult"/>.</summary>
public sealed record Wait4(int Pid, WaitOptions Options, long RequestId) : ILibcRequest;

/// <summary>The program gave up a blocked wait4 (its token was cancelled): answer it with EINTR if still parked. Program to its own process: never leaves its node.</summary>
public sealed record CancelWait(long RequestId) : INoSerializationVerificationNeeded;
