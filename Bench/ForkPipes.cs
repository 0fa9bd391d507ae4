using System.Threading.Channels;
using Fork.Actors;
using Fork.Messages;

namespace Fork.Bench;

/// <summary>
/// P independent pipe pairs inside one init program, P = <c>pairs</c>. For each batch init forks P readers; each makes
/// its own pipe and forks its own writer, which writes the batch's count of 64 KiB writes as fast as it can and exits;
/// the reader reads with a 64 KiB buffer until EOF, checks the byte count, reaps its writer and exits 0 (1: wrong
/// count, 2: the writer did not exit 0). Init reaps the readers. The pairs share nothing but the runtime. A writer
/// waits while its pipe is full (bounded pipes) or runs ahead (unbounded): neither changes what the reader checks.
/// </summary>
internal sealed class ForkPipes : IRoundTrip
{
    public const int WriteSize = 64 * 1024;

    private readonly Channel<Batch> _batches = Channel.CreateUnbounded<Batch>(new() { SingleReader = true });
    private readonly Task<WaitStatus> _init;

    public ForkPipes(int pairs)
    {
        Pairs = pairs;
        Runtime = ForkRuntime.Create(BenchQuota.For(2 * pairs));
        _init = Runtime.RunAsync(Init);
    }

    public string Name => Pairs == 1 ? "1 pipe pair" : $"{Pairs} pipe pairs";

    public int Pairs { get; }

    public ForkRuntime Runtime { get; }

    /// <summary>Bytes one trip moves: a 64 KiB write through every pair.</summary>
    public long BytesPerTrip => (long)Pairs * WriteSize;

    /// <summary>Every pair moves <paramref name="count"/> 64 KiB writes; completes when every reader is reaped.</summary>
    public Task RunAsync(int count)
    {
        var batch = Batch.Of(count);
        if (!_batches.Writer.TryWrite(batch)) throw new InvalidOperationException("init has ended");
        return batch.Done.Task;
    }

    private async Task<int> Init(Libc libc)
    {
        await foreach (var batch in _batches.Reader.ReadAllAsync())
        {
            try
            {
                ProcessMain reader = c => Reader(c, batch.Count);
                var readers = new int[Pairs];
                for (var i = 0; i < readers.Length; i++) readers[i] = await libc.ForkAsync(reader);
                // Reap every reader before saying how any failed.
                var failures = new List<string>();
                foreach (var pid in readers)
                {
                    var reaped = await libc.Wait4Async(pid);
                    if (reaped.Pid != pid || reaped.Status != WaitStatus.FromExit(0)) failures.Add($"reader {pid} ended {reaped.Status}");
                }

                if (failures.Count == 0) batch.Done.SetResult();
                else batch.Done.SetException(new InvalidOperationException($"{string.Join(", ", failures)} (exit 1: wrong byte count, 2: its writer failed)"));
            }
            catch (Exception e)
            {
                batch.Done.SetException(e);
            }
        }

        return 0;
    }

    private static async Task<int> Reader(Libc libc, int writes)
    {
        var (read, write) = await libc.PipeAsync();
        var writer = await libc.ForkAsync(c => Writer(c, read, write, writes));
        await libc.CloseAsync(write);
        var buffer = new byte[WriteSize];
        long total = 0;
        for (int n; (n = await libc.ReadAsync(read, buffer)) > 0;) total += n;
        await libc.CloseAsync(read);
        var reaped = await libc.Wait4Async(writer);
        if (total != (long)writes * WriteSize) return 1;
        return reaped.Pid == writer && reaped.Status == WaitStatus.FromExit(0) ? 0 : 2;
    }

    private static async Task<int> Writer(Libc libc, int read, int write, int writes)
    {
        await libc.CloseAsync(read);
        var data = new byte[WriteSize];
        for (var i = 0; i < writes; i++) await PipeIo.WriteAllAsync(libc, write, data);
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _batches.Writer.TryComplete();
        try
        {
            var status = await _init;
            if (status != WaitStatus.FromExit(0)) throw new InvalidOperationException($"init ended with {status}");
        }
        finally
        {
            await Runtime.DisposeAsync();
        }
    }
}
