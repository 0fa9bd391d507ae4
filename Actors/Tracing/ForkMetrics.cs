using System.Diagnostics.Metrics;

namespace Fork.Actors;

/// <summary>Counters and durations of the runtime, on the meter named <c>Fork.Actors</c>.</summary>
internal static class ForkMetrics
{
    public static readonly Meter Meter = new("Fork.Actors");
    public static readonly Counter<long> Forks = Meter.CreateCounter<long>("fork.forks", description: "Children forked");
    public static readonly Counter<long> ForkFailures = Meter.CreateCounter<long>("fork.failures", description: "Forks refused");
    public static readonly Counter<long> Exits = Meter.CreateCounter<long>("fork.exits", description: "Processes ended");
    public static readonly Counter<long> Reaps = Meter.CreateCounter<long>("fork.reaps", description: "Children reaped by wait4");
    public static readonly Histogram<double> ForkDuration = Meter.CreateHistogram<double>("fork.duration", "ms", "From Fork to the child ready");
}
