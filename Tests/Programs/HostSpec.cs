using Fork.Actors;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Fork.Tests;

/// <summary>The generic host as a user starts it: runs test-fork, or stops at once on a bad configuration.</summary>
public sealed class HostSpec
{
    [Fact]
    public async Task The_host_runs_test_fork_and_exits_with_inits_exit_code_0()
    {
        var (exit, output, _) = await RunHost("--Logging:LogLevel:Fork.Trace=Information");
        Assert.Equal(0, exit);
        Assert.Contains("[init] --- parent done ---", output);
        Assert.Contains("[init -> 2 -> 3] pid 3: grand child says hello", output);
    }

    [Fact]
    public async Task The_host_traces_the_fork_protocol_at_debug()
    {
        var (exit, output, _) = await RunHost();
        Assert.Equal(0, exit);
        foreach (var actor in new[] { "ForkedChild 2", "CloneService 1", "LocalRomService 1", "ParentService 1" })
            Assert.Contains(actor, output);
        // Each message of the first fork carries its id, so the fork can be picked out of the log.
        Assert.Contains("fork 1.1 | Libc 1 -> ProcessActor 1 (Running): ForkRequest", output);
        Assert.Contains("fork 1.1 | ProcessActor 1 -> Libc 1 (Call): LibcOk { Value = 2 }", output);
    }

    // A one-node cluster (the node joins itself on any free port of 127.0.0.1) runs test-fork as one node does.
    [Fact]
    public async Task The_host_runs_test_fork_on_a_one_node_cluster()
    {
        var (exit, output, errors) = await RunHost("--Fork:Cluster:Port=0", "--Logging:LogLevel:Akka=Information", "--Logging:LogLevel:Fork.Trace=Warning");
        Assert.Equal(0, exit);
        Assert.Contains("[init] --- parent done ---", output);
        Assert.Contains("[init -> 2 -> 3] pid 3: grand child says hello", output);
        // The node is started (listening on a port of its own) and Up, having joined itself, before init runs.
        Assert.Matches(@"Cluster Node \[akka\.tcp://fork@127\.0\.0\.1:[1-9][0-9]*\] - Started up successfully", output);
        var up = output.IndexOf("is Up in its cluster", StringComparison.Ordinal);
        Assert.InRange(up, 0, output.IndexOf("running test-fork as init", StringComparison.Ordinal));
        Assert.DoesNotContain("running init anyway", output);
        Assert.DoesNotContain("   at ", output + errors);
    }

    // Two hosts: the first joins itself and stays up (init sleeps), the second names it as its seed and is welcomed into
    // its cluster before its init sleeps a little, then leaves; the first sees it join.
    [Fact]
    public async Task A_second_host_joins_the_first_by_its_address_as_a_seed_node()
    {
        string[] logs = ["--Logging:LogLevel:Akka=Information", "--Logging:LogLevel:Fork.Trace=Warning"];
        using var first = HostProcess.Start(["--Fork:Cluster:Port=0", "--Fork:Program=sleep", "--Fork:Args:0=sleep", "--Fork:Args:1=60", .. logs]);
        var firstErrors = first.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var seen = new System.Text.StringBuilder();
            string? address = null;
            while (address is null && await first.StandardOutput.ReadLineAsync(bound.Token) is { } line)
            {
                seen.AppendLine(line);
                address = System.Text.RegularExpressions.Regex.Match(line, @"listens on addresses: \[(akka\.tcp://fork@127\.0\.0\.1:[0-9]+)\]") is { Success: true } m ? m.Groups[1].Value : null;
            }

            Assert.True(address is not null, seen.ToString());
            var (exit, output, _) = await RunHost(
                ["--Fork:Cluster:Port=0", $"--Fork:Cluster:SeedNodes:0={address}", "--Fork:Program=sleep", "--Fork:Args:0=sleep", "--Fork:Args:1=3", .. logs]);
            Assert.Equal(0, exit);
            Assert.Contains($"Welcome from [{address}]", output);

            while (await first.StandardOutput.ReadLineAsync(bound.Token) is { } line && !line.Contains("is JOINING, roles [fork-host]"))
            {
            }

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(bound.Token);
            Assert.DoesNotContain("   at ", await firstErrors);
        }
        finally
        {
            if (!first.HasExited) first.Kill(entireProcessTree: true);
        }
    }

    // README's pipeline: init is sh, its descriptors 0, 1 and 2 are the host's console.
    [Fact]
    public async Task The_host_runs_a_shell_pipeline_with_the_console_as_its_standard_streams()
    {
        var (exit, output, _) = await RunHost(
            "--Fork:Program=sh", "--Fork:Args:0=sh", "--Fork:Args:1=-c", "--Fork:Args:2=seq 1 1000 | grep 7 | wc -l", "--Fork:Stdio=console",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Fork.Trace=Warning");
        Assert.Equal(0, exit);
        // The pipeline's one line (a loaded machine may add a warning of the host's own beside it).
        Assert.Contains("271", output.Split('\n').Select(l => l.Trim()));
    }

    [Fact]
    public async Task An_interactive_shell_reads_the_hosts_standard_input_line_by_line()
    {
        var (exit, output, _) = await HostProcess.Run(
            ["--Fork:Program=sh", "--Fork:Args:0=sh", "--Fork:Stdio=console", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Fork.Trace=Warning"],
            "echo typed\nps\nexit 3\n");
        Assert.Equal(3, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var typed = lines.IndexOf("typed");
        Assert.True(typed >= 0, output);
        Assert.Equal("  PID  PPID  PGID STAT COMMAND", lines[typed + 1]);
        Assert.Contains(lines, l => l.EndsWith(" sh", StringComparison.Ordinal) && l.TrimStart().StartsWith("1 ", StringComparison.Ordinal));
    }

    // OpenTelemetry's console exporter: the fork activities, each under its parent (the grandchild's fork under the fork
    // that made pid 2, init's under the host's run), printed before the host exits.
    [Fact]
    public async Task With_telemetry_on_the_console_the_host_prints_the_fork_activities_with_their_parents()
    {
        // The log is held to warnings: its lines would otherwise interleave with the exporter's on standard output.
        var (exit, output, _) = await RunHost("--Fork:Telemetry=console", "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Fork.Trace=Warning", "--Logging:LogLevel:Fork.Log=Warning");
        Assert.Equal(0, exit);
        var activities = output.Split("Activity.TraceId:").Skip(1).Select(ConsoleActivity.Parse).ToList();
        var run = Assert.Single(activities, a => a.Name == "run test-fork");
        var child = Assert.Single(activities, a => a.Name == "fork" && a.Tags.GetValueOrDefault("fork.pid") == "2");
        var grandchild = Assert.Single(activities, a => a.Name == "fork" && a.Tags.GetValueOrDefault("fork.pid") == "3");
        Assert.Matches("^[0-9a-f]{16}$", child.ParentSpanId);
        Assert.Equal(run.SpanId, child.ParentSpanId);
        Assert.Equal(child.SpanId, grandchild.ParentSpanId);
        Assert.Equal("2", grandchild.Tags["fork.ppid"]);
        Assert.Contains(activities, a => a.Name == "wait4" && a.Tags.GetValueOrDefault("fork.wait.result_pid") == "3" && a.ParentSpanId == child.SpanId);
        Assert.Contains("Metric Name: fork.clone.bytes", output);
    }

    [Theory]
    [InlineData("--Fork:Stdio=terminal", "Fork:Stdio")]
    [InlineData("--Fork:ForkRamQuota=abc", "Fork:ForkRamQuota")]
    [InlineData("--Fork:Program=nope", "Fork:Program")]
    [InlineData("--Fork:CloneBufferSize=1000", "Fork:CloneBufferSize")]
    [InlineData("--Fork:Cwd=relative", "Fork:Cwd")]
    [InlineData("--Fork:Telemetry=bogus", "Fork:Telemetry")]
    [InlineData("--Fork:Trace:Mermaid:Scope=everything", "Fork:Trace:Mermaid")]
    [InlineData("--Fork:Cluster:Port=70000", "Fork:Cluster:Port")]
    [InlineData("--Fork:Cluster:SeedNodes:0=not an address", "Fork:Cluster:SeedNodes:0")]
    [InlineData("--Fork:Cluster:SeedNodes:0=akka.tcp://other@127.0.0.1:4053", "Fork:Cluster:SeedNodes:0")]
    [InlineData("--Fork:Cluster:Roles:0=", "Fork:Cluster:Roles:0")]
    [InlineData("--Fork:Cluster:JoinTimeout=00:00:00", "Fork:Cluster:JoinTimeout")]
    [InlineData("--Fork:SpawnTimeout=-00:00:01", "Fork:SpawnTimeout")]
    public async Task A_bad_setting_stops_the_host_with_one_sentence_naming_it_and_exit_code_2(string argument, string key)
    {
        var (exit, output, errors) = await RunHost(argument);
        Assert.Equal(2, exit);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(key, line);
        Assert.DoesNotContain("   at ", output + errors);
    }

    [Fact]
    public void Configuration_problems_are_sentences_naming_their_keys()
    {
        var section = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Fork:PidMax"] = "1", ["Fork:ForkCapQuota"] = "1" })
            .Build()
            .GetSection(ForkHostOptions.Section);
        var problems = ForkRuntimeHostingExtensions.Problems(section);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Fork:PidMax", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Fork:ForkCapQuota", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("fork.md", null, true)]
    [InlineData("run.mmd", "run", false)]
    public async Task The_host_writes_the_first_fork_or_the_whole_run_as_a_mermaid_diagram(string file, string? scope, bool fenced)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}-{file}");
        try
        {
            string[] args = ["--Logging:LogLevel:Fork.Trace=Warning", $"--Fork:Trace:Mermaid={path}", .. scope is null ? [] : new[] { $"--Fork:Trace:Mermaid:Scope={scope}" }];
            var (exit, _, _) = await RunHost(args);

            Assert.Equal(0, exit);
            var diagram = await File.ReadAllTextAsync(path);
            Assert.Equal(fenced, diagram.StartsWith("```mermaid\nsequenceDiagram\n", StringComparison.Ordinal));
            foreach (var role in new[] { "ForkedChild 2", "CloneService 1", "LocalRomService 1", "ParentService 1" })
                Assert.Contains(role, diagram);
            // The first fork ends with its return in the parent; the run goes on to the grandchild's fork and the reaps.
            Assert.Equal(scope == "run", diagram.Contains("ForkedChild 3"));
            Assert.Equal(scope == "run", diagram.Contains("Wait4"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_host_told_to_stop_while_init_runs_sends_it_SIGTERM_and_exits_143_with_no_stack_trace()
    {
        using var host = HostProcess.Start(["--Fork:Program=sleep", "--Fork:Args:0=sleep", "--Fork:Args:1=60", "--Logging:LogLevel:Fork.Trace=Warning"]);
        var errors = host.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            // Init runs once the host says so; then the host gets SIGTERM, as from a service manager.
            while (await host.StandardOutput.ReadLineAsync(bound.Token) is { } line && !line.Contains("running sleep as init"))
            {
            }

            await HostProcess.Terminate(host, bound.Token);
            var output = await host.StandardOutput.ReadToEndAsync(bound.Token);
            await host.WaitForExitAsync(bound.Token);

            // sleep has no handler: SIGTERM's default action ends it, and the host reports that as a shell does.
            Assert.Equal(143, host.ExitCode);
            Assert.Contains("the host is stopping: init (sleep) gets SIGTERM", output);
            Assert.Contains("init (sleep) killed(SIGTERM): host exits with 143", output);
            Assert.DoesNotContain("Unhandled exception", output + await errors);
            Assert.DoesNotContain("   at ", output + await errors);
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
        }
    }

    private static Task<(int Exit, string Output, string Errors)> RunHost(params string[] args) => HostProcess.Run(args);

    /// <summary>One activity as the console exporter prints it: "Activity.X: value" lines, then indented tags.</summary>
    private sealed record ConsoleActivity(string Name, string SpanId, string? ParentSpanId, Dictionary<string, string> Tags)
    {
        public static ConsoleActivity Parse(string block)
        {
            var lines = block.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            string? Field(string name) =>
                lines.FirstOrDefault(l => l.StartsWith($"Activity.{name}:", StringComparison.Ordinal))?[(name.Length + 10)..].Trim();
            var tags = lines.SkipWhile(l => l != "Activity.Tags:").Skip(1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal))
                .Select(l => l.Trim().Split(": ", 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
            return new ConsoleActivity(Field("DisplayName") ?? "", Field("SpanId") ?? "", Field("ParentSpanId"), tags);
        }
    }
}
