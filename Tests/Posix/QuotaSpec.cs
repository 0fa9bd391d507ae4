using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// Quota as charged: a live process keeps only its reserve of the start quota and gives the rest back once ready; the
/// pages it writes later are charged as it writes them, lent by its ancestors up to init; all comes back when it is reaped.
/// </summary>
public sealed class QuotaSpec(ITestOutputHelper output)
    : RuntimeSpec(output, new ForkRuntimeOptions { ProcessRamReserve = Reserve }.WithQuota(ForkRam + Children * Reserve - 1, 10_000))
{
    private const int Children = 40;
    private const long ForkRam = 2_500_000;
    private const long Reserve = 16 * 1024;
    private const int Page = MemoryImage.PageSize;

    // Under the old charge (a whole start quota per live process) a single child would not fit beside another fork.
    [Fact]
    public Task Live_children_cost_their_reserve_not_their_start_quota() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var children = new List<int>();
        for (var i = 0; i < Children; i++) children.Add(await libc.ForkAsync(WaitForEof(read, write)));

        // What is left is a byte short of the start quota the next fork needs at hand: it is refused.
        var refused = await Assert.ThrowsAsync<PosixException>(() => libc.ForkAsync(_ => Task.FromResult(0)));
        Assert.Equal(Errno.EAGAIN, refused.Errno);

        await libc.CloseAsync(write);
        foreach (var child in children) Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        // Reaped, they gave all back: as many fit again.
        for (var i = 0; i < Children; i++) Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(await libc.ForkAsync(_ => Task.FromResult(0)))).Status);
        return 0;
    });

    [Fact]
    public Task A_child_writes_pages_beyond_its_reserve_on_quota_lent_by_init() => RunToSuccess(async libc =>
    {
        var heap = libc.Memory.Malloc(64 * Page);
        var child = await libc.ForkAsync(c =>
        {
            // Sixteen pages: four times the child's own reserve.
            for (var i = 0; i < 16; i++) c.Memory.Write(heap + (ulong)(i * Page), [(byte)i]);
            var last = new byte[1];
            c.Memory.Read(heap + 15 * Page, last);
            return Task.FromResult((int)last[0]);
        });
        Assert.Equal(WaitStatus.FromExit(15), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public Task A_child_gets_ENOMEM_when_init_has_nothing_left_to_lend() => RunToSuccess(async libc =>
    {
        var heap = libc.Memory.Malloc(4L * 1024 * 1024);
        var child = await libc.ForkAsync(c =>
        {
            // Far more pages than the namespace holds: the write that finds nothing left fails, nothing written.
            for (var i = 0; i < 1024; i++)
            {
                try
                {
                    c.Memory.Write(heap + (ulong)(i * Page), [1]);
                }
                catch (PosixException e) when (e.Errno == Errno.ENOMEM)
                {
                    var unwritten = new byte[1];
                    c.Memory.Read(heap + (ulong)(i * Page), unwritten);
                    return Task.FromResult(unwritten[0] == 0 && i > 0 ? 0 : 1);
                }
            }

            return Task.FromResult(2);
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        // What the child was lent came back when it was reaped: a child may write as much again.
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(await libc.ForkAsync(c =>
        {
            for (var i = 0; i < 32; i++) c.Memory.Write(heap + (ulong)(i * Page), [2]);
            return Task.FromResult(0);
        }))).Status);
        return 0;
    });

    [Fact]
    public Task An_orphan_writes_its_pages_on_quota_lent_by_init() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var middle = await libc.ForkAsync(async m =>
        {
            var heap = m.Memory.Malloc(16 * Page);
            await m.ForkAsync(async orphan =>
            {
                // Told to go on only once its parent has been reaped, so its pages are lent by init's account.
                if (await orphan.ReadAsync(read, new byte[1]) != 1) return 1;
                for (var i = 0; i < 16; i++) orphan.Memory.Write(heap + (ulong)(i * Page), [7]);
                await orphan.WriteAsync(write, new byte[] { 16 });
                return 0;
            });
            return 0;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(middle)).Status);
        await libc.WriteAsync(write, new byte[] { 1 });
        var orphaned = await libc.Wait4Async(-1);
        Assert.Equal(WaitStatus.FromExit(0), orphaned.Status);
        var written = new byte[1];
        Assert.Equal(1, await libc.ReadAsync(read, written));
        Assert.Equal(16, written[0]);
        return 0;
    });

    private static ProcessMain WaitForEof(int read, int write) => async c =>
    {
        await c.CloseAsync(write);
        return await c.ReadAsync(read, new byte[1]);
    };
}
