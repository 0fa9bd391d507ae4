using Fork.Actors;
using Fork.Messages;
using Xunit;

namespace Fork.Tests;

/// <summary>The example of README.md, as it stands there, keeps working.</summary>
public sealed class ReadmeSpec
{
    [Fact]
    public async Task The_readme_example_forks_reads_the_childs_bytes_and_reaps_exit_code_7()
    {
        var seen = "";
        await using var runtime = ForkRuntime.Create();
        var status = await runtime.RunAsync(async libc =>
        {
            var heap = libc.Memory.Malloc(16);
            libc.Memory.Write(heap, "hello"u8);
            var (read, write) = await libc.PipeAsync();

            var child = await libc.ForkAsync(async c =>
            {
                var bytes = new byte[5];
                c.Memory.Read(heap, bytes);
                await c.WriteAsync(write, bytes);
                return 7;
            });

            var buffer = new byte[5];
            await libc.ReadAsync(read, buffer);
            seen = System.Text.Encoding.ASCII.GetString(buffer);
            var result = await libc.Wait4Async(child);
            return result.Status.ExitCode == 7 ? 0 : 1;
        }).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(WaitStatus.FromExit(0), status);
        Assert.Equal("hello", seen);
    }
}
