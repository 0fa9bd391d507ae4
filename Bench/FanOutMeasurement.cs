using System.Diagnostics;

namespace Fork.Bench;

/// <summary>
/// N live children of one parent, fork against bare Akka: time per child until all are up and idle, managed bytes per
/// live child (full-collection heap before and after, over N), then all ended and reaped.
/// </summary>
internal sealed class FanOutMeasurement(int count) : IMeasurement
{
    private const int WarmUpChildren = 5_000;
    private const int LiveProcessTarget = 8 * 1024;

    public string Name => "fanout";

    public async Task RunAsync(Summary summary)
    {
        await using var fork = new ForkFanOut(count);
        await using var akka = new AkkaFanOut();
        Console.WriteLine($"N = {Measure.N(count)}; fork runtime options: {BenchQuota.Describe(fork.Options)}");
        var warm = Math.Min(count, WarmUpChildren);
        await OnceAsync(fork, warm);
        await OnceAsync(akka, warm);
        Console.WriteLine($"warm-up: one fan-out of {Measure.N(warm)} children each");

        var f = await OnceAsync(fork, count);
        var a = await OnceAsync(akka, count);
        Print(fork, f);
        Print(akka, a);
        Console.WriteLine($"ratio time per child   fork / akka = {Measure.F(f.MicrosPerChild / a.MicrosPerChild)}");
        Console.WriteLine($"ratio bytes per child  fork / akka = {Measure.F(f.BytesPerChild / a.BytesPerChild)}");
        Console.WriteLine($"all reaped: fork {f.End.Reaped} of {count} (not exit 0: {f.End.Failed}), akka {a.End.Reaped} of {count} Terminated");
        // A process is two actors (its ForkedChild and its ProcessActor): the target is what it costs beyond theirs.
        var beyond = f.BytesPerChild - 2 * a.BytesPerChild;
        Console.WriteLine($"bytes per live child beyond two bare actors' own: {Measure.N(beyond)} B");

        summary.Add(new Figure("fan-out: time per child", f.MicrosPerChild, a.MicrosPerChild, "µs", "<= 3x bare",
            f.MicrosPerChild <= 3 * a.MicrosPerChild));
        summary.Add(new Figure("fan-out: managed bytes per live child", f.BytesPerChild, a.BytesPerChild, "B"));
        summary.Add(new Figure("  of which beyond its two actors' own", beyond, null, "B", "<= 8 KiB per process",
            beyond <= LiveProcessTarget));
    }

    private static void Print(IFanOut fanOut, FanOutFigures figures) =>
        Console.WriteLine($"{fanOut.Name,-30} {Measure.F(figures.MicrosPerChild),9} µs per child, {Measure.N(figures.BytesPerChild),9} B per live child");

    /// <summary>One fan-out of <paramref name="count"/>; throws unless every child was reaped.</summary>
    public static async Task<FanOutFigures> OnceAsync(IFanOut fanOut, int count)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var start = Stopwatch.GetTimestamp();
        await fanOut.StartAsync(count);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var end = await fanOut.EndAsync();
        if (end.Reaped != count) throw new InvalidOperationException($"{fanOut.Name}: {end.Reaped} of {count} children reaped");
        return new FanOutFigures(elapsed.TotalMicroseconds / count, (after - before) / (double)count, end);
    }
}

internal sealed record FanOutFigures(double MicrosPerChild, double BytesPerChild, FanOutEnd End);
