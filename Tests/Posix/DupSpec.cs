using System.Text;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// dup, dup2 and close-on-exec with Linux's rules, SIG_IGN (<see cref="Libc.Ignore"/>), and the main program's rw
/// segment, which is "binary" whatever the binary is called.
/// </summary>
public sealed class DupSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    // dup(2): "uses the lowest-numbered unused file descriptor"; the two share offset and flags.
    [Fact]
    public Task Dup_takes_the_lowest_free_descriptor_and_shares_the_offset() => RunToSuccess(async libc =>
    {
        var fd = await libc.OpenAsync("/d", OpenFlags.ReadWrite | OpenFlags.Create);
        var gap = await libc.OpenAsync("/gap", OpenFlags.ReadWrite | OpenFlags.Create);
        var above = await libc.OpenAsync("/above", OpenFlags.ReadWrite | OpenFlags.Create);
        Assert.True(fd < gap && gap < above);
        await libc.CloseAsync(gap);
        var copy = await libc.DupAsync(fd);
        Assert.Equal(gap, copy);
        await libc.WriteAsync(fd, "abc"u8.ToArray());
        await libc.WriteAsync(copy, "def"u8.ToArray());
        Assert.Equal(6, await libc.SeekAsync(fd, 0, SeekOrigin.Current));
        await libc.SeekAsync(copy, 0, SeekOrigin.Begin);
        Assert.Equal("abcdef", await libc.ReadToEnd(fd));
        return 0;
    });

    [Fact]
    public Task Dup_and_dup2_of_a_bad_descriptor_are_EBADF_and_change_nothing() => RunToSuccess(async libc =>
    {
        var fd = await libc.OpenAsync("/e", OpenFlags.ReadWrite | OpenFlags.Create);
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.DupAsync(-1)));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.DupAsync(77)));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.Dup2Async(77, fd)));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.Dup2Async(fd, -2)));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.Dup2Async(fd, DescriptorTable.Limit)));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.Dup2Async(77, 77)));
        // The target of a failed dup2 is still open.
        Assert.Equal(3, await libc.WriteAsync(fd, "yes"u8.ToArray()));
        return 0;
    });

    // dup2(2): "If oldfd is a valid file descriptor, and newfd has the same value as oldfd, then dup2() does nothing".
    [Fact]
    public Task Dup2_onto_itself_returns_the_descriptor() => RunToSuccess(async libc =>
    {
        var fd = await libc.OpenAsync("/same", OpenFlags.ReadWrite | OpenFlags.Create);
        Assert.Equal(fd, await libc.Dup2Async(fd, fd));
        Assert.Equal(2, await libc.WriteAsync(fd, "ok"u8.ToArray()));
        return 0;
    });

    // dup2(2): "If newfd was previously open, it is closed before being reused"; the copy has close-on-exec clear.
    [Fact]
    public Task Dup2_closes_the_target_first_and_the_copy_names_the_same_file() => RunToSuccess(async libc =>
    {
        var first = await libc.OpenAsync("/first", OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.CloseOnExec);
        var second = await libc.OpenAsync("/second", OpenFlags.ReadWrite | OpenFlags.Create);
        Assert.Equal(second, await libc.Dup2Async(first, second));
        await libc.WriteAsync(second, "through the copy"u8.ToArray());
        await libc.SeekAsync(first, 0, SeekOrigin.Begin);
        Assert.Equal("through the copy", await libc.ReadToEnd(first));
        var other = await libc.OpenAsync("/second", OpenFlags.ReadOnly);
        Assert.Equal("", await libc.ReadToEnd(other));
        // A target beyond every open descriptor is fine too.
        Assert.Equal(40, await libc.Dup2Async(first, 40));
        return 0;
    });

    // pipe(7): EOF only when every write end, copies included, is closed.
    [Fact]
    public Task A_pipe_reaches_EOF_only_when_every_copy_of_its_write_end_is_closed() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var copy = await libc.DupAsync(write);
        var moved = await libc.Dup2Async(write, 20);
        await libc.CloseAsync(write);
        await libc.WriteAsync(copy, "a"u8.ToArray());
        await libc.CloseAsync(copy);
        await libc.WriteAsync(moved, "b"u8.ToArray());
        Assert.Equal("ab", await libc.ReadExactly(read, 2));
        var pending = libc.ReadAsync(read, new byte[1]);
        Assert.False(pending.IsCompleted, "a write end is still open: the read must wait");
        await libc.CloseAsync(moved);
        Assert.Equal(0, await pending.WaitAsync(Bound));
        return 0;
    });

    // A pipe's read end copied with dup2 onto 0 is what a child reads as its standard input.
    [Fact]
    public Task A_child_reads_its_standard_input_from_a_pipe_moved_onto_descriptor_0() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            await c.Dup2Async(read, 0);
            await c.CloseAsync(read);
            await c.CloseAsync(write);
            return (await c.ReadToEnd(0)) == "from the parent" ? 0 : 1;
        });
        await libc.CloseAsync(read);
        await libc.WriteAsync(write, Encoding.UTF8.GetBytes("from the parent"));
        await libc.CloseAsync(write);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public Task Set_close_on_exec_of_a_bad_descriptor_is_EBADF() => RunToSuccess(async libc =>
    {
        var fd = await libc.OpenAsync("/c", OpenFlags.ReadWrite | OpenFlags.Create);
        await libc.SetCloseOnExecAsync(fd, true);
        await libc.SetCloseOnExecAsync(fd, false);
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.SetCloseOnExecAsync(fd + 5, true)));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.SetCloseOnExecAsync(-1, true)));
        return 0;
    });

    // signal(7): a signal whose disposition is SIG_IGN is discarded; a forked child inherits the disposition.
    [Fact]
    public Task An_ignored_signal_is_discarded_in_the_process_and_in_its_forked_child() => RunToSuccess(async libc =>
    {
        libc.SetSignalHandler(Signal.SIGTERM, Libc.Ignore);
        var (read, write) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            await c.CloseAsync(write);
            await c.KillAsync(c.Pid, Signal.SIGTERM);
            return await c.ReadAsync(read, new byte[1]) == 1 ? 0 : 1;
        });
        await libc.KillAsync(libc.Pid, Signal.SIGTERM);
        await libc.KillAsync(child, Signal.SIGTERM);
        await libc.WriteAsync(write, new byte[1]);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);

        // Back to the default action: SIGTERM terminates again.
        var second = await libc.ForkAsync(async c =>
        {
            c.SetSignalHandler(Signal.SIGTERM, null);
            await c.KillAsync(c.Pid, Signal.SIGTERM);
            await c.GetPpidAsync();
            return 0;
        });
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, coreDumped: false), (await libc.Wait4Async(second)).Status);
        return 0;
    });

    // Genode names the program's own rw segment "binary"; the contract keeps that name whatever Binary says.
    [Fact]
    public Task The_programs_rw_segment_is_named_binary_whatever_the_binary_is_called() => RunToSuccess(async libc =>
    {
        var own = libc.Memory.RwSegment("binary");
        Assert.Equal("rw", own.Kind);
        Assert.Equal(Errno.ENOENT, await PosixHelpers.ErrnoOf(() => Task.FromResult(libc.Memory.RwSegment("sh"))));
        libc.Memory.Write(own.At, "data"u8);
        var child = await libc.ForkAsync(c =>
        {
            var bytes = new byte[4];
            c.Memory.Read(c.Memory.RwSegment("binary").At, bytes);
            return Task.FromResult(bytes.SequenceEqual("data"u8.ToArray()) ? 0 : 1);
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    }, new ProcessOptions { Binary = "sh" });
}
