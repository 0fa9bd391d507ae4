using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// The first fork across nodes: two fork hosts in this process (127.0.0.1, port 0, the runtime's serializer), a parent on
/// the first and a registered program placed on the second by its spawner. Every wait is bounded; nothing sleeps.
/// </summary>
public sealed class RemoteForkSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // Exits 7 when it runs on the node named by its last argument and its environment came along; else says what differs.
    // It sleeps first: the namespace's timer, on the parent's node, answers a call of a program on this one.
    private static async Task<int> WhereAmI(Libc libc)
    {
        await libc.SleepAsync(TimeSpan.FromMilliseconds(20));
        return libc.Args.Count == 0 ? 2
            : libc.Node.ToString() != libc.Args[^1] ? 3
            : !libc.Environment.TryGetValue("PLACED", out var placed) || placed != "yes" ? 4
            : 7;
    }

    private static async Task<int> Sleeper(Libc libc)
    {
        await libc.SleepAsync(TimeSpan.FromMinutes(10));
        return 0;
    }

    [Fact]
    public async Task A_registered_program_forked_onto_another_node_runs_there_and_its_parent_reaps_its_exit_code()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var (first, second, parent, host) = nodes;
        parent.Programs.Register("where-am-i", WhereAmI);
        host.Programs.Register("where-am-i", WhereAmI);
        var secondAddress = nodes.SecondAddress;

        var image = new ProcessOptions().WithArgs("where-am-i", secondAddress.ToString()).WithEnvironment("PLACED", "yes");
        var status = await parent.RunAsync(async libc =>
        {
            var pid = await libc.ForkAsync(WhereAmI, ForkPlacement.OnNode(secondAddress));
            var result = await libc.Wait4Async(pid);
            if (result.Pid != pid) return 100;
            // Nothing is left to wait for.
            if ((await libc.Wait4Async(-1, WaitOptions.WNOHANG)).Error != Errno.ECHILD) return 101;
            return result.Status.Exited ? result.Status.ExitCode : 102;
        }, image).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(7), status);
    }

    // Exits 7 when the megabyte its parent wrote at the address in AT is there, byte for byte.
    private static Task<int> Checker(Libc libc)
    {
        var at = ulong.Parse(libc.Environment["AT"], System.Globalization.CultureInfo.InvariantCulture);
        var copy = new byte[Megabyte];
        libc.Memory.Read(at, copy);
        for (var i = 0; i < copy.Length; i++)
            if (copy[i] != (byte)(i * 7 + i / 4096)) return Task.FromResult(3);
        return Task.FromResult(libc.Node.ToString() == libc.Args[^1] ? 7 : 2);
    }

    private const int Megabyte = 1 << 20;

    [Fact]
    public async Task An_image_larger_than_a_frame_is_pulled_in_chunks_and_arrives_whole_on_the_other_node()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var (first, second, parent, host) = nodes;
        parent.Programs.Register("checker", Checker);
        host.Programs.Register("checker", Checker);
        var secondAddress = nodes.SecondAddress;

        var status = await parent.RunAsync(async libc =>
        {
            var data = new byte[Megabyte];
            for (var i = 0; i < data.Length; i++) data[i] = (byte)(i * 7 + i / 4096);
            var at = libc.Memory.Malloc(data.Length);
            libc.Memory.Write(at, data);
            libc.Environment["AT"] = at.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var pid = await libc.ForkAsync(Checker, ForkPlacement.OnNode(secondAddress));
            var result = await libc.Wait4Async(pid);
            return result.Status.Exited ? result.Status.ExitCode : 102;
        }, new ProcessOptions().WithArgs("checker", secondAddress.ToString())).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(7), status);
    }

    [Fact]
    public async Task A_child_on_a_node_that_is_lost_is_reported_killed_by_SIGKILL_once()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var (first, second, parent, host) = nodes;
        parent.Programs.Register("sleeper", Sleeper);
        host.Programs.Register("sleeper", Sleeper);
        var secondAddress = nodes.SecondAddress;

        var forked = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = parent.RunAsync(async libc =>
        {
            var pid = await libc.ForkAsync(Sleeper, ForkPlacement.OnNode(secondAddress));
            forked.SetResult(pid);
            var result = await libc.Wait4Async(pid);
            if (result.Pid != pid) return 100;
            if ((await libc.Wait4Async(-1, WaitOptions.WNOHANG)).Error != Errno.ECHILD) return 101;
            return result.Status == WaitStatus.FromSignal(Signal.SIGKILL, false) ? 9 : 102;
        });

        await forked.Task.WaitAsync(Bound);
        Cluster.Get(first).Down(secondAddress);
        await second.Terminate().WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(9), await run.WaitAsync(Bound));
    }

    [Fact]
    public async Task Kill_reaches_a_child_on_another_node_and_its_end_raises_SIGCHLD_in_the_parent()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var (first, second, parent, host) = nodes;
        parent.Programs.Register("sleeper", Sleeper);
        host.Programs.Register("sleeper", Sleeper);
        var secondAddress = nodes.SecondAddress;

        var status = await parent.RunAsync(async libc =>
        {
            var sigchld = 0;
            libc.SetSignalHandler(Signal.SIGCHLD, _ => sigchld++);
            var pid = await libc.ForkAsync(Sleeper, ForkPlacement.OnNode(secondAddress));
            // The existence check finds the remote child; SIGTERM ends it there.
            await libc.KillAsync(pid, 0);
            await libc.KillAsync(pid, Signal.SIGTERM);
            var result = await libc.Wait4Async(pid);
            await libc.GetPpidAsync();
            if (result.Pid != pid || result.Status != WaitStatus.FromSignal(Signal.SIGTERM, false)) return 100;
            // Reaped: the pid names nobody any more.
            try
            {
                await libc.KillAsync(pid, 0);
                return 101;
            }
            catch (PosixException e) when (e.Errno == Errno.ESRCH)
            {
            }

            return sigchld == 1 ? 0 : 102;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), status);
    }

    [Fact]
    public async Task An_ignored_signal_stays_ignored_on_the_other_node_and_a_caught_one_has_its_default_action()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var (first, second, parent, host) = nodes;
        var secondAddress = nodes.SecondAddress;

        var status = await parent.RunAsync(async libc =>
        {
            libc.SetSignalHandler(Signal.SIGTERM, Libc.Ignore);
            libc.SetSignalHandler(Signal.SIGUSR1, _ => { });
            var ignoring = await libc.ForkAsync(Sleeper, ForkPlacement.OnNode(secondAddress));
            await libc.KillAsync(ignoring, Signal.SIGTERM);
            // SIGTERM was ignored there: the child is still alive, and SIGKILL ends it.
            if ((await libc.Wait4Async(ignoring, WaitOptions.WNOHANG)).Pid != 0) return 100;
            await libc.KillAsync(ignoring, Signal.SIGKILL);
            if ((await libc.Wait4Async(ignoring)).Status != WaitStatus.FromSignal(Signal.SIGKILL, false)) return 101;
            // The handler of SIGUSR1 stayed behind: there, SIGUSR1 has its default action and ends the child.
            var defaulted = await libc.ForkAsync(Sleeper, ForkPlacement.OnNode(secondAddress));
            await libc.KillAsync(defaulted, Signal.SIGUSR1);
            return (await libc.Wait4Async(defaulted)).Status == WaitStatus.FromSignal(Signal.SIGUSR1, false) ? 0 : 102;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), status);
    }

    [Fact]
    public async Task A_child_whose_namespaces_node_is_lost_ends_and_leaves_no_process_behind()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var (first, second, parent, host) = nodes;
        var firstAddress = nodes.FirstAddress;
        var secondAddress = nodes.SecondAddress;

        var forked = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = parent.RunAsync(async libc =>
        {
            forked.SetResult(await libc.ForkAsync(Sleeper, ForkPlacement.OnNode(secondAddress)));
            return (await libc.Wait4Async(-1)).Status.ExitCode;
        });
        await forked.Task.WaitAsync(Bound);
        var spawned = second.ActorSelection($"/user/{ForkSpawner.Name}/*");
        await AwaitAssertAsync(async () => Assert.NotNull(await spawned.ResolveOne(TimeSpan.FromSeconds(1))), Bound);

        Cluster.Get(second).Down(firstAddress);
        await first.Terminate().WaitAsync(Bound);

        // The child's namespace (its core, file system, parent) is gone with its node: the child goes too.
        await AwaitAssertAsync(async () => await Assert.ThrowsAsync<ActorNotFoundException>(() => spawned.ResolveOne(TimeSpan.FromSeconds(1))), Bound);
    }

    [Fact]
    public async Task A_program_that_the_target_node_does_not_know_is_ENOENT_and_nothing_is_left_to_wait_for()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var (first, second, parent, host) = nodes;
        parent.Programs.Register("only-here", WhereAmI);
        var secondAddress = nodes.SecondAddress;

        string? reason = null;
        var status = await parent.RunAsync(async libc =>
        {
            try
            {
                await libc.ForkAsync(WhereAmI, ForkPlacement.OnNode(secondAddress));
                return 100;
            }
            catch (PosixException e) when (e.Errno == Errno.ENOENT)
            {
                reason = e.Message;
            }

            // The failed fork left no child, and the next (local) fork works.
            if ((await libc.Wait4Async(-1, WaitOptions.WNOHANG)).Error != Errno.ECHILD) return 101;
            var pid = await libc.ForkAsync(_ => Task.FromResult(5));
            var result = await libc.Wait4Async(pid);
            return result.Status == WaitStatus.FromExit(5) ? 0 : 102;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), status);
        Assert.Contains("only-here", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_spawner_answers_a_repeated_request_with_the_same_process_and_one_whose_policy_is_gone_ends_unrun()
    {
        var node = ClusterNodes.Node();
        try
        {
            await using var runtime = ForkRuntime.Create(node);
            runtime.Programs.Register("where-am-i", WhereAmI);
            var parent = CreateTestProbe(node);
            var policy = CreateTestProbe(node);
            var core = CreateTestProbe(node);
            var fs = CreateTestProbe(node);
            var spawner = node.ActorSelection("/user/" + ForkSpawner.Name);
            var request = new SpawnProcess(41, 2, 1, 1, "where-am-i", "binary", 1, false, policy.Ref, core.Ref, fs.Ref)
            {
                StartQuota = new ForkRuntimeOptions().ForkQuota,
            };

            spawner.Tell(request, parent.Ref);
            var first = parent.ExpectMsg<ProcessSpawned>(Bound);
            spawner.Tell(request, parent.Ref);
            var again = parent.ExpectMsg<ProcessSpawned>(Bound);
            Assert.Equal(41, again.RequestId);
            Assert.Equal(first.Process, again.Process);
            // It boots at once on the start quota that came with the request: its config and its clone session, each asked
            // for once. Neither is served: it has not run.
            var asked = new[] { policy.ExpectMsg<SessionRequest>(Bound), policy.ExpectMsg<SessionRequest>(Bound) };
            Assert.Equal(["Clone", "ROM config"], asked.Select(r => $"{r.Service} {r.Label}".Trim()).Order());
            policy.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

            spawner.Tell(request with { RequestId = 42, Program = "nope" }, parent.Ref);
            var refused = parent.ExpectMsg<SpawnRefused>(Bound);
            Assert.Equal((42L, Errno.ENOENT), (refused.RequestId, refused.Errno));
            Assert.Contains("nope", refused.Reason, StringComparison.Ordinal);

            var watcher = CreateTestProbe(node);
            watcher.Watch(first.Process);
            policy.Ref.Tell(PoisonPill.Instance);
            watcher.ExpectTerminated(first.Process, Bound);
        }
        finally
        {
            await node.Terminate().WaitAsync(Bound);
        }
    }
}
