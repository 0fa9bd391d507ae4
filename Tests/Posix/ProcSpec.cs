using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>/proc as Linux has it, generated on read: the pids, each status file with states R, S, T and Z, and ps and pstree.</summary>
public sealed class ProcSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    [Fact]
    public Task Proc_lists_every_pid_not_yet_reaped_and_self_and_a_reaped_pid_is_gone() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            await c.CloseAsync(read);
            return 0;
        });
        await libc.CloseAsync(write);
        Assert.Equal(0, await libc.ReadAsync(read, new byte[1]));
        Assert.Equal(["1", child.ToString(), "self"], await libc.ReadDirAsync("/proc"));
        Assert.Equal(["status"], await libc.ReadDirAsync($"/proc/{child}"));
        Assert.Equal(FileKind.Directory, (await libc.StatAsync("/proc/self")).Kind);
        await libc.Wait4Async(child);
        Assert.Equal(["1", "self"], await libc.ReadDirAsync("/proc"));
        Assert.Equal(Errno.ENOENT, await PosixHelpers.ErrnoOf(() => libc.OpenAsync($"/proc/{child}/status", OpenFlags.ReadOnly)));
        Assert.Equal(Errno.ENOENT, await PosixHelpers.ErrnoOf(() => libc.StatAsync($"/proc/{child}")));
        return 0;
    });

    [Fact]
    public Task Self_status_is_in_Linux_format_and_running() => RunToSuccess(async libc =>
    {
        var heap = libc.Memory.Malloc(3 * MemoryImage.PageSize);
        libc.Memory.Write(heap, new byte[3 * MemoryImage.PageSize]);
        var lines = (await Status(libc, "self")).Split('\n');
        Assert.Equal("Name:\tinit-binary", lines[0]);
        Assert.Equal("State:\tR (running)", lines[1]);
        Assert.Equal("Pid:\t1", lines[2]);
        Assert.Equal("PPid:\t0", lines[3]);
        Assert.Equal("NSpgid:\t1", lines[4]);
        Assert.Matches(@"^VmRSS:\t +\d+ kB$", lines[5]);
        Assert.True(int.Parse(lines[5].Split('\t')[1].Trim().Split(' ')[0]) >= 12, lines[5]);
        Assert.Equal(Errno.EACCES, await PosixHelpers.ErrnoOf(() => libc.OpenAsync("/proc/self/status", OpenFlags.WriteOnly)));
        return 0;
    }, new ProcessOptions { Binary = "init-binary" });

    [Fact]
    public Task A_child_is_S_while_blocked_T_while_stopped_and_Z_once_it_ended() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var (readyRead, readyWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            await c.CloseAsync(write);
            var reading = c.ReadAsync(read, new byte[1]);
            await c.WriteAsync(readyWrite, new byte[1]);
            await reading;
            return 0;
        });
        await libc.CloseAsync(readyWrite);
        await libc.Await(readyRead);
        Assert.Contains("State:\tS (sleeping)", await Status(libc, child.ToString()));
        Assert.Contains($"PPid:\t{libc.Pid}", await Status(libc, child.ToString()));

        await libc.KillAsync(child, Signal.SIGSTOP);
        Assert.True((await libc.Wait4Async(child, WaitOptions.WUNTRACED)).Status.Stopped);
        Assert.Contains("State:\tT (stopped)", await Status(libc, child.ToString()));
        await libc.KillAsync(child, Signal.SIGCONT);

        await libc.Release(write);
        await libc.CloseAsync(read);
        // The child's end closes its copy of the ready pipe: EOF says it has ended.
        Assert.Equal(0, await libc.ReadAsync(readyRead, new byte[1]));
        Assert.Contains("State:\tZ (zombie)", await Status(libc, child.ToString()));
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public Task Ps_and_pstree_show_the_namespace() => RunToSuccess(async libc =>
    {
        var (gateRead, gateWrite) = await libc.PipeAsync();
        var (outRead, outWrite) = await libc.PipeAsync();
        var sleeper = await libc.ForkAsync(async c =>
        {
            await c.CloseAsync(gateWrite);
            await c.CloseAsync(outWrite);
            await c.ReadAsync(gateRead, new byte[1]);
            return 0;
        });
        var ps = await libc.ForkAsync(async c =>
        {
            await c.Dup2Async(outWrite, 1);
            await c.ExecAsync("ps", ["ps"]);
            return 99;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(ps)).Status);
        var tree = await libc.ForkAsync(async c =>
        {
            await c.Dup2Async(outWrite, 1);
            await c.ExecAsync("pstree", ["pstree"]);
            return 99;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(tree)).Status);
        await libc.CloseAsync(outWrite);
        var output = await libc.ReadToEnd(outRead);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("  PID  PPID  PGID STAT COMMAND", lines[0]);
        // Init is in wait4 meanwhile (sleeping), unless ps read /proc before init's call got there.
        Assert.Contains(lines, l => l == "    1     0     1 S    initial" || l == "    1     0     1 R    initial");
        Assert.Contains(lines, l => l == $"{sleeper,5}     1     1 S    initial" || l == $"{sleeper,5}     1     1 R    initial");
        Assert.Contains(lines, l => l == $"{ps,5}     1     1 R    ps");
        Assert.Contains("initial(1)\n", output);
        Assert.Contains($"─ initial({sleeper})\n", output);
        Assert.Contains($"─ pstree({tree})\n", output);
        await libc.Release(gateWrite);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(sleeper)).Status);
        return 0;
    }, new ProcessOptions { Binary = "initial" });

    private static async Task<string> Status(Libc libc, string pid)
    {
        var fd = await libc.OpenAsync($"/proc/{pid}/status", OpenFlags.ReadOnly);
        var text = await libc.ReadToEnd(fd);
        await libc.CloseAsync(fd);
        return text;
    }
}
