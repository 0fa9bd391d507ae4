using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// A process's memory: the stack, one rw segment per loaded object and heap regions, at fixed
/// addresses, backed by 4 KiB pages. Every access is bounds checked against a single region
/// (<see cref="Errno.EFAULT"/> otherwise, nothing written). After <see cref="Freeze"/> the pages
/// are shared with a forked child and copied on first write by either side.
/// </summary>
/// <remarks>
/// Accounting: the first write to a never-written page charges 4096 bytes to the process's RAM
/// account (<see cref="Errno.ENOMEM"/> when it lacks them, nothing written). A frozen page stays
/// charged to the space that owned it; when that owner writes it again, the charge moves to its
/// private copy and the frozen original is charged to nobody (no account traffic). A page shared
/// into a child is not charged to the child until the child copies it, which charges 4096.
/// </remarks>
public sealed class AddressSpace
{
    private const int PageSize = MemoryImage.PageSize;

    private readonly Lock _gate = new();
    private readonly QuotaAccount _account;
    private readonly object _owner = new();
    private readonly PageMap _stack;
    private readonly PageMap[] _rw;
    private readonly List<PageMap> _heap;
    private IReadOnlyList<MemoryRegion> _heapView;
    private PageMap[] _byAddress;
    private PageMap? _lastHit;
    private EditToken _edit;
    private ulong _heapCursor;
    private ulong _heapEnd;
    // A child starts its own growth again at 64 KiB, so a chain of forks does not double its way through the address range.
    private long _lastHeapGrowth;
    private long _chargedPages;
    private long _mappedPages;
    private long _peakMappedPages;
    private bool _released;

    private AddressSpace(PageMap stack, PageMap[] rw, List<PageMap> heap, QuotaAccount account)
    {
        _account = account;
        _edit = new EditToken(_owner);
        _stack = stack;
        _rw = rw;
        _heap = heap;
        for (var i = 1; i < rw.Length; i++)
            for (var j = 0; j < i; j++)
                if (rw[i].Region.Name == rw[j].Region.Name)
                    throw new ArgumentException($"Two rw segments are named {rw[i].Region.Name}.");
        _byAddress = SortByAddress([stack, .. rw, .. heap]);
        _heapView = HeapView(heap);
        if (heap.Count > 0) _heapCursor = _heapEnd = MemoryLayout.PageAlign(heap[^1].Region.End);
        foreach (var map in _byAddress) _mappedPages += map.PresentPages;
        _peakMappedPages = _mappedPages;
    }

    public MemoryRegion Stack => _stack.Region;

    /// <summary>The heap regions in address order (a snapshot; it grows as <see cref="Malloc"/> adds regions).</summary>
    public IReadOnlyList<MemoryRegion> Heap
    {
        get { lock (_gate) return _heapView; }
    }

    /// <summary>Bytes currently charged to the account: pages this space owns × 4096.</summary>
    internal long ChargedBytes
    {
        get { lock (_gate) return _chargedPages * PageSize; }
    }

    /// <summary>Peak of the pages mapped (owned or shared, never-written pages excluded) × 4096.</summary>
    internal long PeakBytes
    {
        get { lock (_gate) return _peakMappedPages * PageSize; }
    }

    /// <summary>A fresh image: the stack and one rw segment per loaded object, no heap yet, nothing charged.</summary>
    internal static AddressSpace Create(IReadOnlyList<string> loadedObjects, QuotaAccount account)
    {
        ArgumentNullException.ThrowIfNull(loadedObjects);
        ArgumentNullException.ThrowIfNull(account);
        var rw = Array.ConvertAll(MemoryLayout.RwSegments(loadedObjects), r => new PageMap(r));
        return new AddressSpace(new PageMap(MemoryLayout.Stack), rw, [], account);
    }

    /// <summary>
    /// A forked child's space: the image's regions, adopting each region's frozen trie (O(regions):
    /// no page or byte copied, nothing charged to <paramref name="account"/>). The child's next
    /// <see cref="Malloc"/> starts a new heap region after the last one, so it never hands out a
    /// block the parent had allocated.
    /// </summary>
    internal static AddressSpace FromImage(MemoryImage image, QuotaAccount account)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(account);
        PageMap? stack = null;
        var rw = new List<PageMap>();
        var heap = new List<PageMap>();
        foreach (var region in image.Regions)
        {
            var table = image.Pages.TryGetValue(region.At, out var pages) ? new PageMap(region, pages) : new PageMap(region);
            switch (region.Kind)
            {
                case "stack" when stack is null: stack = table; break;
                case "rw": rw.Add(table); break;
                case "heap": heap.Add(table); break;
                default: throw new ArgumentException($"The image has an unexpected {region.Kind} region at 0x{region.At:x}.", nameof(image));
            }
        }

        if (stack is null) throw new ArgumentException("The image has no stack region.", nameof(image));
        heap.Sort((a, b) => a.Region.At.CompareTo(b.Region.At));
        return new AddressSpace(stack, [.. rw], heap, account);
    }

    /// <summary>The rw segment (data of a loaded object); "binary" is the program's own.</summary>
    public MemoryRegion RwSegment(string objectName) =>
        Array.Find(_rw, map => map.Region.Name == objectName)?.Region
        ?? throw new PosixException(Errno.ENOENT, $"No loaded object is named {objectName}.");

    /// <summary>A new heap block, 16-byte aligned; a size of 0 gets a unique address too.</summary>
    public ulong Malloc(long size)
    {
        if (size < 0) throw new PosixException(Errno.EINVAL, $"Malloc of a negative size ({size}).");
        lock (_gate)
        {
            ThrowIfReleased();
            var room = (long)(MemoryLayout.HeapLimit - MemoryLayout.HeapBase);
            if (size > room) throw new PosixException(Errno.ENOMEM, $"Malloc of {size} bytes exceeds the heap's address range of {room} bytes.");
            var need = (ulong)MemoryLayout.Align(Math.Max(size, 1), MemoryLayout.MallocAlignment);
            if (_heapEnd - _heapCursor < need) AddHeapRegion((long)need);
            var address = _heapCursor;
            _heapCursor += need;
            return address;
        }
    }

    public void Write(ulong address, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            var table = Find(address, data.Length);
            var offset = (long)(address - table.Region.At);
            var charge = table.PagesToCharge(offset, data.Length, _owner, out var newlyMapped);
            if (charge > 0 && !_account.TryCharge((long)charge * PageSize))
                throw new PosixException(Errno.ENOMEM, $"Writing {data.Length} bytes at 0x{address:x} needs {charge} new page(s) and the RAM quota has not enough left.");
            table.Write(offset, data, _edit);
            _chargedPages += charge;
            _mappedPages += newlyMapped;
            if (_mappedPages > _peakMappedPages) _peakMappedPages = _mappedPages;
        }
    }

    public void Read(ulong address, Span<byte> destination)
    {
        lock (_gate)
        {
            var table = Find(address, destination.Length);
            table.Read((long)(address - table.Region.At), destination);
        }
    }

    /// <summary>
    /// Snapshot for fork: the regions in clone order (heap, stack, rw segments in load order) and
    /// each region's trie keyed by its address, in O(regions). The space takes a new edit token, so
    /// every node and page it made so far is frozen: the next write by either side copies one page
    /// and the few nodes on its path. A region unchanged since the last freeze gives the same trie.
    /// </summary>
    internal MemoryImage Freeze()
    {
        lock (_gate)
        {
            ThrowIfReleased();
            var regions = new List<MemoryRegion>(_heap.Count + 1 + _rw.Length);
            var pages = new Dictionary<ulong, PageSnapshot>(regions.Capacity);
            foreach (var table in _heap) Add(table);
            Add(_stack);
            foreach (var table in _rw) Add(table);
            _edit = new EditToken(_owner);
            return new MemoryImage(regions, pages);

            void Add(PageMap table)
            {
                regions.Add(table.Region);
                pages.Add(table.Region.At, table.Freeze());
            }
        }
    }

    /// <summary>The process ended: credit back every byte charged (a counter, no walk) and drop the pages; later accesses fault.</summary>
    internal void Release()
    {
        lock (_gate)
        {
            if (_released) return;
            _released = true;
            foreach (var table in _byAddress) table.Drop();
            _account.Credit(new Quota(_chargedPages * PageSize, 0));
            _chargedPages = 0;
            _mappedPages = 0;
            _lastHit = null;
        }
    }

    private PageMap Find(ulong address, int length)
    {
        ThrowIfReleased();
        var last = _lastHit;
        if (last is not null && Fits(last.Region, address, length)) return last;
        var tables = _byAddress;
        int lo = 0, hi = tables.Length - 1, candidate = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (tables[mid].Region.At <= address) { candidate = mid; lo = mid + 1; }
            else hi = mid - 1;
        }

        if (candidate < 0 || !Fits(tables[candidate].Region, address, length))
            throw new PosixException(Errno.EFAULT, $"The range 0x{address:x}+{length} is not inside one region.");
        return _lastHit = tables[candidate];
    }

    private static bool Fits(MemoryRegion region, ulong address, int length) =>
        address >= region.At
        && address - region.At <= (ulong)region.Size
        && (ulong)length <= (ulong)region.Size - (address - region.At);

    private void AddHeapRegion(long need)
    {
        var region = MemoryLayout.NextHeapRegion(_heap.Count == 0 ? 0 : _heap[^1].Region.End, _lastHeapGrowth, need);
        foreach (var table in _byAddress)
            if (region.At < table.Region.End && table.Region.At < region.End)
                throw new PosixException(Errno.ENOMEM, $"A heap region of {region.Size} bytes at 0x{region.At:x} would overlap the {table.Region.Kind} region at 0x{table.Region.At:x}.");
        var added = new PageMap(region);
        _heap.Add(added);
        _heapView = HeapView(_heap);
        _byAddress = SortByAddress([.. _byAddress, added]);
        _heapCursor = region.At;
        _heapEnd = region.End;
        _lastHeapGrowth = region.Size;
    }

    private void ThrowIfReleased()
    {
        if (_released) throw new PosixException(Errno.EFAULT, "The address space was released when its process ended.");
    }

    private static IReadOnlyList<MemoryRegion> HeapView(List<PageMap> heap) =>
        Array.AsReadOnly(heap.ConvertAll(t => t.Region).ToArray());

    private static PageMap[] SortByAddress(PageMap[] tables)
    {
        Array.Sort(tables, (a, b) => a.Region.At.CompareTo(b.Region.At));
        for (var i = 1; i < tables.Length; i++)
            if (tables[i].Region.At < tables[i - 1].Region.End)
                throw new ArgumentException($"The region at 0x{tables[i].Region.At:x} overlaps the one at 0x{tables[i - 1].Region.At:x}.");
        return tables;
    }
}
