using Akka.Actor;
using Fork.Messages;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

// Descriptors and blocking calls. A read, write or seek is one message to the actor that serves the descriptor (a pipe's
// own actor, or the namespace's file system) and one back: the descriptor table is looked up here, not in the process.
// A call that blocks (a read of an empty pipe, a write to a full one, wait4, a sleep) is interrupted by a caught signal:
// its handlers run at once on the program's context, and the call goes on (SA_RESTART) or fails with EINTR.
public sealed partial class Libc
{
    public async Task<int> OpenAsync(string path, OpenFlags flags)
    {
        CheckedFlags(flags);
        var reply = await Call(new FsOpen(await Resolved(path), flags), _fileSystem, late: GiveBack);
        if (reply is not DescriptionOpened opened) return (int)Ok(reply);
        return Allocate(opened.Description, flags.HasFlag(OpenFlags.CloseOnExec), opened.Server)
            ?? throw TooMany(opened.Description);
    }

    public async Task<(int ReadFd, int WriteFd)> PipeAsync()
    {
        var reply = await Call(FsPipe.Instance, _fileSystem, late: GiveBack);
        if (reply is not PipeCreated pipe)
        {
            Ok(reply);
            throw new InvalidOperationException($"unexpected reply {reply}");
        }

        if (Allocate(pipe.ReadDescription, false, pipe.Pipe) is not { } readFd) throw TooMany(pipe.ReadDescription, pipe.WriteDescription);
        if (Allocate(pipe.WriteDescription, false, pipe.Pipe) is { } writeFd) return (readFd, writeFd);
        _fds.Remove(readFd, out _);
        throw TooMany(pipe.ReadDescription, pipe.WriteDescription);
    }

    /// <summary>Read into <paramref name="buffer"/>; blocks on an empty pipe; 0 at end of file.</summary>
    public async Task<int> ReadAsync(int fd, Memory<byte> buffer)
    {
        CheckedFd(fd);
        Enter();
        while (true)
        {
            var descriptor = Descriptor(fd);
            var direct = Direct(descriptor);
            var server = Server(descriptor);
            // Across nodes, at most what one message carries: a short read, as POSIX allows. A direct call is local.
            var count = direct is null && Across(server) ? Math.Min(buffer.Length, BytesPerFrame) : buffer.Length;
            object request = direct is null ? new FsRead(descriptor.Description, count, Pid) : new DirectRead(descriptor.Description, buffer);
            var reply = await Call(request, server, interruptible: true, direct: direct);
            switch (reply)
            {
                case DataRead data:
                    data.Data.CopyTo(buffer);
                    return data.Data.Length;
                case Interruption { Restart: true }:
                    continue;
                case Interruption:
                    throw new PosixException(Errno.EINTR, $"read of descriptor {fd} interrupted by a signal");
                default:
                    return (int)Ok(reply);
            }
        }
    }

    /// <summary>
    /// Write all of <paramref name="data"/>: to a pipe, waiting while it is full (at most 4096 bytes are written at once,
    /// never interleaved with another writer's). Interrupted by a signal without SA_RESTART, it returns the bytes that went
    /// in, or fails with EINTR if none did. To a pipe or file on another node, the data goes in parts that each fit one
    /// message (<see cref="ForkSerializer.BytesPerFrame"/>), one after the other.
    /// </summary>
    public async Task<int> WriteAsync(int fd, ReadOnlyMemory<byte> data)
    {
        CheckedFd(fd);
        Enter();
        var moved = 0;
        while (true)
        {
            var descriptor = Descriptor(fd);
            var direct = Direct(descriptor);
            // Directly, the pipe or file copies from the caller's memory while the caller waits; as a message, the bytes
            // are copied once into it.
            var rest = data[moved..];
            var server = Server(descriptor);
            if (direct is null && Across(server) && rest.Length > BytesPerFrame) rest = rest[..BytesPerFrame];
            object request = direct is null ? new FsWrite(descriptor.Description, rest.ToArray()) : new DirectWrite(descriptor.Description, rest);
            var reply = await Call(request, server, interruptible: true, direct: direct);
            switch (reply)
            {
                case LibcOk ok:
                    moved += (int)ok.Value;
                    // A part went in whole: the next part follows.
                    if (ok.Value == rest.Length && moved < data.Length) continue;
                    return moved;
                case Interruption interruption:
                    moved += (int)interruption.Moved;
                    if (moved == data.Length) return moved;
                    if (interruption.Restart) continue;
                    if (moved > 0) return moved;
                    throw new PosixException(Errno.EINTR, $"write to descriptor {fd} interrupted by a signal");
                case LibcError { Errno: Errno.EPIPE }:
                    // POSIX: a write to a pipe with no reader also raises SIGPIPE in the writer.
                    _process.Tell(new DeliverSignal(Signal.SIGPIPE, Pid));
                    if (moved > 0) return moved;
                    break;
                case Interrupted { Cause: Errno.EPIPE } broken:
                    // The last reader went while the write waited: the bytes that went in count, and SIGPIPE is raised.
                    _process.Tell(new DeliverSignal(Signal.SIGPIPE, Pid));
                    return moved + (int)broken.Moved;
            }

            return (int)Ok(reply);
        }
    }

    public async Task<long> SeekAsync(int fd, long offset, SeekOrigin origin)
    {
        CheckedFd(fd);
        CheckedOrigin(origin);
        Enter();
        var descriptor = Descriptor(fd);
        return Ok(await Call(new FsSeek(descriptor.Description, offset, origin), Server(descriptor), direct: Direct(descriptor)));
    }

    /// <summary>
    /// Close a descriptor. The file system answers once the description has one descriptor fewer (and a pipe whose end
    /// closed knows it), so a later call sees the close done.
    /// </summary>
    public async Task CloseAsync(int fd)
    {
        CheckedFd(fd);
        Enter();
        if (!_fds.Remove(fd, out var descriptor)) throw BadDescriptor(fd);
        Ok(await Call(new FsClose(descriptor.Description), _fileSystem));
    }

    /// <summary>dup: the lowest descriptor not open now names the same open file description, close-on-exec clear.</summary>
    public async Task<int> DupAsync(int fd)
    {
        CheckedFd(fd);
        Enter();
        var descriptor = Descriptor(fd);
        await Retained(descriptor);
        return _fds.Allocate(descriptor.Description, closeOnExec: false, descriptor.Server, descriptor.Direct)
            ?? throw TooMany(descriptor.Description);
    }

    /// <summary>
    /// dup2: <paramref name="target"/> names the open file description of <paramref name="fd"/>, close-on-exec clear; what
    /// <paramref name="target"/> named before is closed first (Linux: silently). dup2(fd, fd) returns fd if it is open.
    /// </summary>
    public async Task<int> Dup2Async(int fd, int target)
    {
        CheckedFd(fd);
        if (target < 0 || target >= DescriptorTable.Limit) throw new PosixException(Errno.EBADF, $"descriptor {target} is out of range");
        Enter();
        var descriptor = Descriptor(fd);
        if (fd == target) return target;
        await Retained(descriptor);
        if (!_fds.Replace(target, descriptor with { CloseOnExec = false }, out var replaced))
        {
            _fileSystem.Tell(new FsRelease(descriptor.Description));
            throw new ProcessTerminatedException(Pid);
        }

        if (replaced is not null) await Call(new FsClose(replaced.Description), _fileSystem);
        return target;
    }

    /// <summary>fcntl(F_SETFD): set or clear close-on-exec of <paramref name="fd"/>.</summary>
    public Task SetCloseOnExecAsync(int fd, bool closeOnExec)
    {
        CheckedFd(fd);
        Enter();
        if (!_fds.SetCloseOnExec(fd, closeOnExec)) throw BadDescriptor(fd);
        return Task.CompletedTask;
    }

    /// <summary>One more descriptor refers to the description, counted by the file system before it is used.</summary>
    private async Task Retained(Descriptor descriptor) => Ok(await Call(new FsDuplicate(descriptor.Description), _fileSystem));

    /// <summary>Sleep on this process's Timer session (a service of the namespace's core); a caught signal ends it with EINTR.</summary>
    public async Task SleepAsync(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) throw new PosixException(Errno.EINVAL, "a sleep cannot be negative");
        var timer = await Session(Services.Timer);
        var reply = await Call(new TimerSleep(timer.SessionId, duration, 0), timer.Session, interruptible: true);
        switch (reply)
        {
            case TimerFired:
                return;
            case Interruption:
                // Linux: nanosleep fails with EINTR after a handler ran, whatever SA_RESTART says.
                throw new PosixException(Errno.EINTR, "sleep interrupted by a signal");
            default:
                Ok(reply);
                return;
        }
    }

    /// <summary>The wall-clock time from this process's RTC session.</summary>
    public async Task<DateTimeOffset> GetTimeAsync()
    {
        var rtc = await Session(Services.Rtc);
        var reply = await Call(new RtcRead(rtc.SessionId), rtc.Session);
        if (reply is RtcTime time) return time.Now;
        Ok(reply);
        throw new InvalidOperationException($"unexpected reply {reply}");
    }

    private Descriptor Descriptor(int fd) => _fds.TryGet(fd, out var descriptor) ? descriptor : throw BadDescriptor(fd);

    private IActorRef Server(Descriptor descriptor) => descriptor.Server ?? _fileSystem;

    /// <summary>The pipe or open file to call directly, unless the trace is on: then every call is a message, to be logged.</summary>
    private IDirectServer? Direct(Descriptor descriptor) =>
        descriptor.Direct is { } direct && _trace is null ? direct : null;

    /// <summary>The lowest free descriptor for a description just opened; when none is left, the description goes back.</summary>
    private int? Allocate(long description, bool closeOnExec, IActorRef? server) =>
        _fds.Allocate(description, closeOnExec, server, _servers.Find(server));

    /// <summary>No descriptor for what was opened (EMFILE, or the process ended meanwhile): it goes back to the file system.</summary>
    private PosixException TooMany(params long[] descriptions)
    {
        foreach (var description in descriptions) _fileSystem.Tell(new FsRelease(description));
        if (_fds.IsClosed) throw new ProcessTerminatedException(Pid);
        return new PosixException(Errno.EMFILE, $"process {Pid} has {DescriptorTable.Limit} descriptors open");
    }

    /// <summary>An open or a pipe answered after the process was killed: nobody will ever close what it made.</summary>
    private void GiveBack(object reply)
    {
        switch (reply)
        {
            case DescriptionOpened opened:
                _fileSystem.Tell(new FsRelease(opened.Description));
                break;
            case PipeCreated pipe:
                _fileSystem.Tell(new FsRelease(pipe.ReadDescription));
                _fileSystem.Tell(new FsRelease(pipe.WriteDescription));
                break;
        }
    }

    private static PosixException BadDescriptor(int fd) => new(Errno.EBADF, $"descriptor {fd} is not open");
}
