using Fork.Actors;
using Fork.Messages;
using Xunit;
using static Fork.Tests.Spaces;

namespace Fork.Tests;

/// <summary>Freeze hands out the regions' tries as they are: its cost is per region, never per page.</summary>
public class FreezeSpec
{
    private const int Touched = 4096;

    private static (AddressSpace Space, ulong Block) TouchedHeap()
    {
        var (space, _) = New();
        var block = space.Malloc(Touched * PageSize);
        for (var i = 0; i < Touched; i++) space.Write(block + (ulong)i * PageSize, [(byte)i]);
        return (space, block);
    }

    [Fact]
    public void Freeze_of_an_unchanged_space_returns_the_same_tries()
    {
        var (space, _) = TouchedHeap();

        var first = space.Freeze();
        var second = space.Freeze();

        Assert.All(first.Regions, r => Assert.Same(first.Pages[r.At].Root, second.Pages[r.At].Root));
        Assert.NotNull(first.Pages[space.Heap[0].At].Root);
        Assert.Equal(Touched, second.Pages[space.Heap[0].At].PresentPages);
    }

    [Fact]
    public void Write_after_freeze_copies_one_page_and_the_nodes_on_its_path()
    {
        var (space, block) = TouchedHeap();
        var before = space.Freeze().Pages[space.Heap[0].At];

        space.Write(block + 1000 * PageSize, [7]);
        var after = space.Freeze().Pages[space.Heap[0].At];

        var (nodes, pages) = Unshared(before.Root, after.Root!, after.Shift);
        Assert.Equal(after.Shift / PageNode.Bits + 1, nodes);
        Assert.Equal(1, pages);
    }

    [Fact]
    public void FromImage_adopts_the_parents_tries()
    {
        var (parent, _) = TouchedHeap();
        var image = parent.Freeze();

        var child = AddressSpace.FromImage(image, new QuotaAccount(new Quota(Plenty, 10)));
        var childImage = child.Freeze();

        Assert.All(image.Regions, r => Assert.Same(image.Pages[r.At].Root, childImage.Pages[r.At].Root));
        Assert.Equal(0, child.ChargedBytes);
        Assert.Equal(Touched * PageSize, child.PeakBytes);
    }

    [Fact]
    public void FromImage_of_a_partial_snapshot_sees_only_its_own_pages()
    {
        var region = new MemoryRegion("stack", "stack", MemoryLayout.StackAt, 2 * PageSize);
        var wider = PageSnapshot.FromPages(4, [(1, new byte[] { 1 }), (2, new byte[] { 2 })]);
        var image = new MemoryImage([region], new Dictionary<ulong, PageSnapshot> { [region.At] = wider.Slice(0, 2) });

        var space = AddressSpace.FromImage(image, new QuotaAccount(new Quota(Plenty, 10)));

        Assert.Equal([0, 1], [Read(space, region.At, 1)[0], Read(space, region.At + PageSize, 1)[0]]);
        Assert.Equal(PageSize, space.PeakBytes);
        Assert.Equal(2, space.Freeze().Pages[region.At].PageCount);
    }

    /// <summary>Nodes and pages of <paramref name="after"/> that <paramref name="before"/> does not hold at the same place.</summary>
    private static (int Nodes, int Pages) Unshared(PageNode? before, PageNode after, int shift)
    {
        if (ReferenceEquals(before, after)) return (0, 0);
        var (nodes, pages) = (1, 0);
        for (var i = 0; i < PageNode.Width; i++)
        {
            var old = before?.Slots[i];
            var now = after.Slots[i];
            if (now is null || ReferenceEquals(old, now)) continue;
            if (shift == 0)
            {
                pages++;
                continue;
            }

            var (n, p) = Unshared((PageNode?)old, (PageNode)now, shift - PageNode.Bits);
            nodes += n;
            pages += p;
        }

        return (nodes, pages);
    }
}
