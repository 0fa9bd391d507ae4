using System.Buffers.Binary;
using System.Threading.Channels;
using Fork.Actors;
using Fork.Messages;

namespace Fork.Bench;

/// <summary>
/// A pre-fork pool inside one init program. Init mallocs and fills a 16 MiB table, makes a request pipe and a response
/// pipe and forks 4 workers, which inherit the table (copy-on-write) and both pipes. A worker reads 16-byte requests
/// (number, offset) from the shared request pipe, reads 8 bytes of its copy of the table there and writes a 16-byte
/// response (number, value) to the shared response pipe, until a request with the stop number. Init keeps a window of
/// 64 requests in flight, each its own 16-byte write (atomic: at most PIPE_BUF), and checks every response against its
/// own table. At most 1 KiB is ever unread in either pipe. Batches reach init through a channel, as in ForkRoundTrip.
/// </summary>
internal sealed class ForkPool : IRoundTrip
{
    private readonly Channel<Batch> _batches = Channel.CreateUnbounded<Batch>(new() { SingleReader = true });
    private readonly TaskCompletionSource _prepared = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _table;
    private readonly Task<WaitStatus> _init;

    public ForkPool(byte[] table)
    {
        _table = table;
        Runtime = ForkRuntime.Create(BenchQuota.For(PoolTable.Workers, PoolTable.Size));
        _init = Runtime.RunAsync(Init);
    }

    public string Name => "pre-fork pool, 4 processes";

    public ForkRuntime Runtime { get; }

    /// <summary>Completes once the table is filled and every worker forked; faults with what init threw.</summary>
    public Task Prepared => _prepared.Task;

    /// <summary>Runs <paramref name="count"/> requests with the window full, then drains it.</summary>
    public Task RunAsync(int count)
    {
        var batch = Batch.Of(count);
        if (!_batches.Writer.TryWrite(batch)) throw new InvalidOperationException("init has ended");
        return batch.Done.Task;
    }

    private async Task<int> Init(Libc libc)
    {
        ulong table;
        int requests, responses;
        var workers = new int[PoolTable.Workers];
        try
        {
            table = libc.Memory.Malloc(PoolTable.Size);
            libc.Memory.Write(table, _table);
            var (requestRead, requestWrite) = await libc.PipeAsync();
            var (responseRead, responseWrite) = await libc.PipeAsync();
            ProcessMain worker = c => Worker(c, table, requestRead, requestWrite, responseRead, responseWrite);
            for (var i = 0; i < workers.Length; i++) workers[i] = await libc.ForkAsync(worker);
            await libc.CloseAsync(requestRead);
            await libc.CloseAsync(responseWrite);
            (requests, responses) = (requestWrite, responseRead);
            _prepared.SetResult();
        }
        catch (Exception e)
        {
            _batches.Writer.TryComplete(e);
            _prepared.SetException(e);
            return 1;
        }

        var request = new byte[PoolTable.MessageSize];
        var response = new byte[PoolTable.MessageSize];
        var expected = new byte[sizeof(long)];
        long next = 0;
        await foreach (var batch in _batches.Reader.ReadAllAsync())
        {
            try
            {
                var sent = 0;
                for (; sent < Math.Min(PoolTable.Window, batch.Count); sent++) await Send(next++);
                for (var received = 0; received < batch.Count; received++)
                {
                    if (!await PipeIo.ReadFullAsync(libc, responses, response)) throw new InvalidOperationException("the response pipe reached EOF");
                    var (number, value) = PoolTable.Decode(response);
                    libc.Memory.Read(table + (ulong)PoolTable.Offset(number), expected);
                    if (number < 0 || number >= next || value != PoolTable.Value(expected, 0))
                        throw new InvalidOperationException($"response to request {number} gave {value:x16}, expected {PoolTable.Value(expected, 0):x16}");
                    if (sent < batch.Count)
                    {
                        await Send(next++);
                        sent++;
                    }
                }

                batch.Done.SetResult();
            }
            catch (Exception e)
            {
                // Requests may still be in flight: the pool is out of step, so it takes no more batches.
                batch.Done.SetException(e);
                _batches.Writer.TryComplete(e);
                break;
            }
        }

        // Stop every worker and reap it: a worker that did not exit 0 fails init, and so DisposeAsync.
        for (var i = 0; i < workers.Length; i++)
        {
            PoolTable.Encode(request, PoolTable.Stop, 0);
            await libc.WriteAsync(requests, request);
        }

        var failed = 0;
        foreach (var pid in workers)
        {
            var reaped = await libc.Wait4Async(pid);
            if (reaped.Pid != pid || reaped.Status != WaitStatus.FromExit(0)) failed++;
        }

        await libc.CloseAsync(requests);
        await libc.CloseAsync(responses);
        return failed;

        Task Send(long number)
        {
            PoolTable.Encode(request, number, PoolTable.Offset(number));
            return libc.WriteAsync(requests, request);
        }
    }

    private static async Task<int> Worker(Libc libc, ulong table, int requestRead, int requestWrite, int responseRead, int responseWrite)
    {
        await libc.CloseAsync(requestWrite);
        await libc.CloseAsync(responseRead);
        var request = new byte[PoolTable.MessageSize];
        var response = new byte[PoolTable.MessageSize];
        while (await PipeIo.ReadFullAsync(libc, requestRead, request))
        {
            var (number, offset) = PoolTable.Decode(request);
            if (number == PoolTable.Stop) return 0;
            libc.Memory.Read(table + (ulong)offset, response.AsSpan(sizeof(long)));
            BinaryPrimitives.WriteInt64LittleEndian(response, number);
            await libc.WriteAsync(responseWrite, response);
        }

        return 1;
    }

    public async ValueTask DisposeAsync()
    {
        _batches.Writer.TryComplete();
        try
        {
            var status = await _init;
            // A pool that was never prepared has said why through Prepared already.
            if (status != WaitStatus.FromExit(0) && Prepared.IsCompletedSuccessfully) throw new InvalidOperationException($"pool init ended with {status} (exit code = workers that did not exit 0)");
        }
        finally
        {
            await Runtime.DisposeAsync();
        }
    }
}
