using System.Text;
using Fork.Actors;
using Fork.Messages;

namespace Fork.Tests.Blocking;

/// <summary>
/// What the specs of blocking calls share: how long "at once" may take, the pipe sizes of the contract, bytes that
/// say where they came from, and the steps that park a call and show it parked.
/// </summary>
/// <remarks>
/// A call is shown parked the way the other Posix specs do it: the program issues the call, then (without awaiting
/// it) a one-byte write to a pipe its parent reads. A call is sent as it is made, so it is queued where it blocks
/// (its pipe, or its process for wait4) before the ready byte even leaves, and whatever the parent does after reading
/// that byte reaches it after the call. Whether a write went in or is parked is asked of the pipe itself
/// (<see cref="StillBlockedAfterProbe"/>). Every wait for something the contract says happens promptly is bounded by
/// <see cref="Patience"/>; a spec that runs out of patience goes on, unblocks what it parked, and fails on what it
/// saw, never by hanging.
/// </remarks>
internal static class Blocking
{
    /// <summary>How long a handler that runs "at once", or a call it interrupts, may take before a spec calls it missing.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>Linux pipe capacity (16 pages).</summary>
    public const int PipeCapacity = 65_536;

    /// <summary>POSIX PIPE_BUF on Linux: writes of at most this many bytes are atomic.</summary>
    public const int PipeBuf = 4096;

    /// <summary>True if <paramref name="task"/> completed within <paramref name="limit"/>; never throws for the timeout.</summary>
    public static async Task<bool> Within(this Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// What a handler saw: whether the call it may interrupt was still blocked, and whether it ran on the program's own
    /// context. A spec expects exactly "handler ran before the CALL returned", and before the entry of the parent that
    /// unblocks the call.
    /// </summary>
    public static string HandlerEntry(string call, bool callReturned, SynchronizationContext? program) =>
        (callReturned ? $"handler ran after the {call} returned" : $"handler ran before the {call} returned")
        + (SynchronizationContext.Current == program ? "" : ", off the program's context");

    /// <summary>
    /// Whether <paramref name="write"/>, a write to a pipe already issued, is still pending once two reads of zero bytes
    /// of the same pipe (through <paramref name="readFd"/>, its read end) have been answered. The pipe takes the calls
    /// of one process in the order they are made, and the write left data in it, so a read of zero bytes returns at
    /// once (read(2): "If count is zero ... returns zero") yet only after the pipe took the write: a write that went in
    /// has been answered by then, and one still pending is parked, not late.
    /// </summary>
    public static async Task<bool> StillBlockedAfterProbe(this Libc libc, Task write, int readFd)
    {
        for (var i = 0; i < 2; i++) await libc.ReadAsync(readFd, Memory<byte>.Empty);
        return !write.IsCompleted;
    }

    /// <summary><paramref name="count"/> bytes of <paramref name="value"/>.</summary>
    public static byte[] Filled(int count, byte value)
    {
        var bytes = new byte[count];
        Array.Fill(bytes, value);
        return bytes;
    }

    /// <summary>
    /// Byte <paramref name="index"/> of writer <paramref name="writer"/> (0 or 1): the writer in the top bit, and in the
    /// low seven bits a hash of the index, so that a lost, repeated or reordered run of bytes shows.
    /// </summary>
    public static byte Pattern(int writer, long index) => (byte)((writer << 7) | (int)((uint)(index * 2654435761L) >> 25));

    /// <summary>Bytes <paramref name="from"/> .. <paramref name="from"/> + <paramref name="count"/> of <see cref="Pattern"/>.</summary>
    public static byte[] Patterned(int writer, long from, int count)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++) bytes[i] = Pattern(writer, from + i);
        return bytes;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; fails at an early end of file.</summary>
    public static async Task<byte[]> ReadBytes(this Libc libc, int fd, int count)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await libc.ReadAsync(fd, buffer.AsMemory(filled, Math.Min(count - filled, PipeCapacity)));
            if (read == 0) throw new InvalidOperationException($"end of file after {filled} of {count} bytes");
            filled += read;
        }

        return buffer;
    }

    /// <summary>Reads until end of file in reads of <paramref name="bufferSize"/> bytes.</summary>
    public static async Task<byte[]> Drain(this Libc libc, int fd, int bufferSize = PipeCapacity)
    {
        var all = new MemoryStream();
        var buffer = new byte[bufferSize];
        int read;
        while ((read = await libc.ReadAsync(fd, buffer)) > 0) all.Write(buffer, 0, read);
        return all.ToArray();
    }

    /// <summary>A report of a writer: what happened to one write (see <see cref="ReadReport"/>).</summary>
    public static Task WriteReport(this Libc libc, int fd, string kind, long bytes) =>
        libc.WriteAsync(fd, Encoding.ASCII.GetBytes($"{kind} {bytes}".PadRight(ReportSize)));

    /// <summary>The next report, or null at end of file.</summary>
    public static async Task<string?> ReadReport(this Libc libc, int fd)
    {
        var buffer = new byte[ReportSize];
        var filled = 0;
        while (filled < ReportSize)
        {
            var read = await libc.ReadAsync(fd, buffer.AsMemory(filled));
            if (read == 0) return filled == 0 ? null : throw new InvalidOperationException("a report was cut short");
            filled += read;
        }

        return Encoding.ASCII.GetString(buffer).TrimEnd();
    }

    /// <summary>A readable account of where two byte sequences first differ, or null if they are equal.</summary>
    public static string? FirstDifference(byte[] expected, byte[] actual)
    {
        var common = Math.Min(expected.Length, actual.Length);
        for (var i = 0; i < common; i++)
        {
            if (expected[i] != actual[i]) return $"byte {i} is 0x{actual[i]:x2}, expected 0x{expected[i]:x2} (of {actual.Length} bytes, {expected.Length} expected)";
        }

        return expected.Length == actual.Length ? null : $"{actual.Length} bytes arrived, {expected.Length} expected (the first {common} agree)";
    }

    private const int ReportSize = 32;
}

/// <summary>
/// What a spec's processes saw, in order: the blocked program's handler and outcome entries (one context, so in the
/// program's order), and the parent's entry when it unblocks the call (after it saw the handler run, or gave up
/// waiting), so a handler that only ran once the call was unblocked shows after that entry. <see cref="Handled"/>
/// completes with the first handler entry, <see cref="Ended"/> with the entry of the blocked call's outcome.
/// </summary>
internal sealed class Journal
{
    private readonly List<string> _entries = [];
    private readonly TaskCompletionSource _handled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Handled => _handled.Task;

    public Task Ended => _ended.Task;

    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (_entries) return [.. _entries];
        }
    }

    public void Add(string entry)
    {
        lock (_entries) _entries.Add(entry);
    }

    public void Handler(string entry)
    {
        Add(entry);
        _handled.TrySetResult();
    }

    public void End(string entry)
    {
        Add(entry);
        _ended.TrySetResult();
    }

    public override string ToString() => string.Join(" | ", Entries);
}

/// <summary>What the parked calls of the specs end with, as journal entries.</summary>
internal static class Outcomes
{
    /// <summary>
    /// Awaits <paramref name="pending"/> and describes its end: "CALL returned N" or "CALL failed with ERRNO";
    /// <paramref name="returned"/> runs first thing when it ends, so a handler after that sees the call returned.
    /// </summary>
    public static async Task<string> Of(string call, Task<int> pending, Action returned, Func<int, string>? describe = null)
    {
        try
        {
            var value = await pending;
            returned();
            return $"{call} returned {(describe is null ? value.ToString() : describe(value))}";
        }
        catch (PosixException e)
        {
            returned();
            return $"{call} failed with {e.Errno}";
        }
    }
}
