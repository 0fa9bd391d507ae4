using Akka.Actor;
using Akka.TestKit;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// The clone session (Genode's Local_clone_service) with a two-page buffer and a hand-made image whose every page
/// holds a distinct byte, so a chunk shows which pages it carries.
/// </summary>
public sealed class CloneServiceSpec : Akka.TestKit.Xunit2.TestKit
{
    private const int Pid = 5;
    private const int Buffer = 2 * MemoryImage.PageSize;
    private const int PageSize = MemoryImage.PageSize;
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);
    private static readonly Quota Enough = new(Buffer + 4096L, 2);
    private static readonly MemoryRegion Heap = new("heap", "heap", MemoryLayout.HeapBase, 5 * PageSize);
    private static readonly MemoryRegion Stack = new("stack", "stack", MemoryLayout.StackAt, PageSize);
    private static readonly MemoryRegion Rw = new("rw", "binary", MemoryLayout.FirstRwAt, MemoryLayout.RwSize);
    private static readonly InheritedDescriptor[] Descriptors = [new(0, 11, false), new(3, 12, true)];

    private readonly TestProbe _fs;
    private readonly TestProbe _forkedChild;
    private readonly IActorRef _service;

    public CloneServiceSpec(ITestOutputHelper output)
        : base((ActorSystem?)null, output)
    {
        ForkTracing.Use(Sys, TestOutputLoggerProvider.Factory(output, LogLevel.Debug));
        _fs = CreateTestProbe("fs");
        _forkedChild = CreateTestProbe("forked-child");
        _service = Sys.ActorOf(CloneService.Props(1, Buffer, _fs.Ref), "clone");
    }

    /// <summary>Page <c>i</c> of the heap holds 0x10 + i, the stack's page 0x20, the rw segment's pages 0x30 and 0x31.</summary>
    private static MemoryImage Image { get; } = new(
        [Heap, Stack, Rw],
        new Dictionary<ulong, PageSnapshot>
        {
            [Heap.At] = Pages(0x10, 5),
            [Stack.At] = Pages(0x20, 1),
            [Rw.At] = Pages(0x30, 2),
        });

    [Fact]
    public void Prepared_clone_gets_its_session()
    {
        _service.Tell(new PrepareClone(Pid, _forkedChild.Ref, Image, []), TestActor);

        _service.Tell(new CloneSessionRequest(Pid, new SessionRequest(Services.Clone, "", Enough)), TestActor);

        ExpectMsg<SessionGranted>(g => g.Service == Services.Clone && g.Session.Equals(_service));
    }

    [Fact]
    public void Session_without_a_prepared_clone_is_denied()
    {
        _service.Tell(new CloneSessionRequest(Pid, new SessionRequest(Services.Clone, "", Enough)), TestActor);

        ExpectMsg<SessionDenied>(d => d.Service == Services.Clone && d.Reason.Contains($"{Pid}"));
    }

    [Theory]
    [InlineData(Buffer + 4095L, 2)]
    [InlineData(Buffer + 4096L, 1)]
    public void Session_with_too_little_quota_is_denied(long ram, int caps)
    {
        _service.Tell(new PrepareClone(Pid, _forkedChild.Ref, Image, []), TestActor);

        _service.Tell(new CloneSessionRequest(Pid, new SessionRequest(Services.Clone, "", new Quota(ram, caps))), TestActor);

        ExpectMsg<SessionDenied>(d => d.Reason.Contains("needs"));
    }

    [Fact]
    public void Second_session_for_the_same_child_is_denied_and_the_first_still_works()
    {
        var session = OpenSession();

        _service.Tell(new CloneSessionRequest(Pid, new SessionRequest(Services.Clone, "", Enough)), TestActor);

        ExpectMsg<SessionDenied>(d => d.Reason.Contains("already"));
        _service.Tell(new MemoryContent(session, Stack.At, PageSize), TestActor);
        ExpectMsg<MemoryChunk>(c => c.At == Stack.At && c.Pages.PageCount == 1);
    }

    [Fact]
    public void Region_bigger_than_the_buffer_is_pulled_one_buffer_at_a_time()
    {
        var session = OpenSession();
        var firstBytes = new List<byte>();
        var requests = 0;

        for (long offset = 0; offset < Heap.Size; offset += Buffer, requests++)
        {
            var at = Heap.At + (ulong)offset;
            var size = Math.Min(Buffer, Heap.Size - offset);
            _service.Tell(new MemoryContent(session, at, size), TestActor);
            var chunk = ExpectMsg<MemoryChunk>(c => c.At == at && c.Size == size);
            Assert.InRange(chunk.Pages.PageCount, 1, Buffer / PageSize);
            firstBytes.AddRange(Fillers(chunk.Pages));
        }

        Assert.Equal(3, requests);
        Assert.Equal([0x10, 0x11, 0x12, 0x13, 0x14], firstBytes);
    }

    [Fact]
    public void Chunk_in_the_middle_of_a_region_carries_exactly_its_pages()
    {
        var session = OpenSession();

        _service.Tell(new MemoryContent(session, Heap.At + 3 * PageSize, Buffer), TestActor);

        Assert.Equal([0x13, 0x14], Fillers(ExpectMsg<MemoryChunk>().Pages));
    }

    [Fact]
    public void Region_not_a_multiple_of_a_page_ends_with_a_partial_page()
    {
        var session = OpenSession();

        _service.Tell(new MemoryContent(session, Rw.At, Rw.Size), TestActor);

        var chunk = ExpectMsg<MemoryChunk>(c => c.At == Rw.At && c.Size == Rw.Size);
        Assert.Equal([0x30, 0x31], Fillers(chunk.Pages));
    }

    [Theory]
    [InlineData(Buffer + 1L)]
    [InlineData(0L)]
    public void Chunk_larger_than_the_buffer_or_empty_is_EINVAL(long size)
    {
        var session = OpenSession();

        _service.Tell(new MemoryContent(session, Heap.At, size), TestActor);

        ExpectMsg<CloneRefused>(r => r.Error == Errno.EINVAL && r.At == Heap.At && r.Size == size && r.Reason.Length > 0);
    }

    [Theory]
    [InlineData(MemoryLayout.HeapBase - PageSize, 1L * PageSize)]      // before the heap
    [InlineData(MemoryLayout.HeapBase + 4 * PageSize, 2L * PageSize)]  // straddling the heap's end
    [InlineData(MemoryLayout.FirstRwAt + 2 * PageSize, 1L * PageSize)] // between the rw segment and the heap
    [InlineData(MemoryLayout.StackAt + PageSize, 1L * PageSize)]       // after the stack
    public void Range_outside_the_regions_is_EFAULT(ulong at, long size)
    {
        var session = OpenSession();

        _service.Tell(new MemoryContent(session, at, size), TestActor);

        ExpectMsg<CloneRefused>(r => r.Error == Errno.EFAULT && r.At == at && r.Size == size);
    }

    [Fact]
    public void Memory_of_an_unknown_session_is_refused()
    {
        _service.Tell(new MemoryContent(42, Heap.At, PageSize), TestActor);

        ExpectMsg<CloneRefused>(r => r.SessionId == 42 && r.Error == Errno.EINVAL);
    }

    [Fact]
    public void Descriptors_are_handed_over_on_request()
    {
        var session = OpenSession(Descriptors);

        _service.Tell(new DescriptorsContent(session), TestActor);

        Assert.Equal(Descriptors, ExpectMsg<DescriptorsChunk>().Descriptors);
    }

    [Fact]
    public void Closing_the_session_makes_the_child_ready_and_releases_untaken_descriptors()
    {
        var session = OpenSession(Descriptors);

        _service.Tell(new SessionClose(session), TestActor);

        _forkedChild.ExpectMsg(new CloneClosed(Pid));
        _fs.ExpectMsg(new FsRelease(11));
        _fs.ExpectMsg(new FsRelease(12));
        _service.Tell(new MemoryContent(session, Heap.At, PageSize), TestActor);
        ExpectMsg<CloneRefused>(r => r.Error == Errno.EINVAL);
    }

    [Fact]
    public void Descriptors_taken_by_the_child_are_not_released_at_close()
    {
        var session = OpenSession(Descriptors);
        _service.Tell(new DescriptorsContent(session), TestActor);
        ExpectMsg<DescriptorsChunk>();

        _service.Tell(new SessionClose(session), TestActor);

        _forkedChild.ExpectMsg(new CloneClosed(Pid));
        _fs.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Abandoned_clone_releases_untaken_descriptors_without_making_the_child_ready()
    {
        var session = OpenSession(Descriptors);

        _service.Tell(new CloneAbandoned(Pid), TestActor);

        _fs.ExpectMsg(new FsRelease(11));
        _fs.ExpectMsg(new FsRelease(12));
        _forkedChild.ExpectNoMsg(Quiet);
        _service.Tell(new DescriptorsContent(session), TestActor);
        ExpectMsg<CloneRefused>(r => r.Error == Errno.EINVAL);
    }

    [Fact]
    public void Clone_abandoned_before_its_session_opened_releases_its_descriptors()
    {
        _service.Tell(new PrepareClone(Pid, _forkedChild.Ref, Image, Descriptors), TestActor);

        _service.Tell(new CloneAbandoned(Pid), TestActor);

        _fs.ExpectMsg(new FsRelease(11));
        _fs.ExpectMsg(new FsRelease(12));
        _service.Tell(new CloneSessionRequest(Pid, new SessionRequest(Services.Clone, "", Enough)), TestActor);
        ExpectMsg<SessionDenied>();
    }

    [Fact]
    public void Abandoned_clone_whose_descriptors_were_taken_releases_nothing()
    {
        var session = OpenSession(Descriptors);
        _service.Tell(new DescriptorsContent(session), TestActor);
        ExpectMsg<DescriptorsChunk>();

        _service.Tell(new CloneAbandoned(Pid), TestActor);

        _fs.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Clone_content_is_every_region_whole_in_clone_order_and_the_descriptors_in_one_reply()
    {
        var session = OpenSession(Descriptors);

        _service.Tell(new CloneContent(session), TestActor);

        var chunk = ExpectMsg<CloneChunk>();
        Assert.Equal([(Heap.At, Heap.Size), (Stack.At, Stack.Size), (Rw.At, Rw.Size)], chunk.Memory.Select(c => (c.At, c.Size)));
        // Page references, not bytes: each region's own snapshot, whatever the buffer size.
        Assert.All(chunk.Memory, c => Assert.Same(Image.Pages[c.At], c.Pages));
        Assert.Equal(Descriptors, chunk.Descriptors);
        // The child took its descriptors: a later abandon releases nothing.
        _service.Tell(new CloneAbandoned(Pid), TestActor);
        _fs.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Clone_content_of_an_unknown_session_is_refused()
    {
        _service.Tell(new CloneContent(42), TestActor);

        ExpectMsg<CloneRefused>(r => r.SessionId == 42 && r.Error == Errno.EINVAL);
    }

    private long OpenSession(IReadOnlyList<InheritedDescriptor>? descriptors = null)
    {
        _service.Tell(new PrepareClone(Pid, _forkedChild.Ref, Image, descriptors ?? []), TestActor);
        _service.Tell(new CloneSessionRequest(Pid, new SessionRequest(Services.Clone, "", Enough)), TestActor);
        return ExpectMsg<SessionGranted>().SessionId;
    }

    /// <summary>The byte a page is filled with, after checking the page is whole and uniform.</summary>
    private static byte Filler(ReadOnlyMemory<byte> page)
    {
        Assert.Equal(PageSize, page.Length);
        var first = page.Span[0];
        Assert.True(page.Span.IndexOfAnyExcept(first) < 0, $"page of 0x{first:x} is not uniform");
        return first;
    }

    /// <summary>The filler of every page of a chunk, which has them all.</summary>
    private static IEnumerable<byte> Fillers(PageSnapshot pages)
    {
        Assert.Equal(pages.PageCount, pages.PresentPages);
        return pages.Present().Select(p => Filler(p.Page));
    }

    private static PageSnapshot Pages(byte first, int count) =>
        PageSnapshot.FromPages(count, Enumerable.Range(0, count).Select(i => ((long)i, (ReadOnlyMemory<byte>)Enumerable.Repeat((byte)(first + i), PageSize).ToArray())));
}
