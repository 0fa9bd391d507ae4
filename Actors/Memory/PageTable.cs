using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The pages of one region. A page is in one of three states: never written (reads as zeros),
/// owned (a writable array of this address space) or frozen (shared after fork, never mutated
/// again; a write copies it first). A frozen page is "charged" when this space owned it before
/// it froze it: the charge stays with the owner until the owner copies the page, at which point
/// the charge moves to the copy and the frozen original is charged to nobody.
/// Not thread safe: <see cref="AddressSpace"/> calls it under its lock.
/// </summary>
internal sealed class PageTable
{
    private const int PageSize = MemoryImage.PageSize;
    private const int PageShift = 12;

    private readonly byte[]?[] _owned;
    private readonly ReadOnlyMemory<byte>[] _frozen;
    private readonly bool[] _frozenCharged;

    /// <param name="shared">Frozen pages of a forked parent (not charged to this space), or null.</param>
    public PageTable(MemoryRegion region, ReadOnlyMemory<byte>[]? shared = null)
    {
        Region = region;
        var count = (int)((region.Size + PageSize - 1) >> PageShift);
        _owned = new byte[]?[count];
        _frozen = new ReadOnlyMemory<byte>[count];
        _frozenCharged = new bool[count];
        if (shared is null) return;
        if (shared.Length > count)
            throw new ArgumentException($"The image has {shared.Length} pages for {region.Kind} region {region.Name} at 0x{region.At:x}, which holds {count}.", nameof(shared));
        for (var i = 0; i < shared.Length; i++)
        {
            if (shared[i].Length > PageSize)
                throw new ArgumentException($"Page {i} of region 0x{region.At:x} has {shared[i].Length} bytes, more than a page.", nameof(shared));
            _frozen[i] = shared[i];
        }
    }

    public MemoryRegion Region { get; }

    /// <summary>Pages that hold data (owned or frozen).</summary>
    public int MappedPages()
    {
        var mapped = 0;
        for (var i = 0; i < _owned.Length; i++)
            if (_owned[i] is not null || !_frozen[i].IsEmpty) mapped++;
        return mapped;
    }

    /// <summary>
    /// What writing <paramref name="length"/> bytes at <paramref name="offset"/> would cost:
    /// pages to charge (never-written pages and frozen pages of another owner) and, among them,
    /// pages never written before (which become newly mapped).
    /// </summary>
    public int PagesToCharge(long offset, int length, out int newlyMapped)
    {
        newlyMapped = 0;
        if (length == 0) return 0;
        var charge = 0;
        var last = (int)((offset + length - 1) >> PageShift);
        for (var i = (int)(offset >> PageShift); i <= last; i++)
        {
            if (_owned[i] is not null || _frozenCharged[i]) continue;
            charge++;
            if (_frozen[i].IsEmpty) newlyMapped++;
        }

        return charge;
    }

    /// <summary>Writes <paramref name="data"/>; the caller has charged <see cref="PagesToCharge"/> first.</summary>
    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var index = (int)(offset >> PageShift);
            var within = (int)(offset & (PageSize - 1));
            var n = Math.Min(PageSize - within, data.Length);
            data[..n].CopyTo(WritablePage(index).AsSpan(within));
            data = data[n..];
            offset += n;
        }
    }

    public void Read(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var index = (int)(offset >> PageShift);
            var within = (int)(offset & (PageSize - 1));
            var n = Math.Min(PageSize - within, destination.Length);
            var target = destination[..n];
            var owned = _owned[index];
            if (owned is not null)
            {
                owned.AsSpan(within, n).CopyTo(target);
            }
            else
            {
                // A frozen page may be shorter than a page (bytes from a transport); the rest is zeros.
                var frozen = _frozen[index].Span;
                var available = Math.Clamp(frozen.Length - within, 0, n);
                frozen.Slice(Math.Min(within, frozen.Length), available).CopyTo(target);
                target[available..].Clear();
            }

            destination = destination[n..];
            offset += n;
        }
    }

    /// <summary>Freezes every owned page (keeping its charge) and returns a copy of the frozen table.</summary>
    public ReadOnlyMemory<byte>[] Freeze()
    {
        for (var i = 0; i < _owned.Length; i++)
        {
            var page = _owned[i];
            if (page is null) continue;
            _frozen[i] = page;
            _frozenCharged[i] = true;
            _owned[i] = null;
        }

        return (ReadOnlyMemory<byte>[])_frozen.Clone();
    }

    /// <summary>Forgets every page (the caller credits the charges back).</summary>
    public void Drop()
    {
        Array.Clear(_owned);
        Array.Clear(_frozen);
        Array.Clear(_frozenCharged);
    }

    private byte[] WritablePage(int index)
    {
        var page = _owned[index];
        if (page is not null) return page;
        page = new byte[PageSize];
        var frozen = _frozen[index];
        if (!frozen.IsEmpty)
        {
            frozen.Span.CopyTo(page);
            _frozen[index] = default;
            _frozenCharged[index] = false;
        }

        _owned[index] = page;
        return page;
    }
}
