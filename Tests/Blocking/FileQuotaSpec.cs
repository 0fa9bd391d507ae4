using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests.Blocking;

/// <summary>
/// Nothing a process writes escapes quota: the bytes of regular files are charged to the namespace's RAM quota, so a
/// file cannot grow past what the namespace holds (ENOSPC, as a full disk, not ENOMEM), a file outlives the process
/// that wrote it with its charge, and unlinking it gives the space back.
/// </summary>
public sealed class FileQuotaSpec(ITestOutputHelper output)
    : RuntimeSpec(output, new ForkRuntimeOptions().WithQuota(Quota, 10_000))
{
    private const long Quota = 8L * 1024 * 1024;
    private const int Chunk = 64 * 1024;

    // write(2) ENOSPC: "the device containing the file ... has no room for the data"; unlink(2) frees it
    [Fact]
    public async Task A_file_cannot_grow_past_the_namespace_quota_and_unlinking_it_gives_the_space_back()
    {
        (long Bytes, Errno Error) first = default, again = default;
        await RunToSuccess(async libc =>
        {
            first = await FillFile(libc, "/tmp/big", 4 * Quota);
            await libc.UnlinkAsync("/tmp/big");
            again = await FillFile(libc, "/tmp/again", first.Bytes);
            await libc.UnlinkAsync("/tmp/again");
            return 0;
        });
        Assert.True(first.Error == Errno.ENOSPC,
            $"writing a file in a namespace of {Quota >> 20} MiB ended with {first.Error} after {first.Bytes} bytes; expected ENOSPC before {Quota} bytes");
        Assert.True(first.Bytes <= Quota, $"the file took {first.Bytes} bytes of a namespace that holds {Quota}");
        Assert.True(again.Bytes >= first.Bytes - Chunk,
            $"after the unlink a new file took only {again.Bytes} bytes ({again.Error}); the first one took {first.Bytes}");
    }

    // A file is the namespace's, not its writer's: reaping the child that wrote it gives nothing back, unlinking does.
    [Fact]
    public async Task A_file_written_by_a_reaped_child_keeps_its_charge_until_it_is_unlinked()
    {
        const long Size = 5L * 1024 * 1024;
        (long Bytes, Errno Error) beside = default, afterUnlink = default;
        var child = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var pid = await libc.ForkAsync(async c => (await FillFile(c, "/tmp/child", Size)).Bytes == Size ? 0 : 1);
            child = (await libc.Wait4Async(pid)).Status;
            // Five MiB beside the child's five do not fit in eight.
            beside = await FillFile(libc, "/tmp/parent", Size);
            await libc.UnlinkAsync("/tmp/child");
            await libc.UnlinkAsync("/tmp/parent");
            afterUnlink = await FillFile(libc, "/tmp/parent", Size);
            return 0;
        });
        Assert.Equal(WaitStatus.FromExit(0), child);
        Assert.True(beside.Error == Errno.ENOSPC,
            $"beside the reaped child's {Size >> 20} MiB file, another {Size >> 20} MiB ended with {beside.Error} after {beside.Bytes} bytes, in a namespace of {Quota >> 20} MiB");
        Assert.Equal((Size, Errno.None), afterUnlink);
    }

    /// <summary>Writes <paramref name="limit"/> bytes to a new file in chunks; returns what went in and the error that stopped it.</summary>
    private static async Task<(long Bytes, Errno Error)> FillFile(Libc libc, string path, long limit)
    {
        var fd = await libc.OpenAsync(path, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate);
        var chunk = Blocking.Filled(Chunk, 0x5a);
        long written = 0;
        var error = Errno.None;
        try
        {
            while (written < limit)
            {
                var wrote = await libc.WriteAsync(fd, chunk.AsMemory(0, (int)Math.Min(Chunk, limit - written)));
                if (wrote <= 0) break;
                written += wrote;
            }
        }
        catch (PosixException e)
        {
            error = e.Errno;
        }

        await libc.CloseAsync(fd);
        return (written, error);
    }
}
