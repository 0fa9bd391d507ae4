using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>A fork through the runtime of a heap region far bigger than one clone buffer: the child joins it from many chunks.</summary>
public sealed class LargeHeapForkSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    [Fact]
    public Task Child_reads_a_sparse_1_GiB_heap_pulled_in_many_chunks() => RunToSuccess(async libc =>
    {
        var block = libc.Memory.Malloc(1L << 30);
        ulong[] touched = [block, block + (1UL << 29) + 5, block + (1UL << 30) - 1];
        foreach (var at in touched) libc.Memory.Write(at, [Mark(at)]);

        var child = await libc.ForkAsync(c => Task.FromResult(
            touched.All(at => ByteAt(c, at) == Mark(at)) && ByteAt(c, block + 4096) == 0 ? 0 : 1));

        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    private static byte Mark(ulong at) => (byte)(at % 251 + 1);

    private static byte ByteAt(Libc libc, ulong at)
    {
        var one = new byte[1];
        libc.Memory.Read(at, one);
        return one[0];
    }
}
