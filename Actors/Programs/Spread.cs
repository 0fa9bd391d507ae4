using System.Buffers.Binary;
using System.Globalization;
using Fork.Actors.Programs.Utilities;
using Fork.Messages;

namespace Fork.Actors.Programs;

/// <summary>
/// <c>spread [WORKERS [SECONDS]]</c>: forks WORKERS (3) workers (<see cref="SpreadWorker"/>) onto other fork hosts of the
/// cluster (<see cref="ForkPlacement.AnyOtherNode"/>). Before the forks it writes the numbers 1 to WORKERS × 1000 on its
/// heap and opens a pipe; each worker sums its thousand from its copy of that heap and writes its sum and node to the
/// pipe. Spread reaps every worker, checks each sum and the total, and logs one summary line (its lines, and the
/// workers', go to the LOG session, as test-fork's do, so the host's log shows them). While there is no other
/// fork host yet (this node just joined) a fork is EHOSTUNREACH at once: spread tries again, backing off, for up to
/// SECONDS (30) in all, then gives up with one sentence. Exit 0 only when every worker ran on another node, exited 0 and
/// summed its slice right; 1 otherwise; 2 for bad arguments.
/// </summary>
internal static class Spread
{
    public const string Name = "spread";

    /// <summary>How many numbers each worker sums.</summary>
    public const int PerWorker = 1000;

    public const int MaxWorkers = 64;

    /// <summary>The largest count of numbers a worker accepts from its environment.</summary>
    public const int MaxNumbers = MaxWorkers * PerWorker;

    private static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(2);

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args)
    {
        var operands = Stdio.Operands(args);
        if (operands.Count > 2 || Workers(operands) is not { } workers || Bound(operands) is not { } bound)
        {
            libc.Log($"usage: {Name} [WORKERS (1-{MaxWorkers}, default 3) [SECONDS to wait for another fork host, default 30]]");
            return 2;
        }

        var at = WriteNumbers(libc.Memory, workers * PerWorker);
        var (read, write) = await libc.PipeAsync();
        libc.Environment[SpreadWorker.At] = at.ToString(CultureInfo.InvariantCulture);
        libc.Environment[SpreadWorker.Count] = PerWorker.ToString(CultureInfo.InvariantCulture);
        libc.Environment[SpreadWorker.Results] = write.ToString(CultureInfo.InvariantCulture);

        var pids = new List<int>(workers);
        string? failure = null;
        for (var worker = 0; worker < workers && failure is null; worker++)
        {
            libc.Environment[SpreadWorker.Worker] = worker.ToString(CultureInfo.InvariantCulture);
            try
            {
                pids.Add(await ForkElsewhere(libc, bound));
            }
            catch (PosixException e)
            {
                failure = e.Errno == Errno.EHOSTUNREACH
                    ? $"{Name}: no fork host other than {libc.Node} took worker {worker} within {bound.TotalSeconds:0.###} s ({e.Message})."
                    : $"{Name}: worker {worker} could not be forked: {e.Message} ({e.Errno}).";
            }
        }

        // Every worker forked is reaped, whatever happened to the others: nothing is left behind.
        var statuses = new List<WaitStatus>(pids.Count);
        foreach (var pid in pids) statuses.Add((await libc.Wait4Async(pid)).Status);
        await libc.CloseAsync(write);
        var reports = await ReadReports(libc, read);
        await libc.CloseAsync(read);

        if (failure is not null)
        {
            libc.Log(failure);
            return 1;
        }

        var (summary, right) = Summary(libc, workers, statuses, reports);
        libc.Log(summary);
        return right ? 0 : 1;
    }

    /// <summary>
    /// Fork a worker onto any other fork host; while there is none (EHOSTUNREACH), sleep and try again, each pause twice
    /// the last (up to 2 s), until the pauses add up to <paramref name="bound"/>. Counting the pauses, not reading a clock,
    /// keeps the bound as exact as the namespace's timer.
    /// </summary>
    private static async Task<int> ForkElsewhere(Libc libc, TimeSpan bound)
    {
        var waited = TimeSpan.Zero;
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                return await libc.ForkAsync(SpreadWorker.Main, ForkPlacement.AnyOtherNode);
            }
            catch (PosixException e) when (e.Errno == Errno.EHOSTUNREACH && waited < bound)
            {
                if (waited == TimeSpan.Zero) libc.Log($"{Name}: waiting up to {bound.TotalSeconds:0.###} s for a fork host other than {libc.Node}");
                var pause = backoff < bound - waited ? backoff : bound - waited;
                await libc.SleepAsync(pause);
                waited += pause;
                backoff = backoff * 2 < LongestBackoff ? backoff * 2 : LongestBackoff;
            }
        }
    }

    /// <summary>Writes 1, 2, … <paramref name="count"/> on a new heap block as little-endian 64-bit numbers; its address.</summary>
    private static ulong WriteNumbers(AddressSpace memory, int count)
    {
        var bytes = new byte[count * sizeof(long)];
        for (var i = 0; i < count; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), i + 1L);
        var at = memory.Malloc(bytes.Length);
        memory.Write(at, bytes);
        return at;
    }

    /// <summary>The workers' lines (<c>INDEX NODE SUM</c>) by index, read to the end of the pipe.</summary>
    private static async Task<Dictionary<int, (string Node, long Sum)>> ReadReports(Libc libc, int read)
    {
        var reports = new Dictionary<int, (string Node, long Sum)>();
        var lines = new LineReader(libc, read);
        while (await lines.ReadLine() is { } line)
        {
            var words = line.TrimEnd('\n').Split(' ');
            if (words.Length == 3 && int.TryParse(words[0], CultureInfo.InvariantCulture, out var worker)
                && long.TryParse(words[2], CultureInfo.InvariantCulture, out var sum))
                reports[worker] = (words[1], sum);
        }

        return reports;
    }

    /// <summary>One line: each worker's sum and where it ran, the total and whether all is right.</summary>
    private static (string Line, bool Right) Summary(Libc libc, int workers, List<WaitStatus> statuses, Dictionary<int, (string Node, long Sum)> reports)
    {
        var here = libc.Node.ToString();
        var right = statuses.All(s => s == WaitStatus.FromExit(0)) && reports.Count == workers;
        var sums = new List<string>(workers);
        for (var worker = 0; worker < workers; worker++)
        {
            if (!reports.TryGetValue(worker, out var report))
            {
                sums.Add("?");
                continue;
            }

            right &= report.Sum == SliceSum(worker) && report.Node != here;
            sums.Add(report.Sum.ToString(CultureInfo.InvariantCulture));
        }

        var last = SliceEnd(workers - 1);
        var expected = last * (last + 1) / 2;
        var total = reports.Values.Sum(r => r.Sum);
        right &= total == expected;
        var nodes = reports.Values.Select(r => r.Node).Distinct().Order(StringComparer.Ordinal).ToList();
        var where = nodes.Count == 0 ? "no node" : string.Join(", ", nodes);
        var exits = string.Join(" ", statuses.Select(s => s.Exited ? s.ExitCode.ToString(CultureInfo.InvariantCulture) : s.ToString()));
        var verdict = right ? "right" : $"wrong (expected {expected}, each worker exiting 0 on a node other than {here})";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{Name}: {workers} workers on {where} (exit {exits}) summed 1..{last}: {string.Join(" + ", sums)} = {total}, {verdict}");
        return (line, right);
    }

    /// <summary>The last number of a worker's slice.</summary>
    private static long SliceEnd(int worker) => (worker + 1L) * PerWorker;

    /// <summary>The sum of a worker's slice: (first + last) × count / 2.</summary>
    private static long SliceSum(int worker) => (worker * (long)PerWorker + 1 + SliceEnd(worker)) * PerWorker / 2;

    private static int? Workers(IReadOnlyList<string> operands)
    {
        if (operands.Count == 0) return 3;
        return int.TryParse(operands[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxWorkers ? n : null;
    }

    private static TimeSpan? Bound(IReadOnlyList<string> operands)
    {
        if (operands.Count < 2) return DefaultBound;
        return double.TryParse(operands[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds <= 86400
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }
}
