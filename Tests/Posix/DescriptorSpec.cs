using System.Text;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// Descriptors at the libc level: files, open file descriptions shared after fork, pipes (blocking, EOF, EPIPE and
/// SIGPIPE), and the environment and working directory a child gets.
/// </summary>
public sealed class DescriptorSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    private static readonly byte[] Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"u8.ToArray();

    [Fact]
    public Task Open_with_Create_makes_a_file_and_without_Create_a_missing_file_is_ENOENT() => RunToSuccess(async libc =>
    {
        Assert.Equal(Errno.ENOENT, await PosixHelpers.ErrnoOf(() => libc.OpenAsync("/missing", OpenFlags.ReadOnly)));
        var fd = await libc.OpenAsync("/made", OpenFlags.ReadWrite | OpenFlags.Create);
        await libc.WriteAsync(fd, "made"u8.ToArray());
        await libc.CloseAsync(fd);
        var again = await libc.OpenAsync("/made", OpenFlags.ReadOnly);
        Assert.Equal("made", await libc.ReadToEnd(again));
        return 0;
    });

    [Fact]
    public Task Open_with_Truncate_empties_an_existing_file() => RunToSuccess(async libc =>
    {
        await WriteFile(libc, "/t", "long content");
        var fd = await libc.OpenAsync("/t", OpenFlags.ReadWrite | OpenFlags.Truncate);
        Assert.Equal(0, await libc.SeekAsync(fd, 0, SeekOrigin.End));
        await libc.WriteAsync(fd, "new"u8.ToArray());
        await libc.SeekAsync(fd, 0, SeekOrigin.Begin);
        Assert.Equal("new", await libc.ReadToEnd(fd));
        return 0;
    });

    // POSIX write(): with O_APPEND the offset is set to the end of the file before each write.
    [Fact]
    public Task Writes_through_Append_go_to_the_end_whatever_the_offset() => RunToSuccess(async libc =>
    {
        await WriteFile(libc, "/log", "one;");
        var fd = await libc.OpenAsync("/log", OpenFlags.ReadWrite | OpenFlags.Append);
        await libc.SeekAsync(fd, 0, SeekOrigin.Begin);
        await libc.WriteAsync(fd, "two;"u8.ToArray());
        Assert.Equal(8, await libc.SeekAsync(fd, 0, SeekOrigin.Current));
        await libc.SeekAsync(fd, 1, SeekOrigin.Begin);
        await libc.WriteAsync(fd, "three"u8.ToArray());
        await libc.SeekAsync(fd, 0, SeekOrigin.Begin);
        Assert.Equal("one;two;three", await libc.ReadToEnd(fd));
        return 0;
    });

    // LTP testcases/kernel/syscalls/close/close02.c; gVisor test/syscalls/linux/pipe.cc, PipeTest.CloseTwice
    [Fact]
    public Task A_closed_or_never_opened_descriptor_is_EBADF() => RunToSuccess(async libc =>
    {
        var fd = await libc.OpenAsync("/f", OpenFlags.ReadWrite | OpenFlags.Create);
        await libc.CloseAsync(fd);
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.CloseAsync(fd)));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.ReadAsync(fd, new byte[1])));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.WriteAsync(fd, new byte[1])));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.SeekAsync(fd, 0, SeekOrigin.Begin)));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.ReadAsync(57, new byte[1])));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.CloseAsync(-1)));
        return 0;
    });

    [Fact]
    public Task Reading_a_write_only_descriptor_or_writing_a_read_only_one_is_EBADF() => RunToSuccess(async libc =>
    {
        await WriteFile(libc, "/rw", "x");
        var readOnly = await libc.OpenAsync("/rw", OpenFlags.ReadOnly);
        var writeOnly = await libc.OpenAsync("/rw", OpenFlags.WriteOnly);
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.WriteAsync(readOnly, new byte[1])));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.ReadAsync(writeOnly, new byte[1])));
        var (read, write) = await libc.PipeAsync();
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.WriteAsync(read, new byte[1])));
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.ReadAsync(write, new byte[1])));
        return 0;
    });

    [Fact]
    public Task Relative_paths_resolve_against_the_working_directory() => RunToSuccess(async libc =>
    {
        foreach (var directory in (string[])["/home", "/home/user", "/home/other"]) await libc.MkDirAsync(directory);
        libc.ChDir("/home/user");
        Assert.Equal("/home/user", libc.Cwd);
        await WriteFile(libc, "notes", "relative");
        var absolute = await libc.OpenAsync("/home/user/notes", OpenFlags.ReadOnly);
        Assert.Equal("relative", await libc.ReadToEnd(absolute));
        libc.ChDir("../other");
        Assert.Equal("/home/other", libc.Cwd);
        var up = await libc.OpenAsync("../user/./notes", OpenFlags.ReadOnly);
        Assert.Equal("relative", await libc.ReadToEnd(up));
        Assert.Equal(Errno.ENOENT, await PosixHelpers.ErrnoOf(() => libc.OpenAsync("notes", OpenFlags.ReadOnly)));
        return 0;
    });

    [Fact]
    public Task Init_starts_with_0_1_and_2_open_and_the_lowest_free_descriptor_is_reused() => RunToSuccess(async libc =>
    {
        var a = await libc.OpenAsync("/a", OpenFlags.ReadWrite | OpenFlags.Create);
        var b = await libc.OpenAsync("/b", OpenFlags.ReadWrite | OpenFlags.Create);
        var (read, write) = await libc.PipeAsync();
        Assert.Equal(new[] { 3, 4, 5, 6 }, new[] { a, b, read, write });
        await libc.CloseAsync(b);
        await libc.CloseAsync(a);
        Assert.Equal(3, await libc.OpenAsync("/b", OpenFlags.ReadOnly));
        Assert.Equal(4, await libc.OpenAsync("/a", OpenFlags.ReadOnly));
        await libc.CloseAsync(0);
        Assert.Equal((0, 7), await libc.PipeAsync());
        return 0;
    });

    [Fact]
    public Task Seek_returns_the_new_offset_and_a_pipe_cannot_seek() => RunToSuccess(async libc =>
    {
        await WriteFile(libc, "/s", "0123456789");
        var fd = await libc.OpenAsync("/s", OpenFlags.ReadOnly);
        Assert.Equal(4, await libc.SeekAsync(fd, 4, SeekOrigin.Begin));
        Assert.Equal(6, await libc.SeekAsync(fd, 2, SeekOrigin.Current));
        Assert.Equal(7, await libc.SeekAsync(fd, -3, SeekOrigin.End));
        Assert.Equal("789", await libc.ReadToEnd(fd));
        Assert.Equal(Errno.EINVAL, await PosixHelpers.ErrnoOf(() => libc.SeekAsync(fd, -1, SeekOrigin.Begin)));
        // gVisor test/syscalls/linux/pipe.cc, PipeTest.Seek
        var (read, write) = await libc.PipeAsync();
        Assert.Equal(Errno.ESPIPE, await PosixHelpers.ErrnoOf(() => libc.SeekAsync(read, 0, SeekOrigin.Begin)));
        Assert.Equal(Errno.ESPIPE, await PosixHelpers.ErrnoOf(() => libc.SeekAsync(write, 0, SeekOrigin.Current)));
        return 0;
    });

    // LTP testcases/kernel/syscalls/fork/fork10.c; Open POSIX conformance/interfaces/fork/assertions.xml, assertion 5
    [Fact]
    public Task A_seek_in_a_child_moves_the_offset_its_parent_and_later_children_see() => RunToSuccess(async libc =>
    {
        await WriteFile(libc, "/abc", "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        var fd = await libc.OpenAsync("/abc", OpenFlags.ReadOnly);
        var seeker = await libc.ForkAsync(async child => await child.SeekAsync(fd, 10, SeekOrigin.Begin) == 10 ? 0 : 1);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(seeker)).Status);
        var reader = await libc.ForkAsync(async child =>
        {
            var one = new byte[1];
            return await child.ReadAsync(fd, one) == 1 ? one[0] : 1;
        });
        Assert.Equal(WaitStatus.FromExit('K'), (await libc.Wait4Async(reader)).Status);
        Assert.Equal("L", await libc.ReadExactly(fd, 1));
        return 0;
    });

    [Fact]
    public Task Reads_and_writes_of_parent_and_child_share_one_offset() => RunToSuccess(async libc =>
    {
        var fd = await libc.OpenAsync("/shared", OpenFlags.ReadWrite | OpenFlags.Create);
        await libc.WriteAsync(fd, "parent;"u8.ToArray());
        var (gate, gateWrite) = await libc.PipeAsync();
        var (written, writtenWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            await self.WriteAsync(fd, "child;"u8.ToArray());
            await self.WriteAsync(writtenWrite, new byte[] { 1 });
            if (await self.ReadAsync(gate, new byte[1]) != 1) return 100;
            // The parent has moved the shared offset back to 0 meanwhile.
            return await self.SeekAsync(fd, 0, SeekOrigin.Current) == 0 ? 0 : 1;
        });
        Assert.Equal(1, await libc.ReadAsync(written, new byte[1]));
        Assert.Equal(13, await libc.SeekAsync(fd, 0, SeekOrigin.Current));
        Assert.Equal(0, await libc.SeekAsync(fd, 0, SeekOrigin.Begin));
        await libc.WriteAsync(gateWrite, new byte[] { 1 });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal("parent;child;", await libc.ReadToEnd(fd));
        return 0;
    });

    [Fact]
    public Task Closing_a_descriptor_in_the_child_leaves_the_parents_open_and_the_other_way_round() => RunToSuccess(async libc =>
    {
        await WriteFile(libc, "/both", "0123456789");
        var fd = await libc.OpenAsync("/both", OpenFlags.ReadOnly);
        var (gate, gateWrite) = await libc.PipeAsync();
        var closer = await libc.ForkAsync(async self =>
        {
            await self.CloseAsync(fd);
            return await PosixHelpers.ErrnoOf(() => self.ReadAsync(fd, new byte[1])) == Errno.EBADF ? 0 : 1;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(closer)).Status);
        Assert.Equal("01", await libc.ReadExactly(fd, 2));

        var keeper = await libc.ForkAsync(async self =>
        {
            if (await self.ReadAsync(gate, new byte[1]) != 1) return 100;
            var one = new byte[1];
            return await self.ReadAsync(fd, one) == 1 ? one[0] : 101;
        });
        await libc.CloseAsync(fd);
        await libc.WriteAsync(gateWrite, new byte[] { 1 });
        Assert.Equal(WaitStatus.FromExit('2'), (await libc.Wait4Async(keeper)).Status);
        return 0;
    });

    [Fact]
    public Task A_descriptor_opened_by_the_child_after_fork_is_not_the_parents() => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(async self =>
        {
            var fd = await self.OpenAsync("/child-only", OpenFlags.ReadWrite | OpenFlags.Create);
            await self.WriteAsync(fd, "mine"u8.ToArray());
            return fd;
        });
        var childFd = (await libc.Wait4Async(child)).Status.ExitCode;
        Assert.Equal(3, childFd);
        Assert.Equal(Errno.EBADF, await PosixHelpers.ErrnoOf(() => libc.ReadAsync(childFd, new byte[1])));
        var fd = await libc.OpenAsync("/child-only", OpenFlags.ReadOnly);
        Assert.Equal("mine", await libc.ReadToEnd(fd));
        return 0;
    });

    // gVisor test/syscalls/linux/pipe.cc, PipeTest.WriterSideCloses
    [Fact]
    public Task A_pipe_read_blocks_until_data_arrives() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var (gate, gateWrite) = await libc.PipeAsync();
        var writer = await libc.ForkAsync(async self =>
        {
            if (await self.ReadAsync(gate, new byte[1]) != 1) return 100;
            await self.WriteAsync(write, "late"u8.ToArray());
            return 0;
        });
        var pending = libc.ReadAsync(read, new byte[16]);
        await libc.WriteAsync(gateWrite, new byte[] { 1 });
        Assert.Equal(4, await pending);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(writer)).Status);
        return 0;
    });

    // gVisor test/syscalls/linux/pipe.cc, PipeTest.WriterSideClosesReadDataFirst
    [Fact]
    public Task A_pipe_read_returns_buffered_data_then_0_once_every_write_end_is_closed() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        await libc.WriteAsync(write, "ab"u8.ToArray());
        await libc.CloseAsync(write);
        Assert.Equal("ab", await libc.ReadExactly(read, 2));
        Assert.Equal(0, await libc.ReadAsync(read, new byte[8]));
        Assert.Equal(0, await libc.ReadAsync(read, new byte[8]));
        return 0;
    });

    [Fact]
    public Task A_pipe_read_does_not_see_EOF_while_another_process_still_holds_a_write_end() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var child = await libc.ForkAsync(_ => Task.FromResult(0));
        Assert.Equal(child, (await libc.Wait4Async(child)).Pid);
        var pending = libc.ReadAsync(read, new byte[8]);
        await libc.WriteAsync(write, "z"u8.ToArray());
        Assert.Equal(1, await pending);
        await libc.CloseAsync(write);
        Assert.Equal(0, await libc.ReadAsync(read, new byte[8]));
        return 0;
    });

    // POSIX _exit: all of the process's open descriptors are closed, so the reader sees EOF without a wait4 first.
    [Fact]
    public Task A_parent_reading_sees_EOF_when_the_child_holding_the_last_write_end_exits_without_closing_it() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            await self.WriteAsync(write, "bye"u8.ToArray());
            return 3;
        });
        await libc.CloseAsync(write);
        Assert.Equal("bye", await libc.ReadToEnd(read));
        Assert.Equal(WaitStatus.FromExit(3), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public Task A_reader_sees_EOF_when_the_process_holding_the_last_write_end_is_killed() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var (ready, readyWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            var (forever, _) = await self.PipeAsync();
            await self.WriteAsync(readyWrite, new byte[] { 1 });
            await self.ReadAsync(forever, new byte[1]);
            return 100;
        });
        await libc.CloseAsync(write);
        Assert.Equal(1, await libc.ReadAsync(ready, new byte[1]));
        var pending = libc.ReadAsync(read, new byte[1]);
        await libc.KillAsync(child, Signal.SIGKILL);
        Assert.Equal(0, await pending);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public Task A_read_abandoned_by_a_killed_process_takes_no_data_from_the_pipe() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var (ready, readyWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            await self.WriteAsync(readyWrite, new byte[] { 1 });
            await self.ReadAsync(read, new byte[1]);
            return 100;
        });
        Assert.Equal(1, await libc.ReadAsync(ready, new byte[1]));
        await libc.KillAsync(child, Signal.SIGTERM);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, false), (await libc.Wait4Async(child)).Status);
        await libc.WriteAsync(write, "x"u8.ToArray());
        Assert.Equal("x", await libc.ReadExactly(read, 1));
        return 0;
    });

    // gVisor test/syscalls/linux/pipe.cc, PipeTest.ReaderSideCloses; POSIX write(): EPIPE and SIGPIPE
    [Fact]
    public Task Writing_to_a_pipe_without_reader_is_EPIPE_and_SIGPIPE_terminates_the_writer() => RunToSuccess(async libc =>
    {
        var errno = Errno.None;
        var child = await libc.ForkAsync(async self =>
        {
            var (read, write) = await self.PipeAsync();
            await self.CloseAsync(read);
            errno = await PosixHelpers.ErrnoOf(() => self.WriteAsync(write, "lost"u8.ToArray()));
            await self.GetPpidAsync();
            return 100;
        });
        var result = await libc.Wait4Async(child);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGPIPE, coreDumped: false), result.Status);
        // SIGPIPE ends the child at once, so its program may not get to see the EPIPE (the handler spec below does).
        Assert.True(errno is Errno.None or Errno.EPIPE, $"the write failed with {errno}");
        return 0;
    });

    [Fact]
    public async Task Init_writing_to_a_pipe_without_reader_gets_EPIPE_and_is_shielded_from_SIGPIPE()
    {
        var status = await Run(async libc =>
        {
            var (read, write) = await libc.PipeAsync();
            await libc.CloseAsync(read);
            try
            {
                await libc.WriteAsync(write, "lost"u8.ToArray());
            }
            catch (PosixException e) when (e.Errno == Errno.EPIPE)
            {
                await libc.GetPpidAsync();
            }

            return 100;
        });
        // Linux: a namespace's init has no default action for a signal it does not handle, SIGPIPE included.
        Assert.Equal(WaitStatus.FromExit(100), status);
    }

    [Fact]
    public Task With_a_SIGPIPE_handler_the_handler_runs_and_the_write_throws_EPIPE() => RunToSuccess(async libc =>
    {
        // The handler is installed in init and copied to the child at fork; both run the same delegate.
        var caught = new List<Signal>();
        libc.SetSignalHandler(Signal.SIGPIPE, caught.Add);
        var child = await libc.ForkAsync(async self =>
        {
            var (read, write) = await self.PipeAsync();
            var reader = await self.ForkAsync(_ => Task.FromResult(0));
            await self.CloseAsync(read);
            await self.Wait4Async(reader);
            // The reader has exited: its copy of the read end is closed too.
            if (await PosixHelpers.ErrnoOf(() => self.WriteAsync(write, "lost"u8.ToArray())) != Errno.EPIPE) return 1;
            await self.GetPpidAsync();
            return caught.Count == 1 ? 0 : 2;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal([Signal.SIGPIPE], caught);
        return 0;
    });

    [Fact]
    public Task A_pipeline_passes_data_from_parent_through_child_to_grandchild_and_back() => RunToSuccess(async libc =>
    {
        var (first, firstWrite) = await libc.PipeAsync();
        var (result, resultWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            await self.CloseAsync(firstWrite);
            await self.CloseAsync(result);
            var (second, secondWrite) = await self.PipeAsync();
            var grandchild = await self.ForkAsync(async g =>
            {
                await g.CloseAsync(secondWrite);
                await g.CloseAsync(first);
                var text = await g.ReadToEnd(second);
                await g.WriteAsync(resultWrite, Encoding.UTF8.GetBytes(new string(text.Reverse().ToArray())));
                return 0;
            });
            await self.CloseAsync(second);
            await self.CloseAsync(resultWrite);
            var upper = (await self.ReadToEnd(first)).ToUpperInvariant();
            await self.WriteAsync(secondWrite, Encoding.UTF8.GetBytes(upper));
            await self.CloseAsync(secondWrite);
            return (await self.Wait4Async(grandchild)).Status.ExitCode;
        });
        await libc.CloseAsync(first);
        await libc.CloseAsync(resultWrite);
        await libc.WriteAsync(firstWrite, "hello, "u8.ToArray());
        await libc.WriteAsync(firstWrite, "pipe"u8.ToArray());
        await libc.CloseAsync(firstWrite);
        Assert.Equal("EPIP ,OLLEH", await libc.ReadToEnd(result));
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    // Open POSIX Test Suite conformance/interfaces/fork/assertions.xml, assertion 2 (the child is a copy of its parent)
    [Fact]
    public Task Environment_and_working_directory_are_copied_at_fork_and_independent_afterwards() => RunToSuccess(async libc =>
    {
        libc.Environment["SHARED"] = "before";
        foreach (var directory in (string[])["/start", "/child", "/parent"]) await libc.MkDirAsync(directory);
        libc.ChDir("/start");
        var (gate, gateWrite) = await libc.PipeAsync();
        var (done, doneWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            if (self.Environment["SHARED"] != "before" || self.Cwd != "/start" || self.Environment["FROM_OPTIONS"] != "yes") return 1;
            self.Environment["SHARED"] = "child";
            self.Environment["CHILD_ONLY"] = "1";
            self.ChDir("/child");
            await self.WriteAsync(doneWrite, new byte[] { 1 });
            if (await self.ReadAsync(gate, new byte[1]) != 1) return 100;
            // The parent changed its copies meanwhile.
            return self.Environment["SHARED"] == "child" && !self.Environment.ContainsKey("PARENT_ONLY") && self.Cwd == "/child" ? 0 : 2;
        });
        Assert.Equal(1, await libc.ReadAsync(done, new byte[1]));
        Assert.Equal("before", libc.Environment["SHARED"]);
        Assert.False(libc.Environment.ContainsKey("CHILD_ONLY"));
        Assert.Equal("/start", libc.Cwd);
        libc.Environment["SHARED"] = "parent";
        libc.Environment["PARENT_ONLY"] = "1";
        libc.ChDir("/parent");
        await libc.WriteAsync(gateWrite, new byte[] { 1 });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    }, new ProcessOptions().WithEnvironment("FROM_OPTIONS", "yes"));

    [Fact]
    public Task A_child_opens_relative_paths_against_the_working_directory_it_inherited() => RunToSuccess(async libc =>
    {
        await libc.MkDirAsync("/work");
        libc.ChDir("/work");
        var child = await libc.ForkAsync(async self =>
        {
            await WriteFile(self, "out", "from child");
            return 0;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        var fd = await libc.OpenAsync("/work/out", OpenFlags.ReadOnly);
        Assert.Equal("from child", await libc.ReadToEnd(fd));
        return 0;
    }, new ProcessOptions { Cwd = "/" });

    private static async Task WriteFile(Libc libc, string path, string text)
    {
        var fd = await libc.OpenAsync(path, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate);
        await libc.WriteAsync(fd, Encoding.UTF8.GetBytes(text));
        await libc.CloseAsync(fd);
    }
}
