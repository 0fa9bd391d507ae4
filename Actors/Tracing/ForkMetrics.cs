using Fork.Messages;
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
    public static readonly Histogram<double> WaitDuration = Meter.CreateHistogram<double>("fork.wait4.duration", "ms", "From a wait4 request to its answer");
    public static readonly Counter<long> CloneBytes = Meter.CreateCounter<long>("fork.clone.bytes", "By", "Bytes of memory children took over through their clone sessions");

    public static readonly ObservableGauge<int> Processes = Meter.CreateObservableGauge(
        "fork.processes", LiveNamespaces.Processes, "{process}", "Processes alive, over every pid namespace of this .NET process");

    public static readonly ObservableGauge<int> Zombies = Meter.CreateObservableGauge(
        "fork.zombies", LiveNamespaces.Zombies, "{process}", "Processes ended and not reaped yet, over every pid namespace of this .NET process");

    /// <summary>The bytes a child takes over with <paramref name="regions"/>: one measurement per fork.</summary>
    public static void Cloned(IReadOnlyList<MemoryChunk> regions)
    {
        if (!CloneBytes.Enabled) return;
        long bytes = 0;
        foreach (var region in regions) bytes += region.Size;
        CloneBytes.Add(bytes);
    }
}
