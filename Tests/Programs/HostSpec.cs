using System.Diagnostics;
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
        var (exit, output, _) = await RunHost(
            ["--Fork:Program=sh", "--Fork:Args:0=sh", "--Fork:Stdio=console", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Fork.Trace=Warning"],
            "echo typed\nps\nexit 3\n");
        Assert.Equal(3, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var typed = lines.IndexOf("typed");
        Assert.True(typed >= 0, output);
        Assert.Equal("  PID  PPID  PGID STAT COMMAND", lines[typed + 1]);
        Assert.Contains(lines, l => l.EndsWith(" sh", StringComparison.Ordinal) && l.TrimStart().StartsWith("1 ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--Fork:Stdio=terminal", "Fork:Stdio")]
    [InlineData("--Fork:ForkRamQuota=abc", "Fork:ForkRamQuota")]
    [InlineData("--Fork:Program=nope", "Fork:Program")]
    [InlineData("--Fork:CloneBufferSize=1000", "Fork:CloneBufferSize")]
    [InlineData("--Fork:Cwd=relative", "Fork:Cwd")]
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

    private static Task<(int Exit, string Output, string Errors)> RunHost(params string[] args) => RunHost(args, null);

    private static async Task<(int Exit, string Output, string Errors)> RunHost(string[] args, string? input)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fork.Host.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var host = Process.Start(start)!;
        if (input is not null)
        {
            await host.StandardInput.WriteAsync(input);
            host.StandardInput.Close();
        }

        var output = host.StandardOutput.ReadToEndAsync();
        var errors = host.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await host.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            host.Kill(entireProcessTree: true);
            throw new TimeoutException("the host did not end within 60 s");
        }

        return (host.ExitCode, await output, await errors);
    }
}
