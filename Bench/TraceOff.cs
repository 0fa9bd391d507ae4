using Fork.Actors;
using Microsoft.Extensions.Logging;

namespace Fork.Bench;

/// <summary>
/// Timed figures come from runtimes whose trace is off: no logger factory is given (ForkTracing.Use is never called),
/// so Debug of the Fork.Trace category is disabled. Checked on the runtime itself and printed, never assumed.
/// </summary>
internal static class TraceOff
{
    public static void Print(ForkRuntime runtime, string what)
    {
        var trace = ForkTracing.For(runtime.System).LoggerFactory.CreateLogger(ForkTracing.TraceCategory);
        if (trace.IsEnabled(LogLevel.Debug))
            throw new InvalidOperationException($"{what}: Debug logging of {ForkTracing.TraceCategory} is on; a timed runtime must have it off");
        Console.WriteLine($"{what}: Debug logging of {ForkTracing.TraceCategory} is off (checked on the runtime's logger factory)");
    }
}
