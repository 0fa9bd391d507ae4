using Fork.Actors;

namespace Fork.Bench;

/// <summary>A heap of a given size with every 4 KiB page written once, allocated in blocks Malloc accepts.</summary>
internal static class TouchedHeap
{
    public const long Block = 16L << 20;
    public const int Page = 4096;
    private static readonly byte[] One = [1];

    public static Func<Libc, Task> Of(long bytes) => libc =>
    {
        Fill(libc.Memory, bytes);
        return Task.CompletedTask;
    };

    /// <summary>Mallocs every block before touching any, so a heap that does not fit fails at once.</summary>
    public static void Fill(AddressSpace memory, long bytes)
    {
        var blocks = new List<(ulong At, long Size)>();
        for (long done = 0; done < bytes; done += Block)
        {
            var size = Math.Min(Block, bytes - done);
            blocks.Add((memory.Malloc(size), size));
        }

        foreach (var (at, size) in blocks)
        {
            for (long offset = 0; offset < size; offset += Page) memory.Write(at + (ulong)offset, One);
        }
    }

    public static string Label(long bytes) => bytes switch
    {
        0 => "0",
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        _ => $"{bytes >> 20} MiB",
    };
}
