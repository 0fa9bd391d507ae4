using System.Text;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// execve with Genode's mechanism and POSIX's rules: programs as files in /bin, PATH lookup, what stays (pid, ppid,
/// descriptors without close-on-exec, ignored signals) and what goes (close-on-exec descriptors, handlers, the image),
/// and the failures the caller survives.
/// </summary>
public sealed class ExecSpec : RuntimeSpec
{
    public ExecSpec(ITestOutputHelper output)
        : base(output)
    {
        // Writes "pid ppid args…" to fd 1 and exits with the number of its arguments.
        Runtime.Programs.Register("report", async libc =>
        {
            var line = $"{libc.Pid} {await libc.GetPpidAsync()} {string.Join(",", libc.Args)} {libc.Cwd}";
            await libc.WriteAsync(1, Encoding.UTF8.GetBytes(line));
            return libc.Args.Count;
        });
        // Exits 0 when descriptor 5 is closed and descriptor 6 still open; reads its heap and segment state too.
        Runtime.Programs.Register("check-fds", async libc =>
        {
            var closed = await PosixHelpers.ErrnoOf(() => libc.WriteAsync(5, new byte[1])) == Errno.EBADF;
            var open = await libc.WriteAsync(6, "after exec"u8.ToArray()) == 10;
            var fresh = libc.Memory.Heap.Count == 0;
            var segment = new byte[4];
            libc.Memory.Read(libc.Memory.RwSegment("binary").At, segment);
            return closed && open && fresh && segment.All(b => b == 0) ? 0 : 1;
        });
        // Sends itself SIGUSR1, then SIGTERM: ended by the first that is not ignored or caught.
        Runtime.Programs.Register("signal-self", async libc =>
        {
            await libc.KillAsync(libc.Pid, Signal.SIGUSR1);
            await libc.KillAsync(libc.Pid, Signal.SIGTERM);
            await libc.GetPpidAsync();
            return 0;
        });
        Runtime.Programs.Register("fork-after-exec", async libc =>
        {
            var child = await libc.ForkAsync(c => Task.FromResult(c.Args.Count == 2 ? 33 : 1));
            return (await libc.Wait4Async(child)).Status == WaitStatus.FromExit(33) ? 0 : 1;
        });
    }

    [Fact]
    public Task Exec_keeps_pid_ppid_and_cwd_and_runs_the_program_with_its_arguments() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            await c.Dup2Async(write, 1);
            c.ChDir("/tmp");
            await c.ExecAsync("/bin/report", ["report", "a", "b c"]);
            return 99;
        });
        await libc.CloseAsync(write);
        Assert.Equal($"{child} {libc.Pid} report,a,b c /tmp", await libc.ReadToEnd(read));
        Assert.Equal(WaitStatus.FromExit(3), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public Task A_name_without_a_slash_is_looked_up_in_PATH_and_bin_is_the_default() => RunToSuccess(async libc =>
    {
        var viaDefault = await libc.ForkAsync(async c =>
        {
            c.Environment.Remove("PATH");
            await c.ExecAsync("report", ["report"]);
            return 99;
        });
        var viaPath = await libc.ForkAsync(async c =>
        {
            await c.ExecAsync("report", ["report", "x"], new Dictionary<string, string> { ["PATH"] = "/nowhere" });
            return 99;
        });
        var searched = await libc.ForkAsync(async c =>
        {
            c.Environment["PATH"] = "/nowhere:/tmp:/bin";
            await c.ExecAsync("report", ["report", "x", "y"]);
            return 99;
        });
        Assert.Equal(WaitStatus.FromExit(1), (await libc.Wait4Async(viaDefault)).Status);
        Assert.Equal(WaitStatus.FromExit(2), (await libc.Wait4Async(viaPath)).Status);
        Assert.Equal(WaitStatus.FromExit(3), (await libc.Wait4Async(searched)).Status);
        return 0;
    });

    // execve(2): ENOENT, EACCES (not a regular file), ENOEXEC (not an executable format), E2BIG; the caller goes on.
    [Fact]
    public Task A_failed_exec_throws_its_errno_and_the_caller_goes_on() => RunToSuccess(async libc =>
    {
        var file = await libc.OpenAsync("/tmp/notes", OpenFlags.WriteOnly | OpenFlags.Create);
        await libc.WriteAsync(file, "not a program"u8.ToArray());
        Assert.Equal(Errno.ENOENT, await PosixHelpers.ErrnoOf(() => libc.ExecAsync("/bin/missing", ["missing"])));
        Assert.Equal(Errno.ENOENT, await PosixHelpers.ErrnoOf(() => libc.ExecAsync("missing", ["missing"])));
        Assert.Equal(Errno.ENOEXEC, await PosixHelpers.ErrnoOf(() => libc.ExecAsync("/tmp/notes", ["notes"])));
        Assert.Equal(Errno.EACCES, await PosixHelpers.ErrnoOf(() => libc.ExecAsync("/tmp", ["tmp"])));
        Assert.Equal(Errno.E2BIG, await PosixHelpers.ErrnoOf(() => libc.ExecAsync("/bin/report", ["report", new string('x', Libc.ArgMax)])));
        Assert.Equal(1, await libc.GetPgrpAsync());
        return 0;
    });

    [Fact]
    public Task Close_on_exec_descriptors_close_others_stay_and_the_image_is_fresh() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            var heap = c.Memory.Malloc(64);
            c.Memory.Write(heap, "old heap"u8);
            c.Memory.Write(c.Memory.RwSegment("binary").At, "data"u8);
            var scratch = await c.OpenAsync("/tmp/scratch", OpenFlags.WriteOnly | OpenFlags.Create);
            await c.Dup2Async(scratch, 5);
            await c.SetCloseOnExecAsync(5, true);
            await c.Dup2Async(write, 6);
            await c.ExecAsync("/bin/check-fds", ["check-fds"]);
            return 99;
        });
        await libc.CloseAsync(write);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal("after exec", await libc.ReadToEnd(read));
        return 0;
    });

    // execve(2): "dispositions of any signals that are being caught are reset to the default; ignored stay ignored".
    [Fact]
    public Task Caught_signals_return_to_their_default_action_and_ignored_ones_stay_ignored() => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(async c =>
        {
            c.SetSignalHandler(Signal.SIGUSR1, Libc.Ignore);
            c.SetSignalHandler(Signal.SIGTERM, _ => { });
            await c.ExecAsync("/bin/signal-self", ["signal-self"]);
            return 99;
        });
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, coreDumped: false), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public Task Exec_in_a_grandchild_and_a_fork_after_exec_work() => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(async c =>
        {
            var grandchild = await c.ForkAsync(async g =>
            {
                await g.ExecAsync("fork-after-exec", ["fork-after-exec", "second"]);
                return 99;
            });
            return (await c.Wait4Async(grandchild)).Status.ExitCode;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public Task Every_registered_program_is_a_readable_file_in_bin_that_cannot_be_written() => RunToSuccess(async libc =>
    {
        var names = await libc.ReadDirAsync("/bin");
        Assert.Contains("report", names);
        Assert.Contains("hello", names);
        Assert.Equal(FileKind.RegularFile, (await libc.StatAsync("/bin/report")).Kind);
        var fd = await libc.OpenAsync("/bin/report", OpenFlags.ReadOnly);
        Assert.Contains("report", await libc.ReadToEnd(fd));
        Assert.Equal(Errno.EACCES, await PosixHelpers.ErrnoOf(() => libc.OpenAsync("/bin/report", OpenFlags.WriteOnly)));
        return 0;
    });
}
