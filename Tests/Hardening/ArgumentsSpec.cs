using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;
using static Fork.Tests.PosixHelpers;

namespace Fork.Tests;

/// <summary>Every argument of a Libc call is checked where it enters: a hostile one is an errno, never a stopped namespace.</summary>
public sealed class ArgumentsSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    [Fact]
    public Task Hostile_descriptors_offsets_flags_signals_and_pids_are_errnos() => RunToSuccess(async libc =>
    {
        Assert.Equal(Errno.EBADF, await ErrnoOf(() => libc.ReadAsync(-1, new byte[1])));
        Assert.Equal(Errno.EBADF, await ErrnoOf(() => libc.WriteAsync(int.MaxValue, new byte[1])));
        Assert.Equal(Errno.EBADF, await ErrnoOf(() => libc.CloseAsync(int.MinValue)));
        Assert.Equal(Errno.EINVAL, await ErrnoOf(() => libc.SeekAsync(0, 0, (SeekOrigin)7)));
        Assert.Equal(Errno.EINVAL, await ErrnoOf(() => libc.OpenAsync("/tmp/f", (OpenFlags)0x4000_0000)));
        Assert.Equal(Errno.EINVAL, await ErrnoOf(() => libc.OpenAsync("/tmp/f", (OpenFlags)3 | OpenFlags.Create)));
        Assert.Equal(Errno.EINVAL, await ErrnoOf(() => libc.KillAsync(1, (Signal)(-3))));
        Assert.Equal(Errno.EINVAL, await ErrnoOf(() => libc.KillAsync(1, (Signal)64)));
        Assert.Equal(Errno.ESRCH, await ErrnoOf(() => libc.KillAsync(int.MinValue, Signal.SIGTERM)));
        Assert.Equal(Errno.EINVAL, await ErrnoOf(() => libc.SetPgidAsync(-1, 0)));
        Assert.Equal(Errno.EINVAL, (await libc.Wait4Async(-1, (WaitOptions)0x40)).Error);
        Assert.Equal(Errno.EINVAL, await ErrnoOf(() => libc.SleepAsync(TimeSpan.MinValue)));
        Assert.Equal(Errno.EINVAL, Assert.Throws<PosixException>(() => libc.Memory.Malloc(-1)).Errno);
        var fd = await libc.OpenAsync("/tmp/f", OpenFlags.ReadWrite | OpenFlags.Create);
        Assert.Equal(Errno.EINVAL, await ErrnoOf(() => libc.SeekAsync(fd, long.MinValue, SeekOrigin.Begin)));
        Assert.Equal(long.MaxValue, await libc.SeekAsync(fd, long.MaxValue, SeekOrigin.Begin));
        Assert.Equal(Errno.EFBIG, await ErrnoOf(() => libc.WriteAsync(fd, new byte[1])));
        Assert.Equal(0, await libc.ReadAsync(fd, new byte[16]));
        return 0;
    });
}
