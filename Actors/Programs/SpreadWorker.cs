using System.Buffers.Binary;
using System.Globalization;
using Fork.Actors.Programs.Utilities;
using Fork.Messages;

namespace Fork.Actors.Programs;

/// <summary>
/// <c>spread-worker</c>: one worker of <see cref="Spread"/>, forked onto another node. It sums its slice of the numbers its
/// parent wrote on the heap before the fork (which reached it through the clone session), and reports
/// <c>INDEX NODE SUM</c> on one line to the pipe its parent named, and as a line of its log. The slice and the pipe come
/// from its inherited environment: <c>SPREAD_AT</c> (the numbers' heap address), <c>SPREAD_WORKER</c> (its index),
/// <c>SPREAD_COUNT</c> (numbers per worker) and <c>SPREAD_RESULTS</c> (the pipe's write end). Exit 0; 1 when the numbers
/// cannot be read; 2 (with a line on its log) when it was not started by spread.
/// </summary>
internal static class SpreadWorker
{
    public const string Name = "spread-worker";

    public const string At = "SPREAD_AT";
    public const string Worker = "SPREAD_WORKER";
    public const string Count = "SPREAD_COUNT";
    public const string Results = "SPREAD_RESULTS";

    public static async Task<int> Main(Libc libc)
    {
        if (Number(libc, At) is not { } at || Number(libc, Worker) is not { } worker || Number(libc, Count) is not { } count
            || Number(libc, Results) is not { } results || count > Spread.MaxNumbers)
        {
            libc.Log($"{Name}: {At}, {Worker}, {Count} and {Results} must be set: it is run by {Spread.Name}");
            return 2;
        }

        long sum;
        try
        {
            sum = SumOf(libc.Memory, at + worker * count * sizeof(long), (int)count);
        }
        catch (PosixException e)
        {
            libc.Log($"{Name}: the numbers at 0x{at:x} cannot be read: {Stdio.Describe(e.Errno)}");
            return 1;
        }

        libc.Log($"{Name} {worker}: pid {libc.Pid} on {libc.Node} summed {count} numbers: {sum}");
        // One line of at most PIPE_BUF bytes: written whole, never interleaved with another worker's.
        await libc.WriteAsync((int)results, System.Text.Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{worker} {libc.Node} {sum}\n")));
        return 0;
    }

    /// <summary>The sum of <paramref name="count"/> little-endian 64-bit numbers from <paramref name="address"/>.</summary>
    public static long SumOf(AddressSpace memory, ulong address, int count)
    {
        var bytes = new byte[count * sizeof(long)];
        memory.Read(address, bytes);
        long sum = 0;
        for (var i = 0; i < count; i++) sum += BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * sizeof(long)));
        return sum;
    }

    private static ulong? Number(Libc libc, string key) =>
        libc.Environment.TryGetValue(key, out var text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
