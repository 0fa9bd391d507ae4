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

    /// <summary>
    /// Chunks that are, in order, views of one whole snapshot of the region give that snapshot back
    /// (a local clone: the parent's trie is adopted, no page touched); other chunks are joined page by page.
    /// </summary>
    public static PageSnapshot Assemble(MemoryRegion region, IReadOnlyList<MemoryChunk> chunks)
    {
        var pageCount = (region.Size + MemoryImage.PageSize - 1) / MemoryImage.PageSize;
        return SharedSource(region, chunks, pageCount) ?? PageSnapshot.FromPages(pageCount, chunks.SelectMany(chunk =>
        {
            var first = (long)(chunk.At - region.At) / MemoryImage.PageSize;
            return chunk.Pages.Present().Select(p => (first + p.Index, p.Page));
        }));
    }

    private static PageSnapshot? SharedSource(MemoryRegion region, IReadOnlyList<MemoryChunk> chunks, long pageCount)
    {
        if (chunks.Count == 0 || chunks[0].Pages.Source is not { } source || source.PageCount != pageCount) return null;
        long covered = 0;
        foreach (var chunk in chunks.OrderBy(c => c.At))
        {
            var pages = chunk.Pages;
            var at = (long)(chunk.At - region.At) / MemoryImage.PageSize;
            if (!ReferenceEquals(pages.Source, source) || pages.First != covered || at != covered) return null;
            covered += pages.PageCount;
        }

        return covered == pageCount ? source : null;
    }
}
