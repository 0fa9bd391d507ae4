using Fork.Actors;
using Xunit;

namespace Fork.Tests;

/// <summary>A process's descriptor table alone: lowest free descriptor, set, remove, the limit.</summary>
public sealed class DescriptorTableSpec
{
    [Fact]
    public void A_new_descriptor_is_the_lowest_not_open()
    {
        var table = new DescriptorTable();
        Assert.Equal([0, 1, 2], [table.Allocate(10, false), table.Allocate(11, false), table.Allocate(12, false)]);

        table.Remove(1, out var removed);

        Assert.Equal(11, removed.Description);
        Assert.Equal(1, table.Allocate(13, true));
        Assert.Equal(3, table.Allocate(14, false));
        Assert.True(table.TryGet(1, out var reused) && reused.CloseOnExec);
        Assert.Equal(4, table.Count);
    }

    [Fact]
    public void Set_places_a_descriptor_anywhere_below_the_limit_and_open_lists_them_in_order()
    {
        var table = new DescriptorTable();
        table.Set(700, new Descriptor(7, false));
        table.Set(3, new Descriptor(3, true));

        Assert.Equal([3, 700], table.Open().Select(o => o.Fd));
        Assert.Equal(0, table.Allocate(1, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Set(DescriptorTable.Limit, new Descriptor(1, false)));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Set(-1, new Descriptor(1, false)));
    }

    [Fact]
    public void No_descriptor_is_given_when_every_one_below_the_limit_is_open()
    {
        var table = new DescriptorTable();
        for (var i = 0; i < DescriptorTable.Limit; i++) Assert.Equal(i, table.Allocate(i, false));

        Assert.Null(table.Allocate(9999, false));
        Assert.False(table.TryGet(-1, out _));
        Assert.False(table.Remove(DescriptorTable.Limit, out _));
    }

    [Fact]
    public void Take_all_closes_every_descriptor_and_gives_what_they_named()
    {
        var table = new DescriptorTable();
        table.Allocate(5, false);
        table.Set(9, new Descriptor(6, true));

        Assert.Equal([5L, 6L], table.TakeAll().Select(d => d.Description));
        Assert.Equal(0, table.Count);
        Assert.Empty(table.Open());
        // The process has ended: nothing opened late gets a descriptor (its libc gives the description back).
        Assert.True(table.IsClosed);
        Assert.Null(table.Allocate(7, false));
    }
}
