using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// No message between nodes is larger than a frame (<c>maximum-frame-size</c>): the transport drops one that is, and
/// whoever waits for it would wait forever. Large reads, writes and log lines of a child on another node go in parts;
/// arguments and environment that cannot fit are E2BIG at once; a config ROM that cannot fit fails the child's boot
/// with its reason.
/// </summary>
public sealed class RemoteLimitsSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // Eight frames' worth of bytes: every part of a write or a read is at most one.
    private const int Large = 1 << 20;

    private static byte Pattern(int i) => (byte)(i * 31 + i / 4096);

    // Writes a megabyte through the inherited descriptor in one call, seeks back and reads it back in one call:
    // exits 7 when every byte round-tripped, else says where it stopped.
    private static async Task<int> LargeIo(Libc libc)
    {
        var fd = int.Parse(libc.Environment["FILE"], System.Globalization.CultureInfo.InvariantCulture);
        var data = new byte[Large];
        for (var i = 0; i < data.Length; i++) data[i] = Pattern(i);
        if (await libc.WriteAsync(fd, data) != Large) return 2;
        await libc.SeekAsync(fd, 0, SeekOrigin.Begin);
        var back = new byte[Large];
        var total = 0;
        for (int read; total < Large && (read = await libc.ReadAsync(fd, back.AsMemory(total))) > 0;) total += read;
        return total == Large && back.AsSpan().SequenceEqual(data) ? 7 : 3;
    }

    private static Task<int> LongLine(Libc libc)
    {
        libc.Log(new string('a', 100_000) + "😀" + new string('b', 100_000) + "!");
        return Task.FromResult(0);
    }

    private static Task<int> Nothing(Libc libc) => Task.FromResult(0);

    [Fact]
    public async Task A_megabyte_written_and_read_in_one_call_by_a_child_on_another_node_goes_in_parts_and_arrives_whole()
    {
        await using var nodes = await ClusterNodes.Two(this);
        long size = 0;
        var status = await nodes.Parent.RunAsync(async libc =>
        {
            var fd = await libc.OpenAsync("/large", OpenFlags.ReadWrite | OpenFlags.Create);
            libc.Environment["FILE"] = fd.ToString();
            var pid = await libc.ForkAsync(LargeIo, ForkPlacement.OnNode(nodes.SecondAddress));
            var result = await libc.Wait4Async(pid);
            size = (await libc.StatAsync("/large")).Size;
            return result.Status.Exited ? result.Status.ExitCode : 100;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(7), status);
        Assert.Equal(Large, size);
    }

    [Fact]
    public async Task A_log_line_longer_than_a_frame_from_a_child_on_another_node_reaches_the_log_whole_in_parts()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var lines = new RecordingLoggerProvider();
        ForkTracing.Use(nodes.First, LoggerFactory.Create(b => b.AddProvider(lines)));
        var status = await nodes.Parent.RunAsync(async libc =>
        {
            libc.Log("parent");
            var pid = await libc.ForkAsync(LongLine, ForkPlacement.OnNode(nodes.SecondAddress));
            return (await libc.Wait4Async(pid)).Status.ExitCode;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), status);
        const string label = "[init -> 2] ";
        await AwaitAssertAsync(() =>
        {
            var parts = lines.Lines.Where(l => l.StartsWith(label, StringComparison.Ordinal)).Select(l => l[label.Length..]).ToList();
            Assert.True(parts.Count > 1, $"{parts.Count} part(s)");
            Assert.Equal(new string('a', 100_000) + "😀" + new string('b', 100_000) + "!", string.Concat(parts));
        }, Bound);
    }

    // Lists /small (three names) and /large (too many for one message): exits 7 when the first is listed and the second EOVERFLOW.
    private static async Task<int> ListBoth(Libc libc)
    {
        if ((await libc.ReadDirAsync("/small")).Count != 3) return 2;
        try
        {
            await libc.ReadDirAsync("/large");
            return 3;
        }
        catch (PosixException e) when (e.Errno == Errno.EOVERFLOW)
        {
            return 7;
        }
    }

    [Fact]
    public async Task A_directory_listing_larger_than_a_frame_is_EOVERFLOW_for_a_child_on_another_node()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var status = await nodes.Parent.RunAsync(async libc =>
        {
            await libc.MkDirAsync("/small");
            for (var i = 0; i < 3; i++) await libc.CloseAsync(await libc.OpenAsync($"/small/{i}", OpenFlags.WriteOnly | OpenFlags.Create));
            // 600 names of 250 bytes: 150 000 bytes, listed locally as usual.
            await libc.MkDirAsync("/large");
            for (var i = 0; i < 600; i++) await libc.CloseAsync(await libc.OpenAsync($"/large/{i:D3}{new string('n', 247)}", OpenFlags.WriteOnly | OpenFlags.Create));
            if ((await libc.ReadDirAsync("/large")).Count != 600) return 100;
            var pid = await libc.ForkAsync(ListBoth, ForkPlacement.OnNode(nodes.SecondAddress));
            var result = await libc.Wait4Async(pid);
            return result.Status.Exited ? result.Status.ExitCode : 101;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(7), status);
    }

    [Fact]
    public async Task Arguments_and_environment_larger_than_a_frame_are_E2BIG_at_once_and_leave_nothing_to_wait_for()
    {
        await using var nodes = await ClusterNodes.Two(this);
        string? reason = null;
        var status = await nodes.Parent.RunAsync(async libc =>
        {
            libc.Environment["BIG"] = new string('x', 200_000);
            try
            {
                await libc.ForkAsync(Nothing, ForkPlacement.OnNode(nodes.SecondAddress));
                return 100;
            }
            catch (PosixException e) when (e.Errno == Errno.E2BIG)
            {
                reason = e.Message;
            }

            if ((await libc.Wait4Async(-1, WaitOptions.WNOHANG)).Error != Errno.ECHILD) return 101;
            // Locally the same environment forks.
            var local = await libc.ForkAsync(Nothing);
            return (await libc.Wait4Async(local)).Status.ExitCode;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(0), status);
        Assert.Contains("200003 bytes", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_ROM_larger_than_a_frame_fails_the_remote_childs_boot_instead_of_leaving_its_parent_waiting()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var status = await nodes.Parent.RunAsync(async libc =>
        {
            // Forty descriptors open on files 15 directories of 250 characters deep: the child's config names each
            // path, over 150 000 bytes in all.
            var directory = "";
            for (var level = 0; level < 15; level++)
            {
                directory += "/" + new string((char)('a' + level), 250);
                await libc.MkDirAsync(directory);
            }

            for (var i = 0; i < 40; i++) await libc.OpenAsync($"{directory}/f{i}", OpenFlags.WriteOnly | OpenFlags.Create);

            var pid = await libc.ForkAsync(Nothing, ForkPlacement.OnNode(nodes.SecondAddress));
            var result = await libc.Wait4Async(pid);
            return result.Status == WaitStatus.FromSignal(Signal.SIGKILL, false) ? 9 : 100;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(9), status);
    }
}
