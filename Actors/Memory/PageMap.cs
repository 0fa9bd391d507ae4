using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The pages of one region: a persistent 32-way trie (<see cref="PageTrie"/>) edited under the
/// space's current <see cref="EditToken"/>. Nodes and pages of an older token are shared with a
/// snapshot and copied on write, so <see cref="Freeze"/> costs nothing per page. A page is charged
/// to the space whose token's owner made it: the owner rewriting it after a fork keeps the charge
/// (the copy takes it), anyone else pays 4096 for their copy.
/// Not thread safe: <see cref="AddressSpace"/> calls it under its lock.
/// </summary>
internal sealed class PageMap
{
    private const int PageSize = MemoryImage.PageSize;
    private const int PageShift = 12;

    private readonly int _shift;
    private PageNode? _root;

    public PageMap(MemoryRegion region)
    {
        Region = region;
        PageCount = (region.Size + PageSize - 1) >> PageShift;
        _shift = PageTrie.ShiftFor(PageCount);
    }

    /// <summary>A forked child's region: adopts the snapshot's trie when it is whole, else copies the page references.</summary>
    public PageMap(MemoryRegion region, PageSnapshot snapshot)
        : this(region)
    {
        if (snapshot.PageCount > PageCount)
            throw new ArgumentException($"The image has {snapshot.PageCount} pages for {region.Kind} region {region.Name} at 0x{region.At:x}, which holds {PageCount}.", nameof(snapshot));
        if (snapshot.Whole && snapshot.Shift == _shift)
        {
            _root = snapshot.Root;
            PresentPages = snapshot.PresentPages;
            return;
        }

        var import = new EditToken(null);
        foreach (var (index, bytes) in snapshot.Present())
        {
            PageTrie.Slot(ref _root, _shift, index, import) = new Page(bytes);
            PresentPages++;
        }
    }

    public MemoryRegion Region { get; }

    public long PageCount { get; }

    /// <summary>Pages that hold data (written here or shared from a parent).</summary>
    public long PresentPages { get; private set; }

    /// <summary>
    /// What writing <paramref name="length"/> bytes at <paramref name="offset"/> would cost
    /// <paramref name="owner"/>: pages to charge (never written, or made by another owner) and,
    /// among them, pages never written before (which become newly mapped).
    /// </summary>
    public int PagesToCharge(long offset, int length, object owner, out int newlyMapped)
    {
        newlyMapped = 0;
        if (length == 0) return 0;
        var charge = 0;
        var last = (offset + length - 1) >> PageShift;
        for (var i = offset >> PageShift; i <= last; i++)
        {
            var page = PageTrie.Find(_root, _shift, i);
            if (page is not null && ReferenceEquals(page.Edit?.Owner, owner)) continue;
            charge++;
            if (page is null) newlyMapped++;
        }

        return charge;
    }

    /// <summary>Writes <paramref name="data"/> under <paramref name="edit"/>; the caller has charged <see cref="PagesToCharge"/> first.</summary>
    public void Write(long offset, ReadOnlySpan<byte> data, EditToken edit)
    {
        while (!data.IsEmpty)
        {
            var within = (int)(offset & (PageSize - 1));
            var n = Math.Min(PageSize - within, data.Length);
            data[..n].CopyTo(WritablePage(offset >> PageShift, edit).AsSpan(within));
            data = data[n..];
            offset += n;
        }
    }

    public void Read(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var within = (int)(offset & (PageSize - 1));
            var n = Math.Min(PageSize - within, destination.Length);
            var target = destination[..n];
            var page = PageTrie.Find(_root, _shift, offset >> PageShift);
            var bytes = page is null ? default : page.Bytes.Span;
            var available = Math.Clamp(bytes.Length - within, 0, n);
            bytes.Slice(Math.Min(within, bytes.Length), available).CopyTo(target);
            target[available..].Clear();
            destination = destination[n..];
            offset += n;
        }
    }

    /// <summary>The current trie as it is; the caller then moves to a new token so it is never changed again.</summary>
    public PageSnapshot Freeze() => new(_root, _shift, 0, PageCount, PresentPages);

    /// <summary>Forgets every page (the caller credits the charges back).</summary>
    public void Drop()
    {
        _root = null;
        PresentPages = 0;
    }

    private byte[] WritablePage(long index, EditToken edit)
    {
        ref var slot = ref PageTrie.Slot(ref _root, _shift, index, edit);
        var page = (Page?)slot;
        if (page?.WritableBy(edit) is { } writable) return writable;
        var bytes = new byte[PageSize];
        if (page is null) PresentPages++;
        else page.Bytes.Span.CopyTo(bytes);
        slot = new Page(bytes, edit);
        return bytes;
    }
}
