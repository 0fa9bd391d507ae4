using System.Text;
using Fork.Actors;
using Fork.Actors.Programs.Utilities;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests.Utilities;

/// <summary>yes, true, false, sleep and kill: their statuses, and <c>yes | head</c>, which ends because yes dies of SIGPIPE.</summary>
public sealed class ProcessUtilitiesSpec(ITestOutputHelper output) : ProgramSpec(output)
{
    [Fact]
    public async Task True_exits_0_and_false_exits_1()
    {
        AssertOutcome(await RunProgram(c => True.Run(c, ["true"])), "");
        AssertOutcome(await RunProgram(c => False.Run(c, ["false"])), "", 1);
    }

    // pipe(7): when head has its lines and exits, the pipe has no reader: yes's next write raises SIGPIPE.
    [Theory]
    [InlineData(new string[0], "y")]
    [InlineData(new[] { "hello", "world" }, "hello world")]
    public async Task Yes_piped_into_head_ends_head_with_0_and_yes_by_SIGPIPE(string[] words, string line)
    {
        (string Text, WaitStatus Yes, WaitStatus Head, int Left)? result = null;
        await RunToSuccess(async libc =>
        {
            result = await YesIntoHead(libc, ["yes", .. words], ["head", "-n", "3"]);
            return 0;
        });
        Assert.NotNull(result);
        Assert.Equal(string.Concat(Enumerable.Repeat(line + "\n", 3)), result.Value.Text);
        Assert.Equal(WaitStatus.FromExit(0), result.Value.Head);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGPIPE, coreDumped: false), result.Value.Yes);
        Assert.Equal(0, result.Value.Left);
    }

    [Fact]
    public async Task Yes_with_SIGPIPE_ignored_reports_the_broken_pipe_and_exits_1()
    {
        (string Text, WaitStatus Yes, WaitStatus Head, int Left)? result = null;
        await RunToSuccess(async libc =>
        {
            libc.SetSignalHandler(Signal.SIGPIPE, Libc.Ignore);
            result = await YesIntoHead(libc, ["yes"], ["head", "-n", "1"]);
            return 0;
        });
        Assert.Equal("y\n", result!.Value.Text);
        Assert.Equal(WaitStatus.FromExit(1), result.Value.Yes);
    }

    /// <summary>yes → pipe → head → pipe → init, each a forked child calling the utility's entry.</summary>
    private static async Task<(string Text, WaitStatus Yes, WaitStatus Head, int Left)> YesIntoHead(Libc libc, string[] yes, string[] head)
    {
        var (read, write) = await libc.PipeAsync();
        var (outRead, outWrite) = await libc.PipeAsync();
        var yesPid = await libc.ForkAsync(async c =>
        {
            await c.Dup2Async(write, 1);
            foreach (var fd in (int[])[read, write, outRead, outWrite]) await c.CloseAsync(fd);
            return await Yes.Run(c, yes);
        });
        var headPid = await libc.ForkAsync(async c =>
        {
            await c.Dup2Async(read, 0);
            await c.Dup2Async(outWrite, 1);
            foreach (var fd in (int[])[read, write, outRead, outWrite]) await c.CloseAsync(fd);
            return await Head.Run(c, head);
        });
        foreach (var fd in (int[])[read, write, outWrite]) await libc.CloseAsync(fd);
        var text = await libc.ReadAll(outRead).WaitAsync(TimeSpan.FromSeconds(20));
        var headStatus = (await libc.Wait4Async(headPid)).Status;
        var yesStatus = (await libc.Wait4Async(yesPid)).Status;
        return (text, yesStatus, headStatus, await libc.ReapAll());
    }

    [Fact]
    public async Task Sleep_sleeps_a_fraction_of_a_second_and_exits_0() =>
        AssertOutcome(await RunProgram(c => Sleep.Run(c, ["sleep", "0.01"])), "");

    [Fact]
    public async Task Sleep_rejects_a_missing_or_bad_interval()
    {
        AssertOutcome(await RunProgram(c => Sleep.Run(c, ["sleep"])), "", 1, "sleep: missing operand\n");
        AssertOutcome(await RunProgram(c => Sleep.Run(c, ["sleep", "soon"])), "", 1, "sleep: invalid time interval 'soon'\n");
    }

    [Theory]
    [InlineData(new string[0], Signal.SIGTERM)]
    [InlineData(new[] { "-9" }, Signal.SIGKILL)]
    [InlineData(new[] { "-KILL" }, Signal.SIGKILL)]
    [InlineData(new[] { "-SIGUSR1" }, Signal.SIGUSR1)]
    [InlineData(new[] { "-s", "INT" }, Signal.SIGINT)]
    public async Task Kill_sends_the_signal_named_or_SIGTERM(string[] options, Signal expected)
    {
        WaitStatus? victim = null;
        Outcome? outcome = null;
        await RunToSuccess(async libc =>
        {
            var (gate, release) = await libc.ForkGated(0);
            outcome = await libc.RunProgram(c => Kill.Run(c, ["kill", .. options, gate.ToString()]));
            victim = (await libc.Wait4Async(gate)).Status;
            await libc.CloseAsync(release);
            return 0;
        });
        AssertOutcome(outcome!, "");
        Assert.Equal(WaitStatus.FromSignal(expected, coreDumped: false), victim);
    }

    [Fact]
    public async Task Kill_of_no_such_process_reports_it_and_exits_1() =>
        AssertOutcome(await RunProgram(c => Kill.Run(c, ["kill", "4000"])), "", 1, "kill: (4000) - No such process\n");

    [Fact]
    public async Task Kill_with_a_bad_signal_exits_1()
    {
        AssertOutcome(await RunProgram(c => Kill.Run(c, ["kill", "-NOPE", "1"])), "", 1, "kill: NOPE: invalid signal specification\n");
        AssertOutcome(await RunProgram(c => Kill.Run(c, ["kill", "-99", "1"])), "", 1, "kill: 99: invalid signal specification\n");
    }

    [Fact]
    public async Task Kill_l_lists_the_signal_names()
    {
        var outcome = await RunProgram(c => Kill.Run(c, ["kill", "-l"]));
        Assert.StartsWith("HUP INT QUIT", outcome.Stdout);
        Assert.Contains(" TERM ", outcome.Stdout);
    }
}
