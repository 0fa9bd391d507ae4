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

    public static ulong PageAlign(ulong address) =>
        (address + MemoryImage.PageSize - 1) & ~(ulong)(MemoryImage.PageSize - 1);

    public static long Align(long size, long alignment) => (size + alignment - 1) & ~(alignment - 1);
}
