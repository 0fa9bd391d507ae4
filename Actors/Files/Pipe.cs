using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// A pipe as Linux has it: at most <see cref="Capacity"/> bytes between its read end and its write end. A read of an
/// empty pipe waits while a writer remains; a write waits while the pipe is full, and one of at most
/// <see cref="AtomicWrite"/> bytes goes in whole, never interleaved with another writer's bytes. Waiting reads and writes
/// are served first come, first served.
/// </summary>
/// <remarks>
/// The one piece of the I/O path that processes share, and said so: a program's libc calls <see cref="Serve"/> itself,
/// under the pipe's lock, so a read that finds data, or a write that finds room, is answered before the call returns,
/// without a message or a thread hop; only a call that must wait is woken by another process's call. Measured with the
/// bench's pre-fork pool, a call through the pipe's actor cost two thread-pool hops and the pool served N times fewer
/// requests. The pipe's actor (<see cref="PipeActor"/>) serves the same calls as messages (when the trace is on, so each
/// is logged, and for any caller that has only its address), and the file system closes its ends, all under the lock.
/// </remarks>
/// <param name="account">The namespace's quota: charged the pipe's capacity at its first write (a pipe nobody writes to,
/// such as a gate that is only ever closed, costs nothing), credited when the pipe is gone.</param>
internal sealed class Pipe(int number, long readEnd, long writeEnd, QuotaAccount? account = null) : IDirectServer
{
    public const int Capacity = 64 * 1024;

    /// <summary>PIPE_BUF.</summary>
    public const int AtomicWrite = 4096;

    // A write's bytes are kept as they came (the message owns its array): no copy into a ring.
    private readonly Queue<ArraySegment<byte>> _chunks = new();
    private int _headOffset;
    private Queue<ParkedRead>? _readers;
    private Queue<ParkedWrite>? _writers;
    private bool _charged;
    private readonly Lock _gate = new();

    /// <summary>The pipe's actor: the sender of its answers.</summary>
    public IActorRef Actor { get; set; } = ActorRefs.Nobody;

    private IActorRef self => Actor;

    public long ReadEnd { get; } = readEnd;

    public long WriteEnd { get; } = writeEnd;

    /// <summary>A read, write, seek or interrupt of a call whose answer goes to <paramref name="replyTo"/>.</summary>
    public void Serve(object request, IActorRef replyTo)
    {
        lock (_gate)
        {
            switch (request)
            {
                case FsRead read when read.Description == ReadEnd:
                    if (read.Count < 0) replyTo.Tell(new LibcError(Errno.EINVAL, $"cannot read {read.Count} bytes"), self);
                    else Read(replyTo, read.Count);
                    break;
                case FsWrite write when write.Description == WriteEnd:
                    Write(replyTo, write.Data);
                    break;
                case FsRead read:
                    replyTo.Tell(new LibcError(Errno.EBADF, $"description {read.Description} ({Name}) is not open for reading"), self);
                    break;
                case FsWrite write:
                    replyTo.Tell(new LibcError(Errno.EBADF, $"description {write.Description} ({Name}) is not open for writing"), self);
                    break;
                case FsSeek:
                    replyTo.Tell(new LibcError(Errno.ESPIPE, $"{Name} is a pipe and cannot seek"), self);
                    break;
                case Messages.Interrupt:
                    Interrupt(replyTo);
                    break;
                default:
                    throw new ArgumentException($"a pipe does not serve {request.GetType().Name}", nameof(request));
            }
        }
    }

    /// <summary>The last descriptor of the end <paramref name="description"/> was closed; true when both ends are.</summary>
    public bool CloseEnd(long description)
    {
        lock (_gate)
        {
            if (description == ReadEnd) CloseReadEnd();
            else if (description == WriteEnd) CloseWriteEnd();
            if (!IsClosed) return false;
            Release();
            return true;
        }
    }

    public string Name { get; } = $"pipe:[{number}]";

    public int Buffered { get; private set; }

    public bool ReadEndOpen { get; private set; } = true;

    public bool WriteEndOpen { get; private set; } = true;

    public bool IsClosed => !ReadEndOpen && !WriteEndOpen;

    public int ParkedReads => _readers?.Count ?? 0;

    public int ParkedWrites => _writers?.Count ?? 0;

    private void Read(IActorRef replyTo, int count)
    {
        if (count == 0)
        {
            replyTo.Tell(DataRead.EndOfFile, self);
        }
        else if (Buffered > 0)
        {
            replyTo.Tell(new DataRead(Take(count)), self);
            AdmitWriters();
            ServeReaders();
        }
        else if (WriteEndOpen)
        {
            (_readers ??= new Queue<ParkedRead>()).Enqueue(new ParkedRead(replyTo, count));
        }
        else
        {
            // POSIX: a read of an empty pipe with no writer returns 0 (EOF).
            replyTo.Tell(DataRead.EndOfFile, self);
        }
    }

    private void Write(IActorRef replyTo, byte[] data)
    {
        if (!ReadEndOpen)
        {
            replyTo.Tell(new LibcError(Errno.EPIPE, $"{Name} has no reader"), self);
            return;
        }

        if (data.Length == 0)
        {
            replyTo.Tell(LibcOk.Zero, self);
            return;
        }

        if (!_charged && account is not null)
        {
            if (!account.TryWithdrawRam(Capacity))
            {
                replyTo.Tell(new LibcError(Errno.ENOSPC, $"the namespace's quota cannot hold the {Capacity} bytes of {Name}"), self);
                return;
            }

            _charged = true;
        }

        var write = new ParkedWrite(replyTo, data);
        // Writers already waiting go first: bytes of one writer stay in order, and nobody waits forever.
        if (_writers is { Count: > 0 } || !Admit(write)) (_writers ??= new Queue<ParkedWrite>()).Enqueue(write);
        ServeReaders();
    }

    /// <summary>A caught signal interrupts the call <paramref name="call"/> if it waits here; the answer says what it moved.</summary>
    private void Interrupt(IActorRef call)
    {
        if (Remove(ref _readers, r => ReferenceEquals(r.ReplyTo, call)) is not null)
        {
            call.Tell(Interrupted.Nothing, self);
        }
        else if (Remove(ref _writers, w => ReferenceEquals(w.ReplyTo, call)) is { } write)
        {
            call.Tell(write.Moved == 0 ? Interrupted.Nothing : new Interrupted(write.Moved), self);
            // A small write behind it may fit now.
            AdmitWriters();
            ServeReaders();
        }
    }

    // POSIX: once every write end is closed, a read of the empty pipe returns 0 (EOF).
    private void CloseWriteEnd()
    {
        WriteEndOpen = false;
        while (_readers is not null && _readers.TryDequeue(out var read)) read.ReplyTo.Tell(DataRead.EndOfFile, self);
        // A write still waiting here had its last descriptor closed by another call of its process.
        Answer(ref _writers, new LibcError(Errno.EBADF, $"the write end of {Name} was closed"));
    }

    // No data can ever be read: the bytes go, writers get EPIPE (or the count they moved), a waiting read ends.
    private void CloseReadEnd()
    {
        ReadEndOpen = false;
        _chunks.Clear();
        _headOffset = 0;
        Buffered = 0;
        while (_writers is not null && _writers.TryDequeue(out var write))
        {
            write.ReplyTo.Tell(write.Moved > 0 ? new Interrupted(write.Moved, Errno.EPIPE) : new LibcError(Errno.EPIPE, $"{Name} has no reader"), self);
        }

        Answer(ref _readers, new LibcError(Errno.EBADF, $"the read end of {Name} was closed"));
    }

    /// <summary>The pipe is gone: its capacity goes back to the namespace's quota.</summary>
    private void Release()
    {
        if (!_charged) return;
        _charged = false;
        account?.Credit(new Quota(Capacity, 0));
    }

    /// <summary>As much of <paramref name="write"/> as fits now; true when all of it is in (and the writer answered).</summary>
    private bool Admit(ParkedWrite write)
    {
        var left = write.Data.Length - write.Moved;
        var free = Capacity - Buffered;
        // A write of at most PIPE_BUF bytes goes in whole or waits; a larger one goes in as space frees.
        var fits = write.Data.Length <= AtomicWrite ? (left <= free ? left : 0) : Math.Min(left, free);
        if (fits == 0) return false;
        _chunks.Enqueue(new ArraySegment<byte>(write.Data, write.Moved, fits));
        Buffered += fits;
        write.Moved += fits;
        if (write.Moved < write.Data.Length) return false;
        write.ReplyTo.Tell(new LibcOk(write.Data.Length), self);
        return true;
    }

    private void AdmitWriters()
    {
        while (_writers is not null && _writers.TryPeek(out var write) && Admit(write)) _writers.Dequeue();
    }

    /// <summary>Data came: waiting reads take it in order, and each read may make room for a waiting write.</summary>
    private void ServeReaders()
    {
        while (Buffered > 0 && _readers is not null && _readers.TryDequeue(out var read))
        {
            read.ReplyTo.Tell(new DataRead(Take(read.Count)), self);
            AdmitWriters();
        }
    }

    /// <summary>At most <paramref name="count"/> buffered bytes, oldest first; a whole write's array is handed on as it is.</summary>
    private byte[] Take(int count)
    {
        var head = _chunks.Peek();
        if (_headOffset == 0 && head.Offset == 0 && head.Count == head.Array!.Length && count >= head.Count
            && (count == head.Count || _chunks.Count == 1))
        {
            _chunks.Dequeue();
            Buffered -= head.Count;
            return head.Array;
        }

        var result = new byte[Math.Min(count, Buffered)];
        var filled = 0;
        while (filled < result.Length)
        {
            head = _chunks.Peek();
            var length = Math.Min(result.Length - filled, head.Count - _headOffset);
            head.AsSpan(_headOffset, length).CopyTo(result.AsSpan(filled));
            filled += length;
            _headOffset += length;
            if (_headOffset < head.Count) continue;
            _chunks.Dequeue();
            _headOffset = 0;
        }

        Buffered -= result.Length;
        return result;
    }

    private void Answer<T>(ref Queue<T>? queue, object answer) where T : IParked
    {
        while (queue is not null && queue.TryDequeue(out var parked)) parked.ReplyTo.Tell(answer, self);
    }

    private static T? Remove<T>(ref Queue<T>? queue, Func<T, bool> match) where T : class
    {
        if (queue is null) return null;
        T? found = null;
        var kept = new Queue<T>(queue.Count);
        foreach (var item in queue)
        {
            if (found is null && match(item)) found = item;
            else kept.Enqueue(item);
        }

        queue = kept;
        return found;
    }
}

internal interface IParked
{
    IActorRef ReplyTo { get; }
}

/// <summary>A read of an empty pipe that waits for data or EOF.</summary>
internal sealed record ParkedRead(IActorRef ReplyTo, int Count) : IParked;

/// <summary>A write that waits for room; <see cref="Moved"/> of its bytes are in the pipe already.</summary>
internal sealed class ParkedWrite(IActorRef replyTo, byte[] data) : IParked
{
    public IActorRef ReplyTo { get; } = replyTo;

    public byte[] Data { get; } = data;

    public int Moved { get; set; }
}
