using CsCheck;
using Fork.Messages;
using Xunit;
using static Fork.Tests.Spaces;

namespace Fork.Tests;

public class PageSnapshotSpec
{
    [Fact]
    public void FromPages_round_trips_through_Present()
    {
        var pages = Gen.Select(Gen.Long[0, 5000], Gen.Byte.Array[1, PageSize]).Array[0, 60];
        Gen.Select(Gen.Long[1, 5001], pages).Sample((count, given) =>
        {
            var expected = given.Where(p => p.Item1 < count).DistinctBy(p => p.Item1).OrderBy(p => p.Item1).ToList();

            var snapshot = PageSnapshot.FromPages(count, expected.Select(p => (p.Item1, (ReadOnlyMemory<byte>)p.Item2)).Reverse());

            Assert.Equal(count, snapshot.PageCount);
            Assert.Equal(expected.Count, snapshot.PresentPages);
            Assert.Equal(expected.Select(p => p.Item1), snapshot.Present().Select(p => p.Index));
            Assert.Equal(expected.Select(p => p.Item2), snapshot.Present().Select(p => p.Page.ToArray()));
        }, iter: 100);
    }

    [Fact]
    public void Slice_shows_a_run_of_pages_indexed_from_its_start()
    {
        var snapshot = PageSnapshot.FromPages(100, [(3, new byte[] { 3 }), (40, new byte[] { 40 }), (41, new byte[] { 41 }), (99, new byte[] { 99 })]);

        var slice = snapshot.Slice(40, 50);

        Assert.Equal(50, slice.PageCount);
        Assert.Equal(2, slice.PresentPages);
        Assert.Equal([(0L, (byte)40), (1L, (byte)41)], slice.Present().Select(p => (p.Index, p.Page.Span[0])));
        Assert.Equal(41, slice[1].Span[0]);
        Assert.True(slice[2].IsEmpty);
        Assert.Equal([(0L, (byte)41)], slice.Slice(1, 3).Present().Select(p => (p.Index, p.Page.Span[0])));
        Assert.Same(snapshot, snapshot.Slice(0, 100));
    }

    [Fact]
    public void Empty_snapshot_has_no_pages_and_reads_as_never_written()
    {
        var empty = PageSnapshot.Empty(1L << 24);

        Assert.Equal(1L << 24, empty.PageCount);
        Assert.Equal(0, empty.PresentPages);
        Assert.Empty(empty.Present());
        Assert.True(empty[(1L << 24) - 1].IsEmpty);
    }

    [Fact]
    public void Page_outside_the_snapshot_is_out_of_range()
    {
        var snapshot = PageSnapshot.Empty(4);

        Assert.Throws<ArgumentOutOfRangeException>(() => snapshot[4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => snapshot[-1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.Slice(2, 3));
    }

    [Fact]
    public void FromPages_refuses_a_page_outside_the_region_too_long_or_given_twice()
    {
        Assert.Throws<ArgumentException>(() => PageSnapshot.FromPages(2, [(2, new byte[1])]));
        Assert.Throws<ArgumentException>(() => PageSnapshot.FromPages(2, [(0, new byte[PageSize + 1])]));
        Assert.Throws<ArgumentException>(() => PageSnapshot.FromPages(2, [(1, new byte[1]), (1, new byte[1])]));
    }

    [Fact]
    public void FromPages_shares_the_bytes_it_is_given()
    {
        var bytes = new byte[PageSize];

        var snapshot = PageSnapshot.FromPages(1, [(0, bytes)]);

        Assert.Same(bytes, ArrayOf(snapshot[0]));
    }
}
