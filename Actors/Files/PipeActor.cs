using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// One pipe's actor: the reads and writes of every process that holds one of its ends come here straight from their
/// libc, so pipes proceed in parallel and no other actor is on their path. The file system that made it tells it when
/// the last descriptor of an end is closed; it stops once both ends are.
/// </summary>
internal sealed class PipeActor : TracedActor
{
    private readonly Pipe _pipe;
    private readonly long _readEnd;
    private readonly long _writeEnd;

    public PipeActor(int number, long readEnd, long writeEnd, QuotaAccount? account)
    {
        _pipe = new Pipe(number, Self, account);
        _readEnd = readEnd;
        _writeEnd = writeEnd;
        Receive(OnPipe);
    }

    protected override int TracePid => 0;

    public static Props Props(int number, long readEnd, long writeEnd, QuotaAccount? account = null) =>
        FactoryProps.Of(() => new PipeActor(number, readEnd, writeEnd, account));

    /// <summary>A fault while serving one call answers that call with EIO; the pipe and its bytes go on.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            Sender.Tell(new LibcError(Errno.EIO, $"{_pipe.Name} failed serving {message.GetType().Name}: {e.Message}"));
            return true;
        }
    }

    private bool OnPipe(object message)
    {
        switch (message)
        {
            case FsRead read when read.Description == _readEnd:
                if (read.Count < 0) Sender.Tell(new LibcError(Errno.EINVAL, $"cannot read {read.Count} bytes"));
                else _pipe.Read(Sender, read.Count);
                return true;
            case FsWrite write when write.Description == _writeEnd:
                _pipe.Write(Sender, write.Data);
                return true;
            case FsRead read:
                Sender.Tell(new LibcError(Errno.EBADF, $"description {read.Description} ({_pipe.Name}) is not open for reading"));
                return true;
            case FsWrite write:
                Sender.Tell(new LibcError(Errno.EBADF, $"description {write.Description} ({_pipe.Name}) is not open for writing"));
                return true;
            case FsSeek:
                Sender.Tell(new LibcError(Errno.ESPIPE, $"{_pipe.Name} is a pipe and cannot seek"));
                return true;
            case Interrupt:
                _pipe.Interrupt(Sender);
                return true;
            case PipeEndClosed closed:
                if (closed.Description == _readEnd) _pipe.CloseReadEnd();
                else if (closed.Description == _writeEnd) _pipe.CloseWriteEnd();
                if (_pipe.IsClosed)
                {
                    _pipe.Release();
                    Context.Stop(Self);
                }

                return true;
            default:
                return false;
        }
    }
}
