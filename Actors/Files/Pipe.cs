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
/// <para>
/// The one piece of the I/O path that processes share, and said so: a program's libc calls <see cref="Serve"/> itself,
/// under the pipe's lock, so a read that finds data, or a write that finds room, is answered before the call returns,
/// without a message or a thread hop; only a call that must wait is woken, by another process's call. Measured with the
/// bench's pre-fork pool in one run: 200 000 requests/s with every call a message to the pipe's actor (two thread-pool
/// hops a call), 650 000 with direct calls. The pipe's actor (<see cref="ServerActor"/>) serves the same calls as messages
/// (when the trace is on, so each is logged, and for any caller that has only its address), and the file system
/// closes its ends, all under the lock.
/// </para>
/// <para>
/// Bytes: a direct call hands the caller's own memory (<see cref="DirectRead"/>, <see cref="DirectWrite"/>), valid while
/// the caller waits. A write copies its bytes straight into the memory of readers that wait (one copy), and what no
/// reader waits for into the pipe's 64 KiB ring (made at the first write), from which a read copies them out. A message
/// read gets a new array.
/// </para>
/// </remarks>
/// <param name="account">The namespace's quota: charged the pipe's capacity at its first write (a pipe nobody writes to,
/// such as a gate that is only ever closed, costs nothing), credited when the pipe is gone.</param>
internal sealed class Pipe(int number, long readEnd, long writeEnd, QuotaAccount? account = null) : IDirectServer
{
    public const int Capacity = 64 * 1024;

    /// <summary>PIPE_BUF.</summary>
    public const int AtomicWrite = 4096;

    private readonly Lock _gate = new();
    private byte[]? _ring;
    private int _head;
    private Queue<ParkedRead>? _readers;
    private Queue<ParkedWrite>? _writers;

    /// <summary>The pipe's actor: the sender of its answers.</summary>
    public IActorRef Actor { get; set; } = ActorRefs.Nobody;

    public long ReadEnd { get; } = readEnd;

    public long WriteEnd { get; } = writeEnd;

    public string Name { get; } = $"pipe:[{number}]";

    public int Buffered { get; private set; }

    public bool ReadEndOpen { get; private set; } = true;

    public bool WriteEndOpen { get; private set; } = true;

    public bool IsClosed => !ReadEndOpen && !WriteEndOpen;

    /// <summary>A read, write, seek or interrupt of a call whose answer goes to <paramref name="replyTo"/>.</summary>
    public void Serve(object request, IActorRef replyTo)
    {
        lock (_gate)
        {
            switch (request)
            {
                case DirectRead { Description: var d } read when d == ReadEnd:
                    Read(new ParkedRead(replyTo, read.Into.Length, read.Into));
                    break;
                case FsRead { Description: var d } read when d == ReadEnd:
                    if (read.Count < 0) replyTo.Tell(new LibcError(Errno.EINVAL, $"cannot read {read.Count} bytes"), Actor);
                    else Read(new ParkedRead(replyTo, read.Count, null));
                    break;
                case DirectWrite { Description: var d } write when d == WriteEnd:
                    Write(new ParkedWrite(replyTo, write.Data));
                    break;
                case FsWrite { Description: var d } write when d == WriteEnd:
                    Write(new ParkedWrite(replyTo, write.Data));
                    break;
                case FsRead or DirectRead:
                    replyTo.Tell(new LibcError(Errno.EBADF, $"the write end of {Name} is not open for reading"), Actor);
                    break;
                case FsWrite or DirectWrite:
                    replyTo.Tell(new LibcError(Errno.EBADF, $"the read end of {Name} is not open for writing"), Actor);
                    break;
                case FsSeek:
                    replyTo.Tell(new LibcError(Errno.ESPIPE, $"{Name} is a pipe and cannot seek"), Actor);
                    break;
                case Interrupt:
                    InterruptCall(replyTo);
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
            if (_ring is not null) account?.Credit(new Quota(Capacity, 0));
            _ring = null;
            return true;
        }
    }

    private void Read(ParkedRead read)
    {
        if (read.Count == 0)
        {
            Answer(read, ReadOnlySpan<byte>.Empty);
        }
        else if (Buffered > 0)
        {
            Answer(read, FromRing(read));
            AdmitWriters();
        }
        else if (WriteEndOpen)
        {
            (_readers ??= new Queue<ParkedRead>()).Enqueue(read);
        }
        else
        {
            // POSIX: a read of an empty pipe with no writer returns 0 (EOF).
            Answer(read, ReadOnlySpan<byte>.Empty);
        }
    }

    private void Write(ParkedWrite write)
    {
        if (!ReadEndOpen)
        {
            write.ReplyTo.Tell(new LibcError(Errno.EPIPE, $"{Name} has no reader"), Actor);
            return;
        }

        if (write.Data.IsEmpty)
        {
            write.ReplyTo.Tell(LibcOk.Zero, Actor);
            return;
        }

        // Writers already waiting go first: bytes of one writer stay in order, and nobody waits forever.
        if (_writers is { Count: > 0 } || !Admit(write)) (_writers ??= new Queue<ParkedWrite>()).Enqueue(write);
    }

    /// <summary>A caught signal interrupts the call <paramref name="call"/> if it waits here; the answer says what it moved.</summary>
    private void InterruptCall(IActorRef call)
    {
        if (Remove(ref _readers, r => ReferenceEquals(r.ReplyTo, call)) is not null)
        {
            call.Tell(Interrupted.Nothing, Actor);
        }
        else if (Remove(ref _writers, w => ReferenceEquals(w.ReplyTo, call)) is { } write)
        {
            call.Tell(write.Moved == 0 ? Interrupted.Nothing : new Interrupted(write.Moved), Actor);
            // A small write behind it may fit now.
            AdmitWriters();
        }
    }

    // POSIX: once every write end is closed, a read of the empty pipe returns 0 (EOF).
    private void CloseWriteEnd()
    {
        WriteEndOpen = false;
        while (_readers is not null && _readers.TryDequeue(out var read)) Answer(read, ReadOnlySpan<byte>.Empty);
        // A write still waiting here had its last descriptor closed by another call of its process.
        AnswerAll(ref _writers, new LibcError(Errno.EBADF, $"the write end of {Name} was closed"));
    }

    // No data can ever be read: the bytes go, writers get EPIPE (or the count they moved), a waiting read ends.
    private void CloseReadEnd()
    {
        ReadEndOpen = false;
        (_head, Buffered) = (0, 0);
        while (_writers is not null && _writers.TryDequeue(out var write))
        {
            write.ReplyTo.Tell(write.Moved > 0 ? new Interrupted(write.Moved, Errno.EPIPE) : new LibcError(Errno.EPIPE, $"{Name} has no reader"), Actor);
        }

        AnswerAll(ref _readers, new LibcError(Errno.EBADF, $"the read end of {Name} was closed"));
    }

    /// <summary>
    /// As much of <paramref name="write"/> as goes now: first into the memory of readers that wait (only when the ring is
    /// empty, so bytes stay in order), then into the ring. True when all of it is in (and the writer answered).
    /// </summary>
    private bool Admit(ParkedWrite write)
    {
        var left = write.Data.Length - write.Moved;
        // A write of at most PIPE_BUF bytes goes in whole or waits: waiting readers can only be there when the ring is
        // empty, and then the ring alone has room for it.
        if (write.Data.Length <= AtomicWrite && left > Capacity - Buffered) return false;
        while (Buffered == 0 && write.Moved < write.Data.Length && _readers is not null && _readers.TryDequeue(out var read))
        {
            var given = Math.Min(read.Count, write.Data.Length - write.Moved);
            Answer(read, write.Data.Span.Slice(write.Moved, given));
            write.Moved += given;
        }

        var fits = Math.Min(write.Data.Length - write.Moved, Capacity - Buffered);
        if (fits > 0)
        {
            if (!ToRing(write.Data.Span.Slice(write.Moved, fits)))
            {
                write.ReplyTo.Tell(new LibcError(Errno.ENOSPC, $"the namespace's quota cannot hold the {Capacity} bytes of {Name}"), Actor);
                return true;
            }

            write.Moved += fits;
        }

        if (write.Moved < write.Data.Length) return false;
        write.ReplyTo.Tell(LibcOk.Of(write.Data.Length), Actor);
        return true;
    }

    /// <summary>Room was made: waiting writes go in, in order, as far as they fit.</summary>
    private void AdmitWriters()
    {
        while (_writers is not null && _writers.TryPeek(out var write) && Admit(write)) _writers.Dequeue();
    }

    /// <summary>Copy into the ring after what it holds; false when the namespace's quota cannot hold the ring.</summary>
    private bool ToRing(ReadOnlySpan<byte> bytes)
    {
        if (_ring is null)
        {
            if (account is not null && !account.TryWithdrawRam(Capacity)) return false;
            _ring = new byte[Capacity];
        }

        var tail = (_head + Buffered) % Capacity;
        var first = Math.Min(bytes.Length, Capacity - tail);
        bytes[..first].CopyTo(_ring.AsSpan(tail));
        bytes[first..].CopyTo(_ring);
        Buffered += bytes.Length;
        return true;
    }

    /// <summary>At most <paramref name="read"/>'s count of the ring's bytes, oldest first, copied where the read wants them.</summary>
    private ReadOnlySpan<byte> FromRing(ParkedRead read)
    {
        var count = Math.Min(read.Count, Buffered);
        var first = Math.Min(count, Capacity - _head);
        // The ring's bytes in at most two pieces; one piece is answered without a copy of its own.
        ReadOnlySpan<byte> taken;
        if (first == count)
        {
            taken = _ring.AsSpan(_head, count);
        }
        else
        {
            var joined = new byte[count];
            _ring.AsSpan(_head, first).CopyTo(joined);
            _ring.AsSpan(0, count - first).CopyTo(joined.AsSpan(first));
            taken = joined;
        }

        _head = (_head + count) % Capacity;
        Buffered -= count;
        if (Buffered == 0) _head = 0;
        return taken;
    }

    /// <summary>Answer a read with <paramref name="bytes"/>: into its memory (a direct call) or in a new array (a message).</summary>
    private void Answer(ParkedRead read, ReadOnlySpan<byte> bytes)
    {
        if (read.Into is { } into)
        {
            bytes.CopyTo(into.Span);
            read.ReplyTo.Tell(LibcOk.Of(bytes.Length), Actor);
        }
        else
        {
            read.ReplyTo.Tell(bytes.Length == 0 ? DataRead.EndOfFile : new DataRead(bytes.ToArray()), Actor);
        }
    }

    private void AnswerAll<T>(ref Queue<T>? queue, object answer) where T : IParked
    {
        while (queue is not null && queue.TryDequeue(out var parked)) parked.ReplyTo.Tell(answer, Actor);
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

/// <summary>A read that waits for data or EOF: into the caller's memory when <paramref name="Into"/> is set.</summary>
internal sealed record ParkedRead(IActorRef ReplyTo, int Count, Memory<byte>? Into) : IParked;

/// <summary>A write that waits for room; <see cref="Moved"/> of its bytes are in the pipe already.</summary>
internal sealed class ParkedWrite(IActorRef replyTo, ReadOnlyMemory<byte> data) : IParked
{
    public IActorRef ReplyTo { get; } = replyTo;

    public ReadOnlyMemory<byte> Data { get; } = data;

    public int Moved { get; set; }
}
