using Fork.Messages;

namespace Fork.Actors;

/// <summary>A forked child puts each region's snapshot together from the chunks its clone session sent.</summary>
internal static class RegionAssembly
{
    public static Dictionary<ulong, PageSnapshot> Snapshots(IReadOnlyList<MemoryRegion> regions, IReadOnlyDictionary<ulong, List<MemoryChunk>> chunks)
    {
        var snapshots = new Dictionary<ulong, PageSnapshot>(regions.Count);
        foreach (var region in regions)
            snapshots[region.At] = Assemble(region, chunks.TryGetValue(region.At, out var received) ? received : []);
        return snapshots;
    }

    /// <summary>One chunk that covers the region is its snapshot as it is (the parent's trie, adopted whole); pieces are joined page by page.</summary>
    public static PageSnapshot Assemble(MemoryRegion region, IReadOnlyList<MemoryChunk> chunks)
    {
        var pageCount = (region.Size + MemoryImage.PageSize - 1) / MemoryImage.PageSize;
        if (chunks is [var only] && only.At == region.At && only.Pages.PageCount == pageCount) return only.Pages;
        return PageSnapshot.FromPages(pageCount, chunks.SelectMany(chunk =>
        {
            var first = (long)(chunk.At - region.At) / MemoryImage.PageSize;
            return chunk.Pages.Present().Select(p => (first + p.Index, p.Page));
        }));
    }
}
