using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests.Utilities;

/// <summary>
/// Base of the specs that run one program in a child of init (see <see cref="ProgramHarness"/>): init prepares
/// files, runs it and hands back the <see cref="Outcome"/>, which the spec checks outside the runtime, where a
/// failed assertion reads as one.
/// </summary>
public abstract class ProgramSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    /// <summary>Runs <paramref name="program"/>; fails unless it leaves exactly <paramref name="left"/> processes to init.</summary>
    protected async Task<Outcome> RunProgram(ProcessMain program, string stdin = "", Func<Libc, Task>? setup = null, ProcessOptions? options = null, int left = 0)
    {
        Outcome? outcome = null;
        var status = await Run(async libc =>
        {
            if (setup is not null) await setup(libc);
            outcome = await libc.RunProgram(program, stdin);
            outcome = outcome with { Left = await libc.ReapAll() };
            return 0;
        }, options);
        Assert.Equal(WaitStatus.FromExit(0), status);
        Assert.NotNull(outcome);
        Assert.True(outcome.Left == left, $"{outcome.Left} processes were left to init (zombies or orphans), not {left}");
        return outcome;
    }

    protected static void AssertOutcome(Outcome outcome, string stdout, int exitCode = 0, string stderr = "")
    {
        Assert.Equal(stderr, outcome.Stderr);
        Assert.Equal(stdout, outcome.Stdout);
        Assert.Equal(WaitStatus.FromExit(exitCode), outcome.Status);
    }
}
