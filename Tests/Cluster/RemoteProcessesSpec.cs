using System.Collections.Concurrent;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// A process on another node than its namespace's is a full member of the namespace: it forks (there, onto a third
/// node, and back onto the namespace's node) with pids from the namespace's one authority, its orphans and those of a lost
/// node go to init, process groups, kill and wait4's selectors span the nodes, and /proc and the process tree show it with
/// its node. The nodes run in this process (127.0.0.1, port 0); what the programs on the other node saw comes back through
/// <see cref="Seen"/>, a static both nodes' programs reach. Every wait is bounded; a program that waits for a state (its
/// ppid, a line of /proc, a process on the other node) checks it again every few ms, a bounded number of times.
/// </summary>
public sealed class RemoteProcessesSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // What the programs of each run recorded of themselves: pid, node and a word, by the run's id (the environment's RUN).
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<(int Pid, string Node, string Role)>> Seen = new();

    // The runtime of each run's namespace, for a program on the other node to read its table directly.
    private static readonly ConcurrentDictionary<string, ForkRuntime> Namespaces = new();

    private static void Record(Libc libc, string role) =>
        Seen.GetOrAdd(libc.Environment["RUN"], _ => new()).Enqueue((libc.Pid, libc.Node.ToString(), role));

    private static IReadOnlyList<(int Pid, string Node, string Role)> SeenIn(string run) =>
        Seen.TryGetValue(run, out var seen) ? [.. seen] : [];

    /// <summary>The pid of the first program of this run that recorded itself as <paramref name="role"/> (looked for every few ms, bounded), or 0.</summary>
    private static async Task<int> PidOf(Libc libc, string role)
    {
        for (var i = 0; i < 4000; i++)
        {
            if (SeenIn(libc.Environment["RUN"]).FirstOrDefault(s => s.Role == role) is { Pid: > 0 } seen) return seen.Pid;
            await libc.SleepAsync(TimeSpan.FromMilliseconds(5));
        }

        return 0;
    }

    private static ProcessOptions Run(out string run, params string[] args)
    {
        run = Guid.NewGuid().ToString("N");
        return new ProcessOptions().WithArgs(["init", .. args]).WithEnvironment("RUN", run);
    }

    private static Address Arg(Libc libc, int index) => Address.Parse(libc.Args[index]);

    // Records itself, then sleeps until it is killed.
    private static async Task<int> Member(Libc libc)
    {
        Record(libc, "member");
        await libc.SleepAsync(TimeSpan.FromMinutes(10));
        return 0;
    }

    // Records itself, then waits until it is init's child (it polls getppid, bounded): 7 once it is, 3 if it never is.
    private static async Task<int> Orphan(Libc libc)
    {
        Record(libc, "orphan");
        for (var i = 0; i < 4000; i++)
        {
            if (await libc.GetPpidAsync() == 1) return 7;
            await libc.SleepAsync(TimeSpan.FromMilliseconds(5));
        }

        return 3;
    }

    private static Task<Errno> ErrnoOf(Func<Task> call) => PosixHelpers.ErrnoOf(call);

    private static async Task<string> Status(Libc libc, int pid)
    {
        var fd = await libc.OpenAsync($"/proc/{pid}/status", OpenFlags.ReadOnly);
        var text = await libc.ReadToEnd(fd);
        await libc.CloseAsync(fd);
        return text;
    }

    /// <summary>/proc/PID/status once it contains <paramref name="line"/> (read again every few ms, bounded), or as it last was.</summary>
    private static async Task<string> StatusWith(Libc libc, int pid, string line)
    {
        var text = "";
        for (var i = 0; i < 4000 && !text.Contains(line, StringComparison.Ordinal); i++)
        {
            if (i > 0) await libc.SleepAsync(TimeSpan.FromMilliseconds(5));
            text = await Status(libc, pid);
        }

        return text;
    }

    /// <summary>Reaps every child until ECHILD: pid and status of each, in order.</summary>
    private static async Task<List<(int Pid, WaitStatus Status)>> ReapAll(Libc libc)
    {
        var reaped = new List<(int, WaitStatus)>();
        while (true)
        {
            var result = await libc.Wait4Async(-1);
            if (result.Pid < 0) return result.Error == Errno.ECHILD ? reaped : throw new PosixException(result.Error, "wait4");
            reaped.Add((result.Pid, result.Status));
        }
    }

    /// <summary>Two joined fork hosts that each see the other as one (a process on the second places children on the first).</summary>
    // On another node: forks COUNT members there and, between them, one in four back on the namespace's node (Args[1]);
    // records itself and sleeps.
    private static async Task<int> Forker(Libc libc)
    {
        var count = int.Parse(libc.Environment["COUNT"], CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            await libc.ForkAsync(Member);
            if (i % 4 == 0) await libc.ForkAsync(Member, ForkPlacement.OnNode(Arg(libc, 1)));
        }

        Record(libc, "forker");
        await libc.SleepAsync(TimeSpan.FromMinutes(10));
        return 0;
    }

    [Fact]
    public async Task Forks_on_both_nodes_interleaved_get_distinct_pids_from_one_authority_and_all_are_reaped()
    {
        await using var nodes = await ClusterNodes.Two(this);
        // A namespace whose pids wrap around during the forks: every live pid must be skipped, whoever asks.
        await using var runtime = ForkRuntime.Create(nodes.First, new ForkRuntimeOptions { PidMax = 40 });
        const int count = 8;
        var image = Run(out var run, nodes.FirstAddress.ToString()).WithEnvironment("COUNT", count.ToString(CultureInfo.InvariantCulture));
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Init's members, the forker's members there and back home, the forker itself: each records itself once.
        const int recorded = count + count + 2 + 1;
        IReadOnlyList<ProcessInfo>? left = null;

        var status = runtime.RunAsync(async libc =>
        {
            // Pids 2 to 31 come and go first, so the allocations below pass PidMax and start again from 2.
            for (var i = 0; i < 30; i++) await libc.Wait4Async(await libc.ForkAsync(_ => Task.FromResult(0)));
            await libc.ForkAsync(Forker, ForkPlacement.OnNode(nodes.SecondAddress));
            for (var i = 0; i < count; i++) await libc.ForkAsync(Member);
            await all.Task.WaitAsync(Bound);
            await libc.KillAsync(-1, Signal.SIGKILL);
            var reaped = await ReapAll(libc);
            left = runtime.Processes();
            return reaped.Count;
        }, image);

        await AwaitAssertAsync(() => Assert.Equal(recorded, SeenIn(run).Count), Bound);
        all.SetResult();

        Assert.Equal(WaitStatus.FromExit(recorded), await status.WaitAsync(Bound));
        var seen = SeenIn(run);
        Assert.Equal(seen.Count, seen.Select(s => s.Pid).Distinct().Count());
        Assert.Equal(count + 1, seen.Count(s => s.Node == nodes.SecondAddress.ToString()));
        Assert.Equal([1], left!.Select(p => p.Pid));
    }

    // On another node: forks a member back onto the namespace's node (Args[1]) and waits for it; 0 if SIGTERM ended it.
    private static async Task<int> PlaceHome(Libc libc)
    {
        var home = await libc.ForkAsync(HomeMember, ForkPlacement.OnNode(Arg(libc, 1)));
        var result = await libc.Wait4Async(-1);
        return result.Pid == home && result.Status == WaitStatus.FromSignal(Signal.SIGTERM, false) ? 0 : 1;
    }

    // Beside its namespace again: forks a child of its own (exit 3), reaps it, records itself, sleeps.
    private static async Task<int> HomeMember(Libc libc)
    {
        var child = await libc.ForkAsync(_ => Task.FromResult(3));
        if ((await libc.Wait4Async(child)).Status != WaitStatus.FromExit(3)) return 1;
        Record(libc, "home");
        await libc.SleepAsync(TimeSpan.FromMinutes(10));
        return 0;
    }

    [Fact]
    public async Task A_child_placed_back_on_its_namespaces_node_is_beside_it_again_and_proc_shows_it_sleeping_there()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var firstAddress = nodes.FirstAddress;
        string? status = null;
        int remote = 0, home = 0;

        var run = nodes.Parent.RunAsync(async libc =>
        {
            remote = await libc.ForkAsync(PlaceHome, ForkPlacement.OnNode(nodes.SecondAddress));
            home = await PidOf(libc, "home");
            // Its own view, read where it runs: S while it sleeps (a view kept from messages would say R).
            status = await StatusWith(libc, home, "State:\tS (sleeping)");
            await libc.KillAsync(home, Signal.SIGTERM);
            return (await libc.Wait4Async(remote)).Status.ExitCode;
        }, Run(out var id, firstAddress.ToString())).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), await run);
        Assert.Contains((home, firstAddress.ToString(), "home"), SeenIn(id));
        Assert.Contains("State:\tS (sleeping)\n", status);
        Assert.Contains($"PPid:\t{remote}\n", status);
        Assert.Contains($"Node:\t{firstAddress}\n", status);
    }

    [Fact]
    public async Task A_child_on_another_node_whose_parent_ends_goes_to_init_which_reaps_it()
    {
        await using var nodes = await ClusterNodes.Two(this);

        var status = await nodes.Parent.RunAsync(async libc =>
        {
            var parent = await libc.ForkAsync(async p =>
            {
                await p.ForkAsync(Orphan, ForkPlacement.OnNode(nodes.SecondAddress));
                return 5;
            });
            if ((await libc.Wait4Async(parent)).Status != WaitStatus.FromExit(5)) return 100;
            // The parent is reaped only once its child is init's: init's wait4 finds it, and it saw its ppid become 1.
            var reaped = await ReapAll(libc);
            return reaped.Count == 1 && reaped[0].Status == WaitStatus.FromExit(7) ? 0 : 101;
        }, Run(out var run)).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), status);
        Assert.Equal(nodes.SecondAddress.ToString(), Assert.Single(SeenIn(run)).Node);
    }

    // On another node: forks an orphan-to-be there and one back on the namespace's node (Args[1]), and ends at once.
    private static async Task<int> LeaveOrphans(Libc libc)
    {
        await libc.ForkAsync(Orphan);
        await libc.ForkAsync(Orphan, ForkPlacement.OnNode(Arg(libc, 1)));
        return 5;
    }

    [Fact]
    public async Task The_children_of_a_parent_on_another_node_that_ends_go_to_init_wherever_they_run()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var firstAddress = nodes.FirstAddress;

        var status = await nodes.Parent.RunAsync(async libc =>
        {
            var parent = await libc.ForkAsync(LeaveOrphans, ForkPlacement.OnNode(nodes.SecondAddress));
            if ((await libc.Wait4Async(parent)).Status != WaitStatus.FromExit(5)) return 100;
            var reaped = await ReapAll(libc);
            return reaped.Count == 2 && reaped.All(r => r.Status == WaitStatus.FromExit(7)) ? 0 : 101;
        }, Run(out var run, firstAddress.ToString())).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), status);
        Assert.Equal(new[] { firstAddress.ToString(), nodes.SecondAddress.ToString() }.Order(), SeenIn(run).Select(s => s.Node).Order());
    }

    // On another node: a member there, an orphan-to-be back on the namespace's node (Args[1]); records itself, sleeps.
    private static async Task<int> ParentOnLostNode(Libc libc)
    {
        await libc.ForkAsync(Member);
        await libc.ForkAsync(Orphan, ForkPlacement.OnNode(Arg(libc, 1)));
        Record(libc, "parent");
        await libc.SleepAsync(TimeSpan.FromMinutes(10));
        return 0;
    }

    [Fact]
    public async Task When_a_parents_node_is_lost_its_children_elsewhere_go_to_init_and_init_reaps_those_lost_with_it()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var firstAddress = nodes.FirstAddress;
        IReadOnlyList<ProcessInfo>? left = null;

        var run = nodes.Parent.RunAsync(async libc =>
        {
            await libc.ForkAsync(ParentOnLostNode, ForkPlacement.OnNode(nodes.SecondAddress));
            // init waits while the node goes: every wait4 is answered, none is left hanging.
            var reaped = await ReapAll(libc);
            left = nodes.Parent.Processes();
            var seen = SeenIn(libc.Environment["RUN"]);
            var killed = WaitStatus.FromSignal(Signal.SIGKILL, false);
            return reaped.Count != 3 ? 100
                : reaped.Single(r => r.Pid == seen.Single(s => s.Role == "parent").Pid).Status != killed ? 101
                : reaped.Single(r => r.Pid == seen.Single(s => s.Role == "member").Pid).Status != killed ? 102
                : reaped.Single(r => r.Pid == seen.Single(s => s.Role == "orphan").Pid).Status != WaitStatus.FromExit(7) ? 103
                : 0;
        }, Run(out var id, firstAddress.ToString()));

        await AwaitAssertAsync(() => Assert.Equal(3, SeenIn(id).Count), Bound);
        Cluster.Get(nodes.First).Down(nodes.SecondAddress);
        await nodes.Second.Terminate().WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), await run.WaitAsync(Bound));
        Assert.Equal([1], left!.Select(p => p.Pid));
    }

    [Fact]
    public async Task A_wait4_for_a_group_whose_members_run_on_a_node_that_is_lost_is_answered_for_each()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var grouped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = nodes.Parent.RunAsync(async libc =>
        {
            var first = await libc.ForkAsync(Member, ForkPlacement.OnNode(nodes.SecondAddress));
            var second = await libc.ForkAsync(Member, ForkPlacement.OnNode(nodes.SecondAddress));
            var local = await libc.ForkAsync(Member);
            await libc.SetPgidAsync(first, first);
            await libc.SetPgidAsync(second, first);
            grouped.SetResult();
            var killed = WaitStatus.FromSignal(Signal.SIGKILL, false);
            var one = await libc.Wait4Async(-first);
            var other = await libc.Wait4Async(-first);
            if (new[] { one.Pid, other.Pid }.Order().SequenceEqual(new[] { first, second }.Order()) is false) return 100;
            if (one.Status != killed || other.Status != killed) return 101;
            // The group has no member left; the child outside it is still there.
            if ((await libc.Wait4Async(-first)).Error != Errno.ECHILD) return 102;
            if ((await libc.Wait4Async(local, WaitOptions.WNOHANG)).Pid != 0) return 103;
            await libc.KillAsync(local, Signal.SIGKILL);
            return (await libc.Wait4Async(local)).Status == killed ? 0 : 104;
        }, Run(out _));

        await grouped.Task.WaitAsync(Bound);
        Cluster.Get(nodes.First).Down(nodes.SecondAddress);
        await nodes.Second.Terminate().WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), await run.WaitAsync(Bound));
    }

    // On another node: leads a group of its own with a child there and one on the namespace's node (Args[1]), which wait4(0)
    // reaps; a third child in a group of its own is not among them, and wait4(-its group) reaps it. 0, or where it differed.
    private static async Task<int> GroupLeader(Libc libc)
    {
        if (await libc.GetPpidAsync() != 1) return 10;
        await libc.SetPgidAsync(0, 0);
        if (await libc.GetPgrpAsync() != libc.Pid) return 11;
        var here = await libc.ForkAsync(InParentsGroup);
        var home = await libc.ForkAsync(InParentsGroup, ForkPlacement.OnNode(Arg(libc, 1)));
        var apart = await libc.ForkAsync(Member);
        await libc.SetPgidAsync(apart, apart);
        var reaped = new[] { await libc.Wait4Async(0), await libc.Wait4Async(0) };
        if (!reaped.Select(r => r.Pid).Order().SequenceEqual(new[] { here, home }.Order())) return 12;
        if (reaped.Any(r => r.Status != WaitStatus.FromExit(0))) return 13;
        // Reaped: the namespace's table (read where it is, at once), /proc and kill no longer know them.
        if (Namespaces[libc.Environment["RUN"]].Processes().Any(p => p.Pid == here || p.Pid == home)) return 18;
        foreach (var pid in new[] { here, home })
        {
            if (await ErrnoOf(() => libc.StatAsync($"/proc/{pid}")) != Errno.ENOENT) return 16;
            if (await ErrnoOf(() => libc.KillAsync(pid, 0)) != Errno.ESRCH) return 17;
        }

        if ((await libc.Wait4Async(0)).Error != Errno.ECHILD) return 14;
        await libc.KillAsync(-apart, Signal.SIGTERM);
        var last = await libc.Wait4Async(-apart);
        return last.Pid == apart && last.Status == WaitStatus.FromSignal(Signal.SIGTERM, false) ? 0 : 15;
    }

    // 0 when its group is its parent's pid (the group its parent leads), else 1.
    private static async Task<int> InParentsGroup(Libc libc) => await libc.GetPgrpAsync() == await libc.GetPpidAsync() ? 0 : 1;

    [Fact]
    public async Task A_process_on_another_node_leads_a_group_across_nodes_and_waits_for_it_by_group()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var firstAddress = nodes.FirstAddress;

        var image = Run(out var run, firstAddress.ToString());
        Namespaces[run] = nodes.Parent;
        var status = await nodes.Parent.RunAsync(async libc =>
        {
            var leader = await libc.ForkAsync(GroupLeader, ForkPlacement.OnNode(nodes.SecondAddress));
            return (await libc.Wait4Async(leader)).Status.ExitCode;
        }, image).WaitAsync(Bound);
        Namespaces.TryRemove(run, out _);

        Assert.Equal(WaitStatus.FromExit(0), status);
    }

    // On another node: once its parent has made it a group leader (it polls getpgrp, bounded), forks a member there (in
    // its group), records itself and sleeps.
    private static async Task<int> JoinedLeader(Libc libc)
    {
        for (var i = 0; i < 4000 && await libc.GetPgrpAsync() != libc.Pid; i++) await libc.SleepAsync(TimeSpan.FromMilliseconds(5));
        await libc.ForkAsync(Member);
        Record(libc, "leader");
        await libc.SleepAsync(TimeSpan.FromMinutes(10));
        return 0;
    }

    [Fact]
    public async Task Setpgid_of_a_process_on_another_node_and_kill_of_its_group_reach_members_on_both_nodes()
    {
        await using var nodes = await ClusterNodes.Two(this);
        string? status = null;
        var leader = 0;

        var run = await nodes.Parent.RunAsync(async libc =>
        {
            leader = await libc.ForkAsync(JoinedLeader, ForkPlacement.OnNode(nodes.SecondAddress));
            var local = await libc.ForkAsync(async c =>
            {
                await c.SleepAsync(TimeSpan.FromMinutes(10));
                return 0;
            });
            await libc.SetPgidAsync(leader, leader);
            await libc.SetPgidAsync(local, leader);
            if (await PidOf(libc, "leader") != leader) return 100;
            if (await PidOf(libc, "member") is not (> 0 and var member) || member == local) return 101;
            status = await Status(libc, leader);
            await libc.KillAsync(-leader, Signal.SIGTERM);
            // The leader, the child beside init and the leader's child on its node (init's once the leader ended).
            var reaped = new[] { await libc.Wait4Async(-leader), await libc.Wait4Async(-leader), await libc.Wait4Async(-leader) };
            if ((await libc.Wait4Async(-leader)).Error != Errno.ECHILD) return 102;
            var terminated = WaitStatus.FromSignal(Signal.SIGTERM, false);
            return reaped.All(r => r.Status == terminated) && reaped.Select(r => r.Pid).Order().SequenceEqual(new[] { leader, local, member }.Order())
                ? 0 : 103;
        }, Run(out _)).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), run);
        Assert.Contains($"NSpgid:\t{leader}\n", status);
        Assert.Contains($"Node:\t{nodes.SecondAddress}\n", status);
    }

    // On another node: forks a child there that runs sleep, and runs sleep itself (exec).
    private static async Task<int> SleepThere(Libc libc)
    {
        await libc.ForkAsync(RunSleep);
        return await RunSleep(libc);
    }

    private static async Task<int> RunSleep(Libc libc)
    {
        await libc.ExecAsync("sleep", ["sleep", "600"]);
        return 1;
    }

    /// <summary>Until <paramref name="done"/> holds (checked every few ms, bounded): whether it does.</summary>
    private static async Task<bool> Until(Libc libc, Func<bool> done)
    {
        for (var i = 0; i < 4000; i++)
        {
            if (done()) return true;
            await libc.SleepAsync(TimeSpan.FromMilliseconds(5));
        }

        return done();
    }

    [Fact]
    public async Task Proc_ps_and_the_process_tree_show_processes_on_another_node_with_their_node_and_state()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var second = nodes.SecondAddress.ToString();
        string running = "", stopped = "", zombie = "", ps = "", tree = "";
        IReadOnlyList<ProcessInfo> processes = [];
        int remote = 0, grandchild = 0;

        var status = await nodes.Parent.RunAsync(async libc =>
        {
            remote = await libc.ForkAsync(SleepThere, ForkPlacement.OnNode(nodes.SecondAddress));
            if (!await Until(libc, () => nodes.Parent.Processes().Count(p => p.Program == "sleep") == 2)) return 100;
            processes = nodes.Parent.Processes();
            tree = ProcessTree.Format(processes);
            grandchild = processes.Single(p => p.Ppid == remote).Pid;
            running = await StatusWith(libc, remote, "Name:\tsleep");
            await libc.KillAsync(remote, Signal.SIGSTOP);
            stopped = await StatusWith(libc, remote, "State:\tT");
            await libc.KillAsync(remote, Signal.SIGCONT);

            var (read, write) = await libc.PipeAsync();
            var lister = await libc.ForkAsync(async c =>
            {
                await c.Dup2Async(write, 1);
                await c.ExecAsync("/bin/ps", ["ps"]);
                return 1;
            });
            await libc.CloseAsync(write);
            ps = await libc.ReadToEnd(read);
            if ((await libc.Wait4Async(lister)).Status != WaitStatus.FromExit(0)) return 101;

            await libc.KillAsync(remote, Signal.SIGKILL);
            zombie = await StatusWith(libc, remote, "State:\tZ");
            if ((await libc.Wait4Async(remote)).Status != WaitStatus.FromSignal(Signal.SIGKILL, false)) return 102;
            // Its child on the other node is init's now.
            await libc.KillAsync(grandchild, Signal.SIGKILL);
            var reaped = await ReapAll(libc);
            return reaped.Count == 1 && reaped[0].Pid == grandchild ? 0 : 103;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), status);
        var shown = processes.Single(p => p.Pid == remote);
        Assert.Equal((1, 1, "sleep", 'R', second), (shown.Ppid, shown.Pgid, shown.Program, shown.State, shown.Node?.ToString()));
        var below = processes.Single(p => p.Pid == grandchild);
        Assert.Equal((remote, "sleep", second), (below.Ppid, below.Program, below.Node?.ToString()));
        Assert.Equal(nodes.FirstAddress, processes.Single(p => p.Pid == 1).Node);
        Assert.Contains($"{remote} sleep [R] ", tree);
        Assert.Contains($" on {second}\n", tree);
        Assert.Equal(["Name:\tsleep", "State:\tR (running)", $"Pid:\t{remote}", "PPid:\t1", "NSpgid:\t1"], running.Split('\n')[..5]);
        Assert.Contains($"Node:\t{second}\n", running);
        Assert.Contains("State:\tT (stopped)\n", stopped);
        Assert.Contains("State:\tZ (zombie)\n", zombie);
        Assert.Matches($@"\n *{remote} +1 +1 +R +sleep\n", ps);
        Assert.Matches($@"\n *{grandchild} +{remote} +1 +R +sleep\n", ps);
    }

    // On another node: forks a child onto a third node (Args[1]) that exits 5 and one there that sleeps, reaps the first,
    // records itself and waits for the other: 0 when the first exited 5 and the other was killed with its node.
    private static async Task<int> ParentOfThird(Libc libc)
    {
        var third = ForkPlacement.OnNode(Arg(libc, 1));
        var quick = await libc.ForkAsync(ExitFive, third);
        var sleeper = await libc.ForkAsync(Member, third);
        if ((await libc.Wait4Async(quick)).Status != WaitStatus.FromExit(5)) return 1;
        Record(libc, "parent");
        var lost = await libc.Wait4Async(-1);
        return lost.Pid == sleeper && lost.Status == WaitStatus.FromSignal(Signal.SIGKILL, false) ? 0 : 2;
    }

    private static Task<int> ExitFive(Libc libc) => Task.FromResult(libc.Node.ToString() == libc.Args[1] ? 5 : 4);

    [Fact]
    public async Task A_parent_on_another_node_reaps_a_child_on_a_third_and_its_wait4_is_answered_when_that_node_is_lost()
    {
        var systems = new[] { ClusterNodes.Node(), ClusterNodes.Node(), ClusterNodes.Node() };
        var runtimes = systems.Select(s => ForkRuntime.Create(s)).ToList();
        try
        {
            var seed = Cluster.Get(systems[0]).SelfAddress;
            foreach (var system in systems) Cluster.Get(system).Join(seed);
            await AwaitAssertAsync(() =>
            {
                foreach (var runtime in runtimes) Assert.Equal(3, runtime.ForkHosts().Count);
            }, Bound);
            var (second, third) = (Cluster.Get(systems[1]).SelfAddress, Cluster.Get(systems[2]).SelfAddress);

            var run = runtimes[0].RunAsync(async libc =>
            {
                var parent = await libc.ForkAsync(ParentOfThird, ForkPlacement.OnNode(second));
                return (await libc.Wait4Async(parent)).Status.ExitCode;
            }, Run(out var id, third.ToString()));

            await AwaitAssertAsync(() => Assert.Equal(2, SeenIn(id).Count), Bound);
            Cluster.Get(systems[0]).Down(third);
            await systems[2].Terminate().WaitAsync(Bound);

            Assert.Equal(WaitStatus.FromExit(0), await run.WaitAsync(Bound));
            Assert.Equal(third.ToString(), SeenIn(id).Single(s => s.Role == "member").Node);
        }
        finally
        {
            foreach (var runtime in runtimes) await runtime.DisposeAsync();
            await Task.WhenAll(systems.Select(s => s.Terminate().WaitAsync(Bound)));
        }
    }
}
