using Fork.Actors;
using Fork.Messages;
using Xunit;
using static Fork.Tests.Spaces;

namespace Fork.Tests;

/// <summary>The heap grows geometrically past the stack; address space is free, only written pages cost.</summary>
public class LargeHeapSpec
{
    private const long GiB = 1L << 30;

    [Fact]
    public void Sparse_1_GiB_heap_forks_and_the_child_reads_its_touched_pages()
    {
        var (parent, account) = New();
        var block = parent.Malloc(GiB);
        ulong[] touched = [block, block + (ulong)GiB / 2 + 123, block + (ulong)GiB - 1];
        foreach (var at in touched) parent.Write(at, [(byte)(at % 251 + 1)]);

        var (child, childAccount) = ForkOf(parent);

        Assert.All(touched, at => Assert.Equal([(byte)(at % 251 + 1)], Read(child, at, 1)));
        Assert.Equal(3 * PageSize, parent.ChargedBytes);
        Assert.Equal(Plenty - 3 * PageSize, account.Balance.Ram);
        Assert.Equal(0, child.ChargedBytes);
        Assert.Equal(Plenty, childAccount.Balance.Ram);
        Assert.Equal(3 * PageSize, child.PeakBytes);
    }

    [Fact]
    public void Malloc_of_64_GiB_succeeds_and_costs_only_the_pages_written()
    {
        var (space, account) = New();

        var block = space.Malloc(64 * GiB);
        space.Write(block + (ulong)(64 * GiB) - 4, [1, 2, 3, 4]);

        Assert.Contains(space.Heap, r => r.Contains(block, 64 * GiB));
        Assert.Equal([1, 2, 3, 4], Read(space, block + (ulong)(64 * GiB) - 4, 4));
        Assert.Equal(PageSize, space.ChargedBytes);
        Assert.Equal(Plenty - PageSize, account.Balance.Ram);
    }

    [Fact]
    public void Heap_regions_grow_at_least_double_so_a_large_heap_takes_few()
    {
        var (space, _) = New();

        for (var i = 0; i < 4096; i++) space.Malloc(64 * 1024);

        Assert.InRange(space.Heap.Count, 2, 13);
        for (var i = 1; i < space.Heap.Count; i++)
        {
            Assert.True(space.Heap[i].Size >= 2 * space.Heap[i - 1].Size, $"region {i} is less than double the one before");
            Assert.Equal(space.Heap[i - 1].End, space.Heap[i].At);
        }
    }

    [Fact]
    public void Heap_that_reaches_the_stack_continues_above_it()
    {
        var (space, _) = New();
        space.Malloc(10);

        var block = space.Malloc(2 * GiB);
        space.Write(block, [9]);

        Assert.Equal(2, space.Heap.Count);
        Assert.Equal(space.Stack.End, space.Heap[1].At);
        Assert.Equal(block, space.Heap[1].At);
        Assert.Equal([9], Read(space, block, 1));
        Assert.Equal([0], Read(space, space.Stack.At, 1));
    }

    [Fact]
    public void Forked_child_grows_its_own_heap_from_64_KiB_after_the_parents()
    {
        var (parent, _) = New();
        parent.Malloc(GiB);
        var (child, _) = ForkOf(parent);

        var block = child.Malloc(10);

        Assert.Equal(new MemoryRegion("heap", "heap", parent.Heap[^1].End, MemoryLayout.HeapRegionSize), child.Heap[^1]);
        Assert.Equal(child.Heap[^1].At, block);
    }
}
