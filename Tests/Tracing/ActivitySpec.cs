using System.Collections.Concurrent;
using System.Diagnostics;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// The activities of the source <c>Fork.Actors</c>: one per fork, exec, wait4 and kill, with their fork.* tags, each a
/// child of the fork that made its process (init's: of the activity current where RunAsync was called). Each test starts
/// its own root activity and listens to its trace only: other tests run beside it in this process.
/// </summary>
public sealed class ActivitySpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    [Fact]
    public async Task A_fork_tree_is_a_trace_tree_with_fork_and_wait4_activities_under_the_fork_that_made_each_process()
    {
        using var trace = new TraceOf(nameof(A_fork_tree_is_a_trace_tree_with_fork_and_wait4_activities_under_the_fork_that_made_each_process));
        int child = 0, grandchild = 0;
        await RunToSuccess(async libc =>
        {
            child = await libc.ForkAsync(async c =>
            {
                grandchild = await c.ForkAsync(_ => Task.FromResult(7));
                var reaped = await c.Wait4Async(grandchild);
                return reaped.Status.ExitCode == 7 ? 3 : 1;
            });
            var waited = await libc.Wait4Async(child);
            return waited.Status.ExitCode == 3 ? 0 : 1;
        }, new ProcessOptions { Binary = "tree" });

        var forkOfChild = trace.Single("fork", "fork.pid", child);
        var forkOfGrandchild = trace.Single("fork", "fork.pid", grandchild);
        Assert.Equal(1, forkOfChild.GetTagItem("fork.ppid"));
        Assert.Equal(1, forkOfChild.GetTagItem("fork.pgid"));
        Assert.Equal("tree", forkOfChild.GetTagItem("fork.program"));
        Assert.Equal("ready", forkOfChild.GetTagItem("fork.outcome"));
        Assert.Equal(child, forkOfGrandchild.GetTagItem("fork.ppid"));
        Assert.Equal("tree", forkOfGrandchild.GetTagItem("fork.program"));

        // Init's activities hang under the test's root; the child's under the fork that made pid 2.
        Assert.Equal(trace.Root.SpanId, forkOfChild.ParentSpanId);
        Assert.Equal(forkOfChild.SpanId, forkOfGrandchild.ParentSpanId);

        var childWaits = trace.Single("wait4", "fork.pid", child);
        Assert.Equal(forkOfChild.SpanId, childWaits.ParentSpanId);
        Assert.Equal(grandchild, childWaits.GetTagItem("fork.wait.selector"));
        Assert.Equal(grandchild, childWaits.GetTagItem("fork.wait.result_pid"));
        Assert.Equal(7, childWaits.GetTagItem("fork.exit_code"));
        Assert.Equal("exited(7)", childWaits.GetTagItem("fork.wait.status"));
        Assert.Equal("None", childWaits.GetTagItem("fork.wait.options"));

        var initWaits = trace.Single("wait4", "fork.pid", 1);
        Assert.Equal(trace.Root.SpanId, initWaits.ParentSpanId);
        Assert.Equal(child, initWaits.GetTagItem("fork.wait.result_pid"));
        Assert.Equal(3, initWaits.GetTagItem("fork.exit_code"));
        Assert.All(trace.Activities, a => Assert.Equal(trace.Root.TraceId, a.TraceId));
    }

    [Fact]
    public async Task A_wait4_activity_lasts_from_the_request_until_a_parked_wait_is_answered_and_says_WNOHANG_and_ECHILD_answers()
    {
        using var trace = new TraceOf(nameof(A_wait4_activity_lasts_from_the_request_until_a_parked_wait_is_answered_and_says_WNOHANG_and_ECHILD_answers));
        int child = 0;
        await RunToSuccess(async libc =>
        {
            var (pid, gate) = await libc.ForkGated(5);
            child = pid;
            Assert.Equal(0, (await libc.Wait4Async(-1, WaitOptions.WNOHANG)).Pid);
            var parked = libc.Wait4Async(-1);
            await libc.Release(gate);
            Assert.Equal(pid, (await parked).Pid);
            Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(-1)).Error);
            return 0;
        });

        var waits = trace.Named("wait4").OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(3, waits.Count);
        Assert.Equal("WNOHANG", waits[0].GetTagItem("fork.wait.options"));
        Assert.Equal(0, waits[0].GetTagItem("fork.wait.result_pid"));
        Assert.Null(waits[0].GetTagItem("fork.exit_code"));

        Assert.Equal(-1, waits[1].GetTagItem("fork.wait.selector"));
        Assert.Equal(child, waits[1].GetTagItem("fork.wait.result_pid"));
        Assert.Equal(5, waits[1].GetTagItem("fork.exit_code"));
        // Parked until the child exited: the activity ends after the child's exit was known, not at the request.
        Assert.True(waits[1].StartTimeUtc + waits[1].Duration >= waits[0].StartTimeUtc + waits[0].Duration);

        Assert.Equal(-1, waits[2].GetTagItem("fork.wait.result_pid"));
        Assert.Equal("ECHILD", waits[2].GetTagItem("fork.errno"));
        Assert.Equal(ActivityStatusCode.Error, waits[2].Status);
    }

    [Fact]
    public async Task A_wait4_interrupted_by_a_caught_signal_ends_its_activity_as_interrupted()
    {
        using var trace = new TraceOf(nameof(A_wait4_interrupted_by_a_caught_signal_ends_its_activity_as_interrupted));
        int waiter = 0, grandchild = 0;
        await RunToSuccess(async libc =>
        {
            var (gate, gateOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            waiter = await libc.ForkAsync(async c =>
            {
                grandchild = await c.ForkAsync(async g =>
                {
                    await g.Await(gate);
                    return 5;
                });
                c.SetSignalHandler(Signal.SIGUSR1, _ => { }, restart: false);
                // The wait goes out first, then the ready byte: once the parent has the byte, the wait is parked.
                var waiting = c.Wait4Async(grandchild);
                await c.Release(readyOpen);
                var first = await waiting;
                await c.Release(readyOpen);
                var second = await c.Wait4Async(grandchild);
                return first.Error == Errno.EINTR && second.Pid == grandchild ? 0 : 1;
            });
            await libc.Await(ready);
            await libc.KillAsync(waiter, Signal.SIGUSR1);
            await libc.Await(ready);
            await libc.Release(gateOpen);
            return (await libc.Wait4Async(waiter)).Status.ExitCode;
        });

        var waits = trace.Named("wait4").Where(a => Equals(a.GetTagItem("fork.pid"), waiter)).OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(2, waits.Count);
        Assert.Equal("interrupted", waits[0].GetTagItem("fork.outcome"));
        Assert.Equal(grandchild, waits[0].GetTagItem("fork.wait.selector"));
        Assert.Null(waits[0].GetTagItem("fork.wait.result_pid"));
        Assert.Equal(grandchild, waits[1].GetTagItem("fork.wait.result_pid"));
        Assert.Equal(5, waits[1].GetTagItem("fork.exit_code"));
    }

    [Fact]
    public async Task A_kill_activity_carries_target_signal_and_outcome_and_an_ESRCH_is_an_error()
    {
        using var trace = new TraceOf(nameof(A_kill_activity_carries_target_signal_and_outcome_and_an_ESRCH_is_an_error));
        int child = 0;
        await RunToSuccess(async libc =>
        {
            var (pid, _) = await libc.ForkGated(0);
            child = pid;
            await libc.KillAsync(pid, Signal.SIGTERM);
            Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, false), (await libc.Wait4Async(pid)).Status);
            Assert.Equal(Errno.ESRCH, await PosixHelpers.ErrnoOf(() => libc.KillAsync(pid, Signal.SIGTERM)));
            return 0;
        });

        var kills = trace.Named("kill").OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(2, kills.Count);
        Assert.All(kills, k => Assert.Equal(child, k.GetTagItem("fork.kill.target")));
        Assert.All(kills, k => Assert.Equal("SIGTERM", k.GetTagItem("fork.signal")));
        Assert.All(kills, k => Assert.Equal(1, k.GetTagItem("fork.pid")));
        Assert.All(kills, k => Assert.Equal(trace.Root.SpanId, k.ParentSpanId));
        Assert.Equal("delivered", kills[0].GetTagItem("fork.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, kills[0].Status);
        Assert.Equal("ESRCH", kills[1].GetTagItem("fork.errno"));
        Assert.Equal(ActivityStatusCode.Error, kills[1].Status);

        var reaped = trace.Single("wait4", "fork.wait.result_pid", child);
        Assert.Equal("SIGTERM", reaped.GetTagItem("fork.signal"));
        Assert.Null(reaped.GetTagItem("fork.exit_code"));
    }

    [Fact]
    public async Task A_process_that_kills_itself_fatally_still_ends_its_kill_activity()
    {
        using var trace = new TraceOf(nameof(A_process_that_kills_itself_fatally_still_ends_its_kill_activity));
        int child = 0;
        await RunToSuccess(async libc =>
        {
            child = await libc.ForkAsync(async c =>
            {
                await c.KillAsync(c.Pid, Signal.SIGTERM);
                return 0;
            });
            return (await libc.Wait4Async(child)).Status.TermSignal == Signal.SIGTERM ? 0 : 1;
        });

        // The caller ended before the core's answer reached it: its zombie ends the activity when the answer arrives.
        var kill = await trace.Eventually("kill", "fork.pid", child);
        Assert.Equal(child, kill.GetTagItem("fork.kill.target"));
        Assert.Equal("delivered", kill.GetTagItem("fork.outcome"));
        Assert.Equal(trace.Single("fork", "fork.pid", child).SpanId, kill.ParentSpanId);
    }

    [Fact]
    public async Task An_exec_activity_names_the_new_program_under_the_fork_that_made_the_process()
    {
        using var trace = new TraceOf(nameof(An_exec_activity_names_the_new_program_under_the_fork_that_made_the_process));
        int child = 0;
        await RunToSuccess(async libc =>
        {
            child = await libc.ForkAsync(async c =>
            {
                await c.ExecAsync("/bin/true", ["true"]);
                return 1;
            });
            return (await libc.Wait4Async(child)).Status.ExitCode;
        });

        var exec = trace.Single("exec", "fork.pid", child);
        Assert.Equal("true", exec.GetTagItem("fork.program"));
        Assert.Equal("replaced", exec.GetTagItem("fork.outcome"));
        Assert.Equal(trace.Single("fork", "fork.pid", child).SpanId, exec.ParentSpanId);
    }

    [Fact]
    public async Task A_refused_fork_ends_its_activity_with_an_error_and_EAGAIN()
    {
        using var trace = new TraceOf(nameof(A_refused_fork_ends_its_activity_with_an_error_and_EAGAIN));
        await using var runtime = ForkRuntime.Create(new ForkRuntimeOptions { PidMax = 3 });
        var status = await runtime.RunAsync(async libc =>
        {
            var (pid, gate) = await libc.ForkGated(0);
            var refused = await PosixHelpers.ErrnoOf(() => libc.ForkAsync(_ => Task.FromResult(0)));
            await libc.Release(gate);
            await libc.Wait4Async(pid);
            return refused == Errno.EAGAIN ? 0 : 1;
        }).WaitAsync(Bound);
        Assert.Equal(WaitStatus.FromExit(0), status);

        var forks = trace.Named("fork").ToList();
        Assert.Equal(2, forks.Count);
        var failed = Assert.Single(forks, f => f.Status == ActivityStatusCode.Error);
        Assert.Equal("EAGAIN", failed.GetTagItem("fork.errno"));
        Assert.Null(failed.GetTagItem("fork.pid"));
        Assert.Contains("fork refused", failed.StatusDescription);
    }

    [Fact]
    public async Task A_run_started_outside_the_root_activity_records_nothing_in_its_trace()
    {
        using var trace = new TraceOf(nameof(A_run_started_outside_the_root_activity_records_nothing_in_its_trace));
        // Outside the root (a fresh execution context has no current activity): the listener samples nothing of it.
        var run = Task.Run(() =>
        {
            Activity.Current = null;
            return Run(async libc => (await libc.Wait4Async(await libc.ForkAsync(_ => Task.FromResult(0)))).Status.ExitCode);
        });
        Assert.Equal(WaitStatus.FromExit(0), await run);
        Assert.Empty(trace.Activities);
    }

    /// <summary>A root activity of the test's own and what the <c>Fork.Actors</c> source recorded in its trace.</summary>
    private sealed class TraceOf : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();

        public TraceOf(string name)
        {
            Root = new Activity(name).SetIdFormat(ActivityIdFormat.W3C).Start();
            var traceId = Root.TraceId;
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Fork.Actors",
                Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                    options.TraceId == traceId ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
                ActivityStopped = activity =>
                {
                    if (activity.TraceId == traceId) _stopped.Enqueue(activity);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public Activity Root { get; }

        public IReadOnlyList<Activity> Activities => [.. _stopped];

        public IEnumerable<Activity> Named(string name) => Activities.Where(a => a.OperationName == name);

        public Activity Single(string name, string tag, object value)
        {
            var matching = Named(name).Where(a => Equals(a.GetTagItem(tag), value)).ToList();
            Assert.True(matching.Count == 1,
                $"{matching.Count} {name} activities with {tag} = {value}; recorded: {string.Join("; ", Activities.Select(Describe))}");
            return matching[0];
        }

        /// <summary>The one activity <see cref="Single"/> finds, awaited (polled) up to a bound: for one that ends after the run.</summary>
        public async Task<Activity> Eventually(string name, string tag, object value)
        {
            var deadline = DateTime.UtcNow + Bound;
            while (!Named(name).Any(a => Equals(a.GetTagItem(tag), value)) && DateTime.UtcNow < deadline) await Task.Delay(10);
            return Single(name, tag, value);
        }

        public void Dispose()
        {
            _listener.Dispose();
            Root.Stop();
        }

        private static string Describe(Activity a) =>
            $"{a.OperationName}({string.Join(", ", a.TagObjects.Select(t => $"{t.Key}={t.Value}"))})";
    }
}
