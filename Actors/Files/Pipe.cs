using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// A pipe: an unbounded byte buffer between one read end and one write end, and the reads
/// parked on it (FIFO) while it is empty and a writer remains.
/// </summary>
internal sealed class Pipe(int number)
{
    private readonly Queue<byte[]> _chunks = new();
    private int _headOffset;
    private Queue<ParkedRead> _parked = new();

    // How many parked reads each process has here: a process that ends with none costs its cancel nothing, so a pipe
    // with many parked readers (a pool blocked on one request pipe) is not walked at every exit.
    private readonly Dictionary<int, int> _parkedBy = [];

    public string Name { get; } = $"pipe:[{number}]";

    public long Buffered { get; private set; }

    public bool ReadEndOpen { get; private set; } = true;

    public bool WriteEndOpen { get; private set; } = true;

    public bool IsClosed => !ReadEndOpen && !WriteEndOpen;

    public void Put(byte[] data)
    {
        _chunks.Enqueue(data);
        Buffered += data.Length;
    }

    /// <summary>At most <paramref name="count"/> buffered bytes, oldest first.</summary>
    public byte[] Take(int count)
    {
        var result = new byte[Math.Min(count, Buffered)];
        var filled = 0;
        while (filled < result.Length)
        {
            var head = _chunks.Peek();
            var length = Math.Min(result.Length - filled, head.Length - _headOffset);
            head.AsSpan(_headOffset, length).CopyTo(result.AsSpan(filled));
            filled += length;
            _headOffset += length;
            if (_headOffset == head.Length)
            {
                _chunks.Dequeue();
                _headOffset = 0;
            }
        }

        Buffered -= result.Length;
        return result;
    }

    public void Park(ParkedRead read)
    {
        _parked.Enqueue(read);
        _parkedBy[read.Pid] = _parkedBy.GetValueOrDefault(read.Pid) + 1;
    }

    /// <summary>Answer parked reads in FIFO order while there is data.</summary>
    public void ServeParked(IActorRef self)
    {
        while (Buffered > 0 && _parked.TryDequeue(out var read))
        {
            Unparked(read.Pid);
            read.ReplyTo.Tell(new DataRead(Take(read.Count)), self);
        }
    }

    // POSIX: a read of an empty pipe with no writer returns 0 (EOF).
    public void CloseWriteEnd(IActorRef self)
    {
        WriteEndOpen = false;
        AnswerAll(new DataRead([]), self);
    }

    // No data can ever come (writers get EPIPE), so a parked read must not wait forever.
    public void CloseReadEnd(IActorRef self)
    {
        ReadEndOpen = false;
        AnswerAll(new LibcError(Errno.EBADF, $"the read end of {Name} was closed"), self);
    }

    public void CancelReads(int pid, IActorRef self)
    {
        if (!_parkedBy.Remove(pid)) return;
        var kept = new Queue<ParkedRead>();
        foreach (var read in _parked)
        {
            if (read.Pid == pid)
            {
                read.ReplyTo.Tell(new LibcError(Errno.EINTR, $"read of {Name} interrupted: process {pid} was killed"), self);
            }
            else
            {
                kept.Enqueue(read);
            }
        }

        _parked = kept;
    }

    private void AnswerAll(object answer, IActorRef self)
    {
        while (_parked.TryDequeue(out var read))
        {
            read.ReplyTo.Tell(answer, self);
        }

        _parkedBy.Clear();
    }

    private void Unparked(int pid)
    {
        if (_parkedBy.TryGetValue(pid, out var count) && count > 1) _parkedBy[pid] = count - 1;
        else _parkedBy.Remove(pid);
    }
}
