using Fork.Actors;
using Fork.Actors.Programs.Shell;
using Fork.Tests.Utilities;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests.Shell;

/// <summary>
/// Base of the shell's end-to-end specs: init (with argv <c>sh -c SCRIPT</c>, or <c>sh</c> and standard input) forks
/// the shell with fds 0, 1 and 2 on pipes, reads what it prints, reaps it, and counts what it left behind: no
/// zombie may be left after any script.
/// </summary>
public abstract class ShellRunSpec(ITestOutputHelper output) : ProgramSpec(output)
{
    private protected async Task RunScenario(string name, Func<Libc, Task<int>> shell)
    {
        var scenario = ShellScenarios.All[name];
        string[] args = scenario.Stdin is null ? ["sh", "-c", scenario.Script] : ["sh"];
        var outcome = await RunProgram(c => shell(c), scenario.Stdin ?? "", options: new ProcessOptions { Args = args }, left: scenario.Orphans);
        if (scenario.Stderr is not null) Assert.Equal(scenario.Stderr, outcome.Stderr);
        Assert.Equal(scenario.Stdout.Replace("{pid}", outcome.Pid.ToString()), outcome.Stdout);
        Assert.Equal(Fork.Messages.WaitStatus.FromExit(scenario.Status), outcome.Status);
    }
}

/// <summary>The shell's scenarios with programs started in the forked child by calling their entries (no exec).</summary>
public sealed class ShellSpec(ITestOutputHelper output) : ShellRunSpec(output)
{
    [Theory]
    [MemberData(nameof(ShellScenarios.Names), MemberType = typeof(ShellScenarios))]
    public Task Runs_the_scenario_with_programs_called_in_the_child(string name) =>
        RunScenario(name, c => Sh.Run(c, c.Args, InProcessLauncher.Instance));
}

/// <summary>The same scenarios as <see cref="ShellSpec"/>, with the shell as it ships: each program started by exec.</summary>
public sealed class ShellExecSpec(ITestOutputHelper output) : ShellRunSpec(output)
{
    [Theory]
    [MemberData(nameof(ShellScenarios.Names), MemberType = typeof(ShellScenarios))]
    public Task Runs_the_scenario_with_programs_started_by_exec(string name) => RunScenario(name, Sh.Main);
}
