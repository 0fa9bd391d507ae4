using Fork.Actors;
using Fork.Messages;
using Xunit;
using static Fork.Tests.Spaces;

namespace Fork.Tests;

public class RegionAssemblySpec
{
    private static readonly MemoryRegion Region = new("heap", "heap", MemoryLayout.HeapBase, 6 * PageSize);

    private static readonly PageSnapshot Whole = PageSnapshot.FromPages(6, [(0, new byte[] { 10 }), (4, new byte[] { 14 }), (5, new byte[] { 15 })]);

    [Fact]
    public void One_chunk_covering_the_region_is_its_snapshot_as_it_is()
    {
        var assembled = RegionAssembly.Assemble(Region, [new MemoryChunk(Region.At, Region.Size, Whole.Slice(0, 6))]);

        Assert.Same(Whole, assembled);
    }

    [Fact]
    public void Chunks_that_tile_one_snapshot_in_any_order_give_it_back()
    {
        MemoryChunk[] chunks =
        [
            new(Region.At + 4 * PageSize, 2 * PageSize, Whole.Slice(4, 2)),
            new(Region.At, 4 * PageSize, Whole.Slice(0, 4)),
        ];

        var assembled = RegionAssembly.Assemble(Region, chunks);

        Assert.Same(Whole, assembled);
    }

    [Fact]
    public void Chunks_from_received_bytes_are_joined_page_by_page()
    {
        MemoryChunk[] chunks =
        [
            new(Region.At + 4 * PageSize, 2 * PageSize, PageSnapshot.FromPages(2, [(0, new byte[] { 14 }), (1, new byte[] { 15 })])),
            new(Region.At, 4 * PageSize, PageSnapshot.FromPages(4, [(0, new byte[] { 10 })])),
        ];

        var assembled = RegionAssembly.Assemble(Region, chunks);

        Assert.Equal(6, assembled.PageCount);
        Assert.Equal([(0L, (byte)10), (4L, (byte)14), (5L, (byte)15)], assembled.Present().Select(p => (p.Index, p.Page.Span[0])));
    }

    [Fact]
    public void Chunk_at_the_wrong_place_of_its_snapshot_is_joined_where_it_was_sent()
    {
        MemoryChunk[] chunks =
        [
            new(Region.At, 2 * PageSize, Whole.Slice(4, 2)),
            new(Region.At + 2 * PageSize, 4 * PageSize, Whole.Slice(0, 4)),
        ];

        var assembled = RegionAssembly.Assemble(Region, chunks);

        Assert.Equal([(0L, (byte)14), (1L, (byte)15), (2L, (byte)10)], assembled.Present().Select(p => (p.Index, p.Page.Span[0])));
    }
}
