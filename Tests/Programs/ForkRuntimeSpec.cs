using Fork.Actors;
using Xunit;

namespace Fork.Tests;

/// <summary>Bad input to the entry point is refused at once with a sentence, never a hang.</summary>
public sealed class ForkRuntimeSpec
{
    private static readonly ProcessMain Nothing = _ => Task.FromResult(0);

    [Fact]
    public void Options_out_of_range_are_refused_naming_each_one()
    {
        var options = new ForkRuntimeOptions { CloneBufferSize = 1000, PidMax = 1 };
        var e = Assert.Throws<ArgumentException>(() => ForkRuntime.Create(options));
        Assert.Contains("CloneBufferSize", e.Message);
        Assert.Contains("PidMax", e.Message);
    }

    [Theory]
    [InlineData("binary", new[] { "libc.lib.so", "libc.lib.so" }, "/", "once")]
    [InlineData("", new string[0], "/", "empty name")]
    [InlineData("binary", new string[0], "relative", "Cwd")]
    public async Task An_image_that_cannot_be_loaded_is_refused_before_init_starts(string binary, string[] libraries, string cwd, string expected)
    {
        await using var runtime = ForkRuntime.Create();
        var image = new ProcessOptions { Binary = binary, Libraries = libraries, Cwd = cwd };
        var e = Assert.Throws<ArgumentException>(() => { _ = runtime.RunAsync(Nothing, image); });
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task An_unknown_program_name_is_refused_listing_the_known_ones()
    {
        await using var runtime = ForkRuntime.Create();
        var e = Assert.Throws<ArgumentException>(() => { _ = runtime.RunAsync("no-such-program"); });
        Assert.Contains("test-fork", e.Message);
    }
}
