using Akka.Actor;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// Base of the Libc-level specs: one runtime (and actor system) per test, its log in the test's output, and runs
/// bounded in time so that a hang fails the test with a sentence instead of stalling the suite.
/// </summary>
public abstract class RuntimeSpec(ITestOutputHelper output, ForkRuntimeOptions? options = null, LogLevel level = LogLevel.Information)
    : IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    protected ITestOutputHelper Output { get; } = output;

    protected ForkRuntime Runtime { get; } = ForkRuntime.Create(options);

    public Task InitializeAsync()
    {
        ForkTracing.Use(Runtime.System, TestOutputLoggerProvider.Factory(Output, level));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Runtime.DisposeAsync();

    /// <summary>Runs <paramref name="init"/> as pid 1 and returns its status; fails if the namespace does not end in time.</summary>
    protected async Task<WaitStatus> Run(ProcessMain init, ProcessOptions? process = null)
    {
        var run = Runtime.RunAsync(init, process);
        var finished = await Task.WhenAny(run, Task.Delay(Bound));
        Assert.True(finished == run, $"the namespace did not end within {Bound.TotalSeconds} s");
        return await run;
    }

    /// <summary>Runs <paramref name="init"/> and asserts it exited 0: write assertions inside as <c>Check</c> calls.</summary>
    protected async Task RunToSuccess(ProcessMain init, ProcessOptions? process = null) =>
        Assert.Equal(WaitStatus.FromExit(0), await Run(init, process));

    /// <summary>
    /// Every actor the runtime created under /user (besides those in <paramref name="before"/>) is gone: nothing leaked.
    /// Stopping is asynchronous, so this awaits it, up to a deadline.
    /// </summary>
    protected async Task AssertNoActorsLeft(IReadOnlySet<string>? before = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (Left().Any() && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Empty(Left());

        IEnumerable<string> Left() => ActorsUnderUser().Except(before ?? new HashSet<string>());
    }

    protected HashSet<string> ActorsUnderUser() =>
        [.. ((ActorRefWithCell)((ExtendedActorSystem)Runtime.System).Guardian).Children.Select(c => c.Path.ToString())];
}
