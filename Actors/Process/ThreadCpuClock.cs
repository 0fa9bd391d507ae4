using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Fork.Actors;

/// <summary>
/// CPU time of the calling thread, split into user and system time (Linux <c>getrusage(RUSAGE_THREAD)</c>);
/// elsewhere the wall time of the thread is the best available stand-in and is counted as user time.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int RusageThread = 1;
    private static readonly bool Supported = OperatingSystem.IsLinux() && Probe();

    public static (long UserTicks, long SystemTicks) Now()
    {
        if (!Supported) return (Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency, 0);
        getrusage(RusageThread, out var usage);
        return (Ticks(usage.UserSeconds, usage.UserMicroseconds), Ticks(usage.SystemSeconds, usage.SystemMicroseconds));
    }

    private static long Ticks(long seconds, long microseconds) => seconds * TimeSpan.TicksPerSecond + microseconds * 10;

    private static bool Probe()
    {
        try
        {
            return getrusage(RusageThread, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int getrusage(int who, out Rusage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        private unsafe fixed long _rest[14];
    }
}
