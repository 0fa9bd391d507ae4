using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// The process tree of a namespace: the live processes as <see cref="ForkRuntime.Processes"/> shows them (pids, parents,
/// programs, states, a zombie's status, pages), every process that lived as <see cref="ForkRuntime.History"/> keeps them,
/// and their plain text.
/// </summary>
public sealed class ProcessTreeSpec(ITestOutputHelper output) : RuntimeSpec(output, new ForkRuntimeOptions { KeepHistory = true })
{
    private static readonly ProcessOptions Image = new() { Binary = "tree-init" };

    // init (1) forks 2, which forks 3; then it forks 4, which exits 7 and is not reaped while the snapshot is taken.
    // 2 is parked in wait4 and 3 in a read, each started before it says it is ready.
    [Fact]
    public async Task The_live_tree_shows_parents_programs_states_pages_and_a_zombies_status()
    {
        IReadOnlyList<ProcessInfo> tree = [];
        await RunToSuccess(async libc =>
        {
            var heap = libc.Memory.Malloc(3 * MemoryImage.PageSize);
            libc.Memory.Write(heap, new byte[3 * MemoryImage.PageSize]);
            var (ready, readyWrite) = await libc.PipeAsync();
            var (release, releaseWrite) = await libc.PipeAsync();
            var child = await libc.ForkAsync(async c =>
            {
                var grandchild = await c.ForkAsync(async g =>
                {
                    var reading = g.ReadAsync(release, new byte[1]);
                    await g.Release(readyWrite);
                    return await reading == 1 ? 0 : 1;
                });
                var waiting = c.Wait4Async(grandchild);
                await c.Release(readyWrite);
                return (await waiting).Status == WaitStatus.FromExit(0) ? 0 : 1;
            });
            Assert.Equal("\0\0", await libc.ReadExactly(ready, 2));

            var (ended, endedWrite) = await libc.PipeAsync();
            var zombie = await libc.ForkAsync(async z =>
            {
                await z.CloseAsync(ended);
                return 7;
            });
            await libc.CloseAsync(endedWrite);
            // The zombie's end closes its copy of the pipe: EOF says it has ended (and its status is known).
            Assert.Equal(0, await libc.ReadAsync(ended, new byte[1]));

            tree = Runtime.Processes();

            await libc.Release(releaseWrite);
            Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
            Assert.Equal(WaitStatus.FromExit(7), (await libc.Wait4Async(zombie)).Status);
            return 0;
        }, Image);

        Output.WriteLine(ProcessTree.Format(tree));
        Assert.Equal([1, 2, 3, 4], tree.Select(p => p.Pid));
        Assert.Equal([0, 1, 2, 1], tree.Select(p => p.Ppid));
        Assert.All(tree, p => Assert.Equal(1, p.Pgid));
        Assert.All(tree, p => Assert.Equal("tree-init", p.Program));
        Assert.Equal("RSSZ", string.Concat(tree.Select(p => p.State)));
        Assert.Equal([null, null, null, WaitStatus.FromExit(7)], tree.Select(p => p.Status));
        Assert.True(tree[0].Pages >= 3, $"init owns {tree[0].Pages} pages, fewer than the 3 it wrote");
        Assert.Empty(Runtime.Processes());
    }

    [Fact]
    public async Task The_final_tree_of_test_fork_has_every_process_that_lived_each_exited_0()
    {
        var status = await Runtime.RunAsync(TestForkName, new ProcessOptions { Binary = TestForkName, Args = [TestForkName] });
        Assert.Equal(WaitStatus.FromExit(0), status);

        var history = Runtime.History();
        Output.WriteLine(ProcessTree.Format(history));
        Assert.Equal([1, 2, 3], history.Select(p => p.Pid));
        Assert.Equal([0, 1, 2], history.Select(p => p.Ppid));
        Assert.All(history, p => Assert.Equal(TestForkName, p.Program));
        Assert.All(history, p => Assert.Equal('X', p.State));
        Assert.All(history, p => Assert.Equal(WaitStatus.FromExit(0), p.Status));
        var root = Assert.Single(ProcessTree.Build(history));
        Assert.Equal(3, Assert.Single(Assert.Single(root.Children).Children).Process.Pid);
    }

    // The history keeps what a sampler misses: a child reaped long before anyone looks, an orphan under the parent that
    // forked it (the live table has it under init), the exec'd program's name, and how each ended, a signal included.
    [Fact]
    public async Task The_history_keeps_short_lived_processes_orphans_under_their_forker_exec_and_signals()
    {
        int orphanPpidLive = -1;
        await RunToSuccess(async libc =>
        {
            Assert.Equal(3, (await libc.Wait4Async(await libc.ForkAsync(_ => Task.FromResult(3)))).Status.ExitCode);

            var (gate, gateWrite) = await libc.PipeAsync();
            var parent = await libc.ForkAsync(async p =>
            {
                await p.ForkAsync(async o =>
                {
                    await o.Await(gate);
                    await o.ExecAsync("/bin/true", ["true"]);
                    return 1;
                });
                return 0;
            });
            await libc.Wait4Async(parent);
            orphanPpidLive = Runtime.Processes().Single(p => p.Pid == 4).Ppid;
            await libc.Release(gateWrite);
            Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(4)).Status);

            var killed = await libc.ForkAsync(async k =>
            {
                await k.Await(gate);
                return 0;
            });
            await libc.KillAsync(killed, Signal.SIGTERM);
            Assert.Equal(Signal.SIGTERM, (await libc.Wait4Async(killed)).Status.TermSignal);
            return 0;
        }, Image);

        Assert.Equal(1, orphanPpidLive);
        var history = Runtime.History();
        Output.WriteLine(ProcessTree.Format(history));
        Assert.Equal(
            """
            1 tree-init [X exit 0] P
            |- 2 tree-init [X exit 3] P
            |- 3 tree-init [X exit 0] P
            |  `- 4 true [X exit 0] P
            `- 5 tree-init [X SIGTERM] P

            """.ReplaceLineEndings("\n"),
            PagesMasked(ProcessTree.Format(history)));
    }

    // PidMax 4: pids 2 and 3, then 2 again; each incarnation is its own entry, its children under it.
    [Fact]
    public async Task A_pid_reused_after_wrap_around_is_a_new_entry_with_its_own_children()
    {
        await using var runtime = ForkRuntime.Create(new ForkRuntimeOptions { KeepHistory = true, PidMax = 4 });
        var status = await runtime.RunAsync(async libc =>
        {
            foreach (var code in new[] { 1, 2 })
                await libc.Wait4Async(await libc.ForkAsync(_ => Task.FromResult(code)));
            await libc.Wait4Async(await libc.ForkAsync(async c =>
            {
                await c.Wait4Async(await c.ForkAsync(_ => Task.FromResult(5)));
                return 4;
            }));
            return 0;
        }, Image);
        Assert.Equal(WaitStatus.FromExit(0), status);

        Assert.Equal(
            """
            1 tree-init [X exit 0] P
            |- 2 tree-init [X exit 1] P
            |- 3 tree-init [X exit 2] P
            `- 2 tree-init [X exit 4] P
               `- 3 tree-init [X exit 5] P

            """.ReplaceLineEndings("\n"),
            PagesMasked(ProcessTree.Format(runtime.History())));
    }

    [Fact]
    public async Task Without_KeepHistory_nothing_is_kept()
    {
        await using var runtime = ForkRuntime.Create();
        IReadOnlyList<ProcessInfo> live = [];
        await runtime.RunAsync(async libc =>
        {
            await libc.Wait4Async(await libc.ForkAsync(_ => Task.FromResult(0)));
            live = runtime.Processes();
            return 0;
        });
        Assert.Equal([1], live.Select(p => p.Pid));
        Assert.Empty(runtime.History());
    }

    [Fact]
    public void The_plain_text_of_a_given_list_is_one_process_a_line_indented_under_its_parent()
    {
        IReadOnlyList<ProcessInfo> processes =
        [
            new(1, 0, 1, "sh", 'S', null, 12),
            new(2, 1, 2, "yes", 'Z', WaitStatus.FromSignal(Signal.SIGPIPE, false), 1),
            new(3, 1, 2, "head", 'R', null, 0),
            new(5, 3, 2, "cat", 'T', null, 2),
            new(4, 2, 2, "orphan", 'X', WaitStatus.FromSignal(Signal.SIGSEGV, true), 7),
            new(6, 1, 1, "true", 'Z', WaitStatus.FromExit(0), 3),
        ];
        Assert.Equal(
            """
            1 sh [S] 12 pages
            |- 2 yes [Z SIGPIPE] 1 page
            |  `- 4 orphan [X SIGSEGV core] 7 pages
            |- 3 head [R] 0 pages
            |  `- 5 cat [T] 2 pages
            `- 6 true [Z exit 0] 3 pages

            """.ReplaceLineEndings("\n"),
            ProcessTree.Format(processes));
    }

    [Fact]
    public void Each_namespace_is_its_own_tree_under_a_heading()
    {
        IReadOnlyList<ProcessInfo> processes =
        [
            new ProcessInfo(1, 0, 1, "a", 'X', WaitStatus.FromExit(0), 1) { Namespace = 1 },
            new ProcessInfo(1, 0, 1, "b", 'R', null, 2) { Namespace = 2 },
            new ProcessInfo(2, 1, 1, "b", 'S', null, 0) { Namespace = 2 },
            new ProcessInfo(2, 1, 1, "a", 'X', WaitStatus.FromExit(1), 0) { Namespace = 1 },
        ];
        Assert.Equal("namespace 1\n1 a [X exit 0] 1 page\n`- 2 a [X exit 1] 0 pages\nnamespace 2\n1 b [R] 2 pages\n`- 2 b [S] 0 pages\n",
            ProcessTree.Format(processes));
    }

    private const string TestForkName = "test-fork";

    private static string PagesMasked(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\d+ pages?$", "P", System.Text.RegularExpressions.RegexOptions.Multiline);
}
