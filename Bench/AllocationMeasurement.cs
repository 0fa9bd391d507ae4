namespace Fork.Bench;

/// <summary>Managed bytes allocated per round trip (every thread, precise), fork against bare Akka, after warm-up.</summary>
internal sealed class AllocationMeasurement : IMeasurement
{
    private const int Count = 2_000;

    public string Name => "alloc";

    public async Task RunAsync(Summary summary)
    {
        await using var fork = new ForkRoundTrip();
        await using var akka = new AkkaRoundTrip();
        await Measure.WarmUpAsync(fork);
        await Measure.WarmUpAsync(akka);

        var forkBytes = await Measure.AllocatedBytesPerRoundTrip(fork, Count);
        var akkaBytes = await Measure.AllocatedBytesPerRoundTrip(akka, Count);
        Console.WriteLine($"{fork.Name,-22} {Measure.N(forkBytes),9} B allocated per round trip (GC.GetTotalAllocatedBytes delta over {Count})");
        Console.WriteLine($"{akka.Name,-22} {Measure.N(akkaBytes),9} B allocated per round trip");
        Console.WriteLine($"ratio {fork.Name} / {akka.Name} = {Measure.F(forkBytes / akkaBytes)}");
        RoundTripMeasurement.Warn(fork);
        summary.Add(new Figure("allocated bytes per fork (vs Akka trip)", forkBytes, akkaBytes, "B"));
    }
}
