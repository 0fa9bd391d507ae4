using Fork.Messages;

namespace Fork.Actors;

/// <summary>The fixed addresses of a fresh image (the values Genode's libc uses in its config).</summary>
internal static class MemoryLayout
{
    public const ulong StackAt = 0x40100000;
    public const long StackSize = 262144;
    public const ulong FirstRwAt = 0x1032000;
    public const long RwSize = 4720;
    public const ulong RwGap = 0x1000;
    public const ulong HeapBase = 0x1100000;
    public const long HeapRegionSize = 65536;
    public const long MallocAlignment = 16;

    /// <summary>The end of the heap's address range: x86-64's 47-bit user space; only written pages cost memory.</summary>
    public const ulong HeapLimit = 1UL << 47;

    public static MemoryRegion Stack { get; } = new("stack", "stack", StackAt, StackSize);

    /// <summary>One rw segment per loaded object: the next at the previous end rounded up to a page, plus a gap.</summary>
    public static MemoryRegion[] RwSegments(IReadOnlyList<string> loadedObjects)
    {
        var segments = new MemoryRegion[loadedObjects.Count];
        var at = FirstRwAt;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < segments.Length; i++)
        {
            var name = loadedObjects[i];
            if (!names.Add(name))
                throw new ArgumentException($"The loaded object {name} is listed twice.", nameof(loadedObjects));
            segments[i] = new MemoryRegion("rw", name, at, RwSize);
            at = PageAlign(segments[i].End) + RwGap;
        }

        if (segments.Length > 0 && segments[^1].End > HeapBase)
            throw new ArgumentException($"{segments.Length} loaded objects do not fit below the heap at 0x{HeapBase:x}.", nameof(loadedObjects));
        return segments;
    }

    /// <summary>
    /// Where the heap grows next: right after <paramref name="after"/> (the base for the first
    /// region), at least double the region added before (<paramref name="previousSize"/>, 0 for none)
    /// or <paramref name="need"/> rounded up to pages, so N bytes take O(log N) regions. A region that
    /// would overlap the stack starts above it instead.
    /// </summary>
    public static MemoryRegion NextHeapRegion(ulong after, long previousSize, long need)
    {
        var size = Math.Max(previousSize == 0 ? HeapRegionSize : 2 * previousSize, Align(need, MemoryImage.PageSize));
        var at = after == 0 ? HeapBase : PageAlign(after);
        if (at < Stack.End && at + (ulong)size > StackAt) at = PageAlign(Stack.End);
        var room = at >= HeapLimit ? 0 : (long)(HeapLimit - at);
        if (need > room)
            throw new PosixException(Errno.ENOMEM, $"A heap region of {need} bytes at 0x{at:x} would pass the end of the heap's address range (0x{HeapLimit:x}).");
        return new MemoryRegion("heap", "heap", at, Math.Min(size, room));
    }

    public static ulong PageAlign(ulong address) =>
        (address + MemoryImage.PageSize - 1) & ~(ulong)(MemoryImage.PageSize - 1);

    public static long Align(long size, long alignment) => (size + alignment - 1) & ~(alignment - 1);
}
