namespace Fork.Messages;

/// <summary>
/// Lookup, path-copying update and ordered walk of a region's page trie. A trie of shift s has
/// s / 5 + 1 levels and indexes pages 0 .. 32^(s/5+1) - 1; a missing node or page was never written.
/// </summary>
internal static class PageTrie
{
    /// <summary>The root's shift for a region of <paramref name="pageCount"/> pages (one level holds 32).</summary>
    public static int ShiftFor(long pageCount)
    {
        var shift = 0;
        while (shift < 60 && pageCount > 1L << (shift + PageNode.Bits)) shift += PageNode.Bits;
        return shift;
    }

    public static Page? Find(PageNode? root, int shift, long index)
    {
        var node = root;
        for (var s = shift; s > 0 && node is not null; s -= PageNode.Bits)
            node = (PageNode?)node.Slots[(index >> s) & PageNode.Mask];
        return (Page?)node?.Slots[index & PageNode.Mask];
    }

    /// <summary>The slot of page <paramref name="index"/>, after making every node on its path editable by <paramref name="edit"/>.</summary>
    public static ref object? Slot(ref PageNode? root, int shift, long index, EditToken edit)
    {
        var node = root = PageNode.EditableBy(root, edit);
        for (var s = shift; s > 0; s -= PageNode.Bits)
        {
            ref var slot = ref node.Slots[(index >> s) & PageNode.Mask];
            var child = PageNode.EditableBy((PageNode?)slot, edit);
            slot = child;
            node = child;
        }

        return ref node.Slots[index & PageNode.Mask];
    }

    /// <summary>The written pages with index in [<paramref name="first"/>, <paramref name="end"/>), in index order.</summary>
    public static IEnumerable<(long Index, Page Page)> Present(PageNode? root, int shift, long first, long end) =>
        root is null || first >= end ? [] : Walk(root, shift, 0, first, end);

    public static long Count(PageNode? root, int shift, long first, long end)
    {
        long count = 0;
        foreach (var _ in Present(root, shift, first, end)) count++;
        return count;
    }

    private static IEnumerable<(long Index, Page Page)> Walk(PageNode node, int shift, long @base, long first, long end)
    {
        var span = 1L << shift;
        var from = (int)Math.Max(0, (first - @base) >> shift);
        var to = (int)Math.Min(PageNode.Mask, (end - 1 - @base) >> shift);
        for (var i = from; i <= to; i++)
        {
            var slot = node.Slots[i];
            if (slot is null) continue;
            var at = @base + i * span;
            if (shift == 0)
            {
                yield return (at, (Page)slot);
                continue;
            }

            foreach (var found in Walk((PageNode)slot, shift - PageNode.Bits, at, first, end))
                yield return found;
        }
    }
}
