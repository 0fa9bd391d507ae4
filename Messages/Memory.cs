namespace Fork.Messages;

/// <summary>One region of an address space. Kind: "stack", "rw" (a loaded object's data) or "heap".</summary>
public sealed record MemoryRegion(string Kind, string Name, ulong At, long Size)
{
    public ulong End => At + (ulong)Size;

    public bool Contains(ulong at, long size) => size >= 0 && at >= At && at + (ulong)size <= End;
}

/// <summary>
/// An immutable picture of an address space taken at fork: the regions in clone order
/// (heap, stack, rw segments) and each region's pages, frozen so parent and child share them.
/// A page of <c>default</c> was never written and reads as zeros.
/// </summary>
public sealed record MemoryImage(IReadOnlyList<MemoryRegion> Regions, IReadOnlyDictionary<ulong, ReadOnlyMemory<byte>[]> Pages)
{
    public const int PageSize = 4096;

    public MemoryRegion? RegionOf(ulong at, long size) => Regions.FirstOrDefault(r => r.Contains(at, size));
}
