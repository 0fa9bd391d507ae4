namespace Fork.Messages;

/// <summary>One region of an address space. Kind: "stack", "rw" (a loaded object's data) or "heap".</summary>
public sealed record MemoryRegion(string Kind, string Name, ulong At, long Size)
{
    public ulong End => At + (ulong)Size;

    public bool Contains(ulong at, long size) => size >= 0 && at >= At && at + (ulong)size <= End;
}

/// <summary>
/// An immutable picture of an address space taken at fork: the regions in clone order
/// (heap, stack, rw segments) and each region's pages keyed by the region's address, frozen so
/// parent and child share them.
/// </summary>
public sealed record MemoryImage(IReadOnlyList<MemoryRegion> Regions, IReadOnlyDictionary<ulong, PageSnapshot> Pages)
{
    public const int PageSize = 4096;

    public MemoryRegion? RegionOf(ulong at, long size) => Regions.FirstOrDefault(r => r.Contains(at, size));
}

/// <summary>
/// The frozen pages of a region (or of a run of its pages): a persistent trie shared with the
/// space it was taken from, which copies a page before it writes it again. A page never written
/// is empty and reads as zeros.
/// </summary>
public sealed class PageSnapshot
{
    private long _present;

    /// <param name="source">The whole snapshot this one is a view of; null when it is whole itself.</param>
    internal PageSnapshot(PageNode? root, int shift, long first, long pageCount, long present, PageSnapshot? source = null)
    {
        Root = root;
        Shift = shift;
        First = first;
        PageCount = pageCount;
        _present = present;
        Source = source ?? this;
    }

    /// <summary>Pages the region (or run) spans, written or not.</summary>
    public long PageCount { get; }

    /// <summary>Pages that were written.</summary>
    public long PresentPages => _present >= 0 ? _present : _present = PageTrie.Count(Root, Shift, First, First + PageCount);

    internal PageNode? Root { get; }

    internal int Shift { get; }

    /// <summary>Where this run starts in <see cref="Source"/>.</summary>
    internal long First { get; }

    /// <summary>The whole snapshot of the region this is a view of (itself when whole).</summary>
    internal PageSnapshot Source { get; }

    /// <summary>The trie holds exactly these pages from index 0, so a space can adopt <see cref="Root"/> as it is.</summary>
    internal bool Whole => ReferenceEquals(Source, this);

    /// <summary>Page <paramref name="index"/>; empty when it was never written.</summary>
    public ReadOnlyMemory<byte> this[long index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, PageCount);
            return PageTrie.Find(Root, Shift, First + index)?.Bytes ?? default;
        }
    }

    public static PageSnapshot Empty(long pageCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pageCount);
        return new PageSnapshot(null, PageTrie.ShiftFor(pageCount), 0, pageCount, 0);
    }

    /// <summary>A snapshot of bytes received (e.g. from another node); an empty page counts as never written.</summary>
    public static PageSnapshot FromPages(long pageCount, IEnumerable<(long Index, ReadOnlyMemory<byte> Page)> pages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pageCount);
        ArgumentNullException.ThrowIfNull(pages);
        var shift = PageTrie.ShiftFor(pageCount);
        var build = new EditToken(null);
        PageNode? root = null;
        long present = 0;
        foreach (var (index, bytes) in pages)
        {
            if (index < 0 || index >= pageCount)
                throw new ArgumentException($"Page {index} lies outside a region of {pageCount} pages.", nameof(pages));
            if (bytes.Length > MemoryImage.PageSize)
                throw new ArgumentException($"Page {index} has {bytes.Length} bytes, more than a page.", nameof(pages));
            if (bytes.IsEmpty) continue;
            ref var slot = ref PageTrie.Slot(ref root, shift, index, build);
            if (slot is not null) throw new ArgumentException($"Page {index} is given twice.", nameof(pages));
            slot = new Page(bytes);
            present++;
        }

        return new PageSnapshot(root, shift, 0, pageCount, present);
    }

    /// <summary>The written pages in index order, indexed from the start of this snapshot.</summary>
    public IEnumerable<(long Index, ReadOnlyMemory<byte> Page)> Present() =>
        PageTrie.Present(Root, Shift, First, First + PageCount).Select(p => (p.Index - First, p.Page.Bytes));

    /// <summary>A view of <paramref name="count"/> pages from <paramref name="firstPage"/>; shares every page.</summary>
    public PageSnapshot Slice(long firstPage, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstPage);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, PageCount - firstPage);
        return firstPage == 0 && count == PageCount
            ? this
            : new PageSnapshot(Root, Shift, First + firstPage, count, -1, Source);
    }

    public override string ToString() => $"PageSnapshot({PageCount} pages)";
}
