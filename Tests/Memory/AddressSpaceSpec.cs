using CsCheck;
using Fork.Actors;
using Fork.Messages;
using Xunit;

namespace Fork.Tests;

public class AddressSpaceSpec
{
    private const int Page = MemoryImage.PageSize;
    private const long Plenty = 1L << 30;

    private static (AddressSpace Space, QuotaAccount Account) NewSpace(long ram = Plenty, params string[] objects) => Spaces.New(ram, objects);

    private static (AddressSpace Child, QuotaAccount Account) Fork(AddressSpace parent, long ram = Plenty) => Spaces.ForkOf(parent, ram);

    private static byte[] ReadBytes(AddressSpace space, ulong address, int length) => Spaces.Read(space, address, length);

    private static byte[] Pattern(int length, byte seed = 1) => Spaces.Pattern(length, seed);

    [Fact]
    public void Malloc_returns_distinct_16_byte_aligned_addresses_inside_a_heap_region()
    {
        var (space, _) = NewSpace();
        var sizes = new long[] { 1, 15, 16, 17, 100, 0, 4096, 3 };
        var blocks = sizes.Select(size => (Address: space.Malloc(size), Size: Math.Max(size, 1))).ToList();

        Assert.Equal(blocks.Count, blocks.Select(b => b.Address).Distinct().Count());
        Assert.All(blocks, b => Assert.Equal(0UL, b.Address % 16));
        Assert.All(blocks, b => Assert.Contains(space.Heap, r => r.Contains(b.Address, b.Size)));
        var ordered = blocks.OrderBy(b => b.Address).ToList();
        for (var i = 1; i < ordered.Count; i++)
            Assert.True(ordered[i - 1].Address + (ulong)ordered[i - 1].Size <= ordered[i].Address, "blocks overlap");
    }

    [Fact]
    public void First_malloc_adds_a_64_KiB_heap_region_at_0x1100000()
    {
        var (space, _) = NewSpace();
        Assert.Empty(space.Heap);

        var address = space.Malloc(10);

        var region = Assert.Single(space.Heap);
        Assert.Equal(new MemoryRegion("heap", "heap", 0x1100000, 65536), region);
        Assert.Equal(0x1100000UL, address);
    }

    [Fact]
    public void Malloc_beyond_a_full_heap_region_adds_the_next_region_right_after_it()
    {
        var (space, _) = NewSpace();
        space.Malloc(65536 - 32);
        var next = space.Malloc(64);

        Assert.Equal(2, space.Heap.Count);
        Assert.Equal(space.Heap[0].End, space.Heap[1].At);
        Assert.Equal(space.Heap[1].At, next);
    }

    [Fact]
    public void Malloc_larger_than_a_heap_region_gets_a_region_rounded_up_to_pages()
    {
        var (space, _) = NewSpace();
        var address = space.Malloc(100_000);

        var region = Assert.Single(space.Heap);
        Assert.Equal(102_400, region.Size);
        Assert.True(region.Contains(address, 100_000));
    }

    [Fact]
    public void Malloc_of_a_negative_size_fails_with_EINVAL()
    {
        var (space, _) = NewSpace();
        var error = Assert.Throws<PosixException>(() => space.Malloc(-1));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Empty(space.Heap);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(1L << 47)]
    public void Malloc_beyond_the_address_range_fails_with_ENOMEM(long size)
    {
        var (space, _) = NewSpace();
        var error = Assert.Throws<PosixException>(() => space.Malloc(size));
        Assert.Equal(Errno.ENOMEM, error.Errno);
        Assert.Contains("address range", error.Message);
        Assert.Empty(space.Heap);
    }

    [Fact]
    public void Write_then_read_round_trips()
    {
        var (space, _) = NewSpace();
        var address = space.Malloc(64);
        var data = Pattern(64);

        space.Write(address, data);

        Assert.Equal(data, ReadBytes(space, address, 64));
    }

    [Fact]
    public void Write_then_read_round_trips_across_page_boundaries()
    {
        var (space, account) = NewSpace();
        var address = space.Stack.At + Page - 100;
        var data = Pattern(Page + 200);

        space.Write(address, data);

        Assert.Equal(data, ReadBytes(space, address, data.Length));
        Assert.Equal(3 * Page, space.ChargedBytes);
        Assert.Equal(Plenty - 3 * Page, account.Balance.Ram);
    }

    [Fact]
    public void Never_written_memory_reads_as_zeros()
    {
        var (space, _) = NewSpace();
        space.Write(space.Stack.At + 10, [7, 7, 7]);

        Assert.All(ReadBytes(space, space.Stack.At + 20, 2 * Page), b => Assert.Equal(0, b));
        Assert.All(ReadBytes(space, space.RwSegment("binary").At, 4720), b => Assert.Equal(0, b));
        Assert.Equal([0, 7, 7, 7, 0], ReadBytes(space, space.Stack.At + 9, 5));
    }

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(0x40100000UL - 1, 1)]          // just before the stack
    [InlineData(0x40100000UL - 2, 4)]          // straddling the stack's start
    [InlineData(0x40100000UL + 262144 - 2, 4)] // straddling the stack's end
    [InlineData(0x40100000UL + 262144, 1)]     // just after the stack
    [InlineData(0x1032000UL + 4720 - 1, 2)]    // straddling the end of binary's rw segment
    [InlineData(ulong.MaxValue - 1, 4)]        // would wrap around
    public void Access_outside_one_region_fails_with_EFAULT_and_changes_nothing(ulong address, int length)
    {
        var (space, account) = NewSpace();
        var before = account.Balance;

        var write = Assert.Throws<PosixException>(() => space.Write(address, Pattern(length, 9)));
        var read = Assert.Throws<PosixException>(() => space.Read(address, new byte[length]));

        Assert.Equal(Errno.EFAULT, write.Errno);
        Assert.Equal(Errno.EFAULT, read.Errno);
        Assert.Equal(before, account.Balance);
        Assert.Equal(0, space.ChargedBytes);
        Assert.All(ReadBytes(space, space.Stack.End - 2, 2), b => Assert.Equal(0, b));
        Assert.All(ReadBytes(space, space.RwSegment("binary").End - 1, 1), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Write_spanning_two_regions_writes_neither()
    {
        var (space, _) = NewSpace();
        space.Malloc(65536 - 16);
        space.Malloc(64); // second heap region, contiguous with the first
        var boundary = space.Heap[1].At;

        var error = Assert.Throws<PosixException>(() => space.Write(boundary - 4, Pattern(8)));

        Assert.Equal(Errno.EFAULT, error.Errno);
        Assert.Equal(new byte[8], ReadBytes(space, boundary - 4, 4).Concat(ReadBytes(space, boundary, 4)).ToArray());
    }

    [Fact]
    public void Fresh_space_has_the_documented_stack_and_rw_segments_and_no_heap()
    {
        var (space, _) = NewSpace(Plenty, "binary", "ld.lib.so", "libc.lib.so");

        Assert.Equal(new MemoryRegion("stack", "stack", 0x40100000, 262144), space.Stack);
        Assert.Equal(new MemoryRegion("rw", "binary", 0x1032000, 4720), space.RwSegment("binary"));
        Assert.Equal(new MemoryRegion("rw", "ld.lib.so", 0x1035000, 4720), space.RwSegment("ld.lib.so"));
        Assert.Equal(new MemoryRegion("rw", "libc.lib.so", 0x1038000, 4720), space.RwSegment("libc.lib.so"));
        Assert.Empty(space.Heap);
        Assert.Equal(0, space.ChargedBytes);
    }

    [Fact]
    public void RwSegment_of_an_unknown_object_fails_with_ENOENT()
    {
        var (space, _) = NewSpace();
        var error = Assert.Throws<PosixException>(() => space.RwSegment("nope.lib.so"));
        Assert.Equal(Errno.ENOENT, error.Errno);
    }

    [Fact]
    public void Forked_child_reads_the_parents_bytes()
    {
        var (parent, _) = NewSpace();
        var block = parent.Malloc(5000);
        parent.Write(block, Pattern(5000));
        parent.Write(parent.RwSegment("binary").At + 4000, Pattern(700, 3));

        var (child, _) = Fork(parent);

        Assert.Equal(Pattern(5000), ReadBytes(child, block, 5000));
        Assert.Equal(Pattern(700, 3), ReadBytes(child, child.RwSegment("binary").At + 4000, 700));
        Assert.Equal(parent.Heap, child.Heap);
        Assert.Equal(parent.Stack, child.Stack);
    }

    [Fact]
    public void Write_to_a_page_shared_after_fork_copies_it_for_the_writer_only()
    {
        var (parent, _) = NewSpace();
        var address = parent.Stack.At + 100;
        parent.Write(address, [1, 2, 3]);
        var (child, _) = Fork(parent);

        child.Write(address, [9]);

        Assert.Equal([9, 2, 3], ReadBytes(child, address, 3));
        Assert.Equal([1, 2, 3], ReadBytes(parent, address, 3));
    }

    [Fact]
    public void Parent_write_after_fork_is_invisible_to_the_child()
    {
        var (parent, _) = NewSpace();
        var address = parent.Stack.At + 100;
        parent.Write(address, [1, 2, 3]);
        var image = parent.Freeze();
        var child = AddressSpace.FromImage(image, new QuotaAccount(new Quota(Plenty, 10)));
        var frozenPage = image.Pages[parent.Stack.At][0].ToArray();

        parent.Write(address, [5, 5, 5]);
        parent.Write(address + Page, [6]); // a never-written page: the child keeps reading zero

        Assert.Equal([1, 2, 3], ReadBytes(child, address, 3));
        Assert.Equal([0], ReadBytes(child, address + Page, 1));
        Assert.Equal([5, 5, 5], ReadBytes(parent, address, 3));
        Assert.Equal(frozenPage, image.Pages[parent.Stack.At][0].ToArray());
        Assert.True(image.Pages[parent.Stack.At][1].IsEmpty);
    }

    [Fact]
    public void First_write_to_a_page_charges_4096_once()
    {
        var (space, account) = NewSpace();
        var address = space.Stack.At;

        space.Write(address, [1]);
        space.Write(address + 1, [2]);
        space.Write(address + Page - 1, [3]);

        Assert.Equal(Page, space.ChargedBytes);
        Assert.Equal(Plenty - Page, account.Balance.Ram);
    }

    [Fact]
    public void Reading_and_malloc_charge_nothing()
    {
        var (space, account) = NewSpace();
        space.Malloc(100_000);
        ReadBytes(space, space.Heap[0].At, 100_000);

        Assert.Equal(0, space.ChargedBytes);
        Assert.Equal(Plenty, account.Balance.Ram);
    }

    [Fact]
    public void Child_copy_on_write_charges_the_child_account_not_the_parents()
    {
        var (parent, parentAccount) = NewSpace();
        parent.Write(parent.Stack.At, Pattern(2 * Page));
        var (child, childAccount) = Fork(parent);
        var parentBefore = parentAccount.Balance.Ram;

        Assert.Equal(0, child.ChargedBytes);
        child.Write(parent.Stack.At + 10, [1]);
        child.Write(parent.Stack.At + 20, [2]);

        Assert.Equal(Page, child.ChargedBytes);
        Assert.Equal(Plenty - Page, childAccount.Balance.Ram);
        Assert.Equal(parentBefore, parentAccount.Balance.Ram);
        Assert.Equal(2 * Page, parent.ChargedBytes);
    }

    [Fact]
    public void Owner_rewriting_its_frozen_page_moves_the_charge_to_the_copy()
    {
        var (parent, account) = NewSpace();
        parent.Write(parent.Stack.At, [1]);
        var (child, _) = Fork(parent);

        parent.Write(parent.Stack.At, [2]);

        Assert.Equal(Page, parent.ChargedBytes);
        Assert.Equal(Plenty - Page, account.Balance.Ram);
        Assert.Equal([1], ReadBytes(child, parent.Stack.At, 1));
    }

    [Fact]
    public void Write_without_quota_fails_with_ENOMEM_and_writes_nothing()
    {
        var (space, account) = NewSpace(ram: 0);

        var error = Assert.Throws<PosixException>(() => space.Write(space.Stack.At, [1, 2, 3]));

        Assert.Equal(Errno.ENOMEM, error.Errno);
        Assert.Equal([0, 0, 0], ReadBytes(space, space.Stack.At, 3));
        Assert.Equal(0, space.ChargedBytes);
        Assert.Equal(0, account.Balance.Ram);
    }

    [Fact]
    public void Write_needing_two_pages_with_quota_for_one_writes_nothing()
    {
        var (space, account) = NewSpace(ram: Page);
        var address = space.Stack.At + Page - 2;

        var error = Assert.Throws<PosixException>(() => space.Write(address, [1, 2, 3, 4]));

        Assert.Equal(Errno.ENOMEM, error.Errno);
        Assert.Equal(new byte[4], ReadBytes(space, address, 4));
        Assert.Equal(Page, account.Balance.Ram);
    }

    [Fact]
    public void Child_copy_on_write_without_quota_fails_with_ENOMEM_and_keeps_the_shared_bytes()
    {
        var (parent, _) = NewSpace();
        parent.Write(parent.Stack.At, [1, 2]);
        var (child, _) = Fork(parent, ram: 0);

        var error = Assert.Throws<PosixException>(() => child.Write(parent.Stack.At, [9]));

        Assert.Equal(Errno.ENOMEM, error.Errno);
        Assert.Equal([1, 2], ReadBytes(child, parent.Stack.At, 2));
    }

    [Fact]
    public void Release_credits_back_everything_charged()
    {
        var (parent, parentAccount) = NewSpace();
        parent.Write(parent.Malloc(10_000), Pattern(10_000));
        parent.Write(parent.Stack.At, [1]);
        var (child, childAccount) = Fork(parent);
        parent.Write(parent.Stack.At, [2]);    // owner's copy: charge moves
        child.Write(child.Heap[0].At, [3]);     // child's copy: charged to the child

        parent.Release();
        child.Release();

        Assert.Equal(Plenty, parentAccount.Balance.Ram);
        Assert.Equal(Plenty, childAccount.Balance.Ram);
        Assert.Equal(0, parent.ChargedBytes);
        Assert.Equal(0, child.ChargedBytes);
    }

    [Fact]
    public void Access_after_release_fails_with_EFAULT()
    {
        var (space, account) = NewSpace();
        space.Write(space.Stack.At, [1]);
        space.Release();
        space.Release(); // twice credits once

        Assert.Equal(Errno.EFAULT, Assert.Throws<PosixException>(() => space.Write(space.Stack.At, [1])).Errno);
        Assert.Equal(Errno.EFAULT, Assert.Throws<PosixException>(() => space.Read(space.Stack.At, new byte[1])).Errno);
        Assert.Equal(Errno.EFAULT, Assert.Throws<PosixException>(() => space.Malloc(1)).Errno);
        Assert.Equal(Plenty, account.Balance.Ram);
    }

    [Fact]
    public void Freeze_lists_heap_regions_then_the_stack_then_rw_segments_in_load_order()
    {
        var (space, _) = NewSpace(Plenty, "binary", "ld.lib.so", "libc.lib.so");
        space.Malloc(65536);
        space.Malloc(65536);

        var image = space.Freeze();

        Assert.Equal(
            ["heap", "heap", "stack", "binary", "ld.lib.so", "libc.lib.so"],
            image.Regions.Select(r => r.Kind == "rw" ? r.Name : r.Kind));
        Assert.All(image.Regions, r => Assert.Equal((r.Size + Page - 1) / Page, image.Pages[r.At].PageCount));
        Assert.All(image.Pages.Values, p => Assert.Empty(p.Present()));
    }

    [Fact]
    public void Child_malloc_never_hands_out_a_block_the_parent_allocated()
    {
        var (parent, _) = NewSpace();
        var parentBlock = parent.Malloc(32);
        parent.Write(parentBlock, Pattern(32));
        var (child, _) = Fork(parent);

        var childBlock = child.Malloc(32);
        child.Write(childBlock, Pattern(32, 77));

        Assert.True(childBlock >= parentBlock + 32);
        Assert.Equal(Pattern(32), ReadBytes(child, parentBlock, 32));
        Assert.Equal(2, child.Heap.Count);
    }

    [Fact]
    public void Grandchild_reads_pages_its_parent_shared_from_the_grandparent()
    {
        var (grandparent, _) = NewSpace();
        grandparent.Write(grandparent.Stack.At, [1]);
        var (parent, parentAccount) = Fork(grandparent);
        parent.Write(parent.Stack.At + Page, [2]);

        var (grandchild, _) = Fork(parent);
        parent.Release();

        Assert.Equal([1], ReadBytes(grandchild, grandchild.Stack.At, 1));
        Assert.Equal([2], ReadBytes(grandchild, grandchild.Stack.At + Page, 1));
        Assert.Equal(Plenty, parentAccount.Balance.Ram);
    }

    [Fact]
    public void PeakBytes_grows_with_mapped_pages_and_stays_after_release()
    {
        var (space, _) = NewSpace();
        Assert.Equal(0, space.PeakBytes);

        space.Write(space.Stack.At, [1]);
        var one = space.PeakBytes;
        space.Write(space.Stack.At + Page, new byte[2 * Page]);
        var three = space.PeakBytes;
        space.Release();

        Assert.Equal(Page, one);
        Assert.Equal(3 * Page, three);
        Assert.Equal(3 * Page, space.PeakBytes);
    }

    [Fact]
    public void Child_peak_counts_the_shared_pages_it_maps()
    {
        var (parent, _) = NewSpace();
        parent.Write(parent.Stack.At, new byte[2 * Page]);
        var (child, _) = Fork(parent);

        child.Write(child.Stack.At, [1]);

        Assert.Equal(2 * Page, child.PeakBytes);
        Assert.Equal(Page, child.ChargedBytes);
    }

    [Fact]
    public void Random_writes_read_back_like_a_flat_byte_array_across_forks()
    {
        var size = (int)MemoryLayout.StackSize;
        var write = Gen.Select(Gen.Int[0, size - 1], Gen.Byte.Array[0, 3 * Page], Gen.Bool);
        write.Array[1, 30].Sample(writes =>
        {
            var (space, _) = NewSpace();
            var model = new byte[size];
            foreach (var (start, data, fork) in writes)
            {
                var at = Math.Min(start, size - data.Length);
                if (fork) space = Fork(space).Child;
                space.Write(space.Stack.At + (ulong)at, data);
                data.CopyTo(model, at);
            }

            Assert.Equal(model, ReadBytes(space, space.Stack.At, size));
        }, iter: 50);
    }
}
