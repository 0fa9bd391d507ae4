namespace Fork.Bench;

/// <summary>
/// One pipe's throughput: a forked writer writes 64 KiB writes as fast as it can, its parent reads them with a
/// 64 KiB buffer until EOF and checks the byte count. 2 s of warm-up, then rounds of about a second; the median in
/// MiB/s. Beside it the Linux pipe (dd | dd, best of two runs moving about as much as one round), where dd exists.
/// </summary>
internal sealed class PipeMeasurement : IMeasurement
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    private const int Rounds = 3;
    private const double RoundSeconds = 1.0;
    private const int MinLinuxWrites = 4_096;   // 256 MiB: process start-up stays small against it
    private const int MaxLinuxWrites = 16_384;  // 1 GiB: two runs stay within a few seconds

    public string Name => "pipe";

    public async Task RunAsync(Summary summary)
    {
        await using var pipe = new ForkPipes(1);
        TraceOff.Print(pipe.Runtime, pipe.Name);
        var size = Measure.RoundSize(await Steady.WarmUpAsync(pipe, WarmUp, 16, 1 << 20), RoundSeconds, 16, 1 << 20);
        var ours = Steady.MiBPerSecond(pipe.BytesPerTrip, (await Measure.MedianRoundsAsync([pipe], [size], Rounds))[0]);
        Console.WriteLine($"{pipe.Name,-28} {Measure.F(ours),9} MiB/s (median of {Rounds} rounds of {size} writes of 64 KiB = {Measure.N(size / 16.0)} MiB; warm-up {WarmUp.TotalSeconds} s)");

        double? linux = null;
        if (LinuxPipe.Missing() is { } why)
        {
            Console.WriteLine($"Linux pipe comparison skipped: {why}");
        }
        else
        {
            var writes = Math.Clamp(size, MinLinuxWrites, MaxLinuxWrites);
            linux = Math.Max(await LinuxPipe.MiBPerSecondAsync(writes), await LinuxPipe.MiBPerSecondAsync(writes));
            Console.WriteLine($"{"Linux pipe (dd | dd)",-28} {Measure.F(linux.Value),9} MiB/s (best of 2 runs of {writes} writes of 64 KiB = {Measure.N(writes / 16.0)} MiB)");
            Console.WriteLine($"ratio ours / linux = {Measure.F(ours / linux.Value)}");
        }

        summary.Add(new Figure("pipe: MiB/s of one pipe (vs Linux pipe)", ours, linux, "MiB/s", ">= 1x Linux pipe", linux is null ? null : ours >= linux));
    }
}
