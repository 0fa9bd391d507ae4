using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

public sealed class TestForkSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task Test_fork_runs_to_parent_done_and_exits_0()
    {
        await using var runtime = ForkRuntime.Create();
        ForkTracing.Use(runtime.System, TestOutputLoggerProvider.Factory(output, LogLevel.Debug));
        var status = await runtime.RunAsync(TestFork.Name, new ProcessOptions().WithArgs("test-fork").WithEnvironment("WIZARD", "gandalf"))
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WaitStatus.FromExit(0), status);
    }
}
