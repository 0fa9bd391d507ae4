using System.Text;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// Descriptors across nodes: a child forked onto another node inherits its parent's descriptors, and its reads and writes
/// go to the pipes and files of its namespace, on the parent's node, by message. The descriptor numbers travel in the
/// environment; each child exits 7 when what it saw is right, else with a code that says what differed.
/// </summary>
public sealed class RemoteDescriptorSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static int Fd(Libc libc, string name) => int.Parse(libc.Environment[name], System.Globalization.CultureInfo.InvariantCulture);

    // Writes a line naming its node into the pipe's write end, in two writes, and closes it.
    private static async Task<int> PipeWriter(Libc libc)
    {
        await libc.CloseAsync(Fd(libc, "READ"));
        var write = Fd(libc, "WRITE");
        await libc.WriteAsync(write, Encoding.UTF8.GetBytes("from "));
        await libc.WriteAsync(write, Encoding.UTF8.GetBytes(libc.Node + "\n"));
        await libc.CloseAsync(write);
        return 7;
    }

    // Reads the pipe to its end (the parent closed its write end): exits 7 when it read COUNT bytes, all 'x'.
    private static async Task<int> PipeReader(Libc libc)
    {
        await libc.CloseAsync(Fd(libc, "WRITE"));
        var buffer = new byte[64];
        var total = 0;
        for (int read; (read = await libc.ReadAsync(Fd(libc, "READ"), buffer)) > 0;)
        {
            if (buffer.AsSpan(0, read).IndexOfAnyExcept((byte)'x') >= 0) return 3;
            total += read;
        }

        return total == Fd(libc, "COUNT") ? 7 : 4;
    }

    // Appends to the file through the inherited description: at the offset the parent's writes left, which it shares.
    private static async Task<int> FileAppender(Libc libc)
    {
        var written = await libc.WriteAsync(Fd(libc, "FILE"), "cd"u8.ToArray());
        return written == 2 ? 7 : 3;
    }

    [Fact]
    public async Task A_child_on_another_node_writes_into_a_pipe_that_its_parent_reads_to_the_end()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var text = "";
        var status = await nodes.Parent.RunAsync(async libc =>
        {
            var (read, write) = await libc.PipeAsync();
            libc.Environment["READ"] = read.ToString();
            libc.Environment["WRITE"] = write.ToString();
            var pid = await libc.ForkAsync(PipeWriter, ForkPlacement.OnNode(nodes.SecondAddress));
            await libc.CloseAsync(write);
            var received = new List<byte>();
            var buffer = new byte[16];
            for (int n; (n = await libc.ReadAsync(read, buffer)) > 0;) received.AddRange(buffer.AsSpan(0, n));
            text = Encoding.UTF8.GetString([.. received]);
            return (await libc.Wait4Async(pid)).Status.ExitCode;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(7), status);
        Assert.Equal($"from {nodes.SecondAddress}\n", text);
    }

    [Fact]
    public async Task A_child_on_another_node_reads_what_its_parent_writes_into_a_pipe_until_the_parent_closes_it()
    {
        await using var nodes = await ClusterNodes.Two(this);
        // More than a pipe holds, so the parent's writes wait for the remote reader to make room, twice.
        const int count = 2 * Pipe.Capacity + 77;
        var status = await nodes.Parent.RunAsync(async libc =>
        {
            var (read, write) = await libc.PipeAsync();
            libc.Environment["READ"] = read.ToString();
            libc.Environment["WRITE"] = write.ToString();
            libc.Environment["COUNT"] = count.ToString();
            var pid = await libc.ForkAsync(PipeReader, ForkPlacement.OnNode(nodes.SecondAddress));
            await libc.CloseAsync(read);
            var data = Enumerable.Repeat((byte)'x', count).ToArray();
            for (var at = 0; at < data.Length;) at += await libc.WriteAsync(write, data.AsMemory(at));
            await libc.CloseAsync(write);
            var result = await libc.Wait4Async(pid);
            return result.Status.Exited ? result.Status.ExitCode : 100;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(7), status);
    }

    [Fact]
    public async Task A_file_description_inherited_across_nodes_shares_its_offset_with_the_parent()
    {
        await using var nodes = await ClusterNodes.Two(this);
        var content = "";
        var status = await nodes.Parent.RunAsync(async libc =>
        {
            var fd = await libc.OpenAsync("/shared", OpenFlags.ReadWrite | OpenFlags.Create);
            await libc.WriteAsync(fd, "ab"u8.ToArray());
            libc.Environment["FILE"] = fd.ToString();
            var pid = await libc.ForkAsync(FileAppender, ForkPlacement.OnNode(nodes.SecondAddress));
            var child = (await libc.Wait4Async(pid)).Status.ExitCode;
            // The child's write moved the offset the two share: this write comes after it.
            await libc.WriteAsync(fd, "ef"u8.ToArray());
            await libc.SeekAsync(fd, 0, SeekOrigin.Begin);
            var buffer = new byte[16];
            content = Encoding.UTF8.GetString(buffer, 0, await libc.ReadAsync(fd, buffer));
            return child;
        }).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromExit(7), status);
        Assert.Equal("abcdef", content);
    }
}
