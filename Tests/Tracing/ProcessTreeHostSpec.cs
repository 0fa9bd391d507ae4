using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace Fork.Tests;

/// <summary>The host's <c>--Fork:Tree</c>, as a user starts it with standard output redirected.</summary>
public sealed partial class ProcessTreeHostSpec
{
    [Theory]
    [InlineData("final")]
    [InlineData("live")]
    public async Task With_output_redirected_the_host_prints_the_final_tree_of_test_fork_once_as_plain_text(string mode)
    {
        var (exit, output, _) = await HostProcess.Run($"--Fork:Tree={mode}");
        Assert.Equal(0, exit);
        Assert.DoesNotContain('\x1b', output);
        var lines = output.Split('\n');
        var root = Array.FindIndex(lines, l => RootLine().IsMatch(l));
        Assert.True(root >= 0, output);
        Assert.Single(lines, l => RootLine().IsMatch(l));
        Assert.Matches(@"^`- 2 test-fork \[X exit 0\] \d+ pages?$", lines[root + 1]);
        Assert.Matches(@"^   `- 3 test-fork \[X exit 0\] \d+ pages?$", lines[root + 2]);
    }

    [Fact]
    public async Task Without_Tree_the_host_prints_no_tree()
    {
        var (exit, output, _) = await HostProcess.Run("--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Fork.Trace=Warning");
        Assert.Equal(0, exit);
        Assert.DoesNotMatch(RootLine(), output);
    }

    [Theory]
    [InlineData("--Fork:Tree=bogus", "Fork:Tree")]
    [InlineData("--Fork:TreeRefresh=-00:00:01", "Fork:TreeRefresh")]
    public async Task A_bad_tree_setting_is_one_sentence_and_exit_code_2(string argument, string key)
    {
        var (exit, output, errors) = await HostProcess.Run(argument);
        Assert.Equal(2, exit);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(key, line);
        Assert.EndsWith(".", line.TrimEnd());
        Assert.Empty(output);
    }

    [GeneratedRegex(@"^1 test-fork \[X exit 0\] \d+ pages?$", RegexOptions.Multiline)]
    private static partial Regex RootLine();
}
