using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The C library of one process: what its program calls. Every call but the memory accessors is a message
/// to the process's actor; a killed process's calls unwind its program.
/// </summary>
public sealed partial class Libc
{
    private readonly IActorRef _process;
    private readonly CancellationTokenSource _killed;
    private readonly PendingSignals _pendingSignals;
    private readonly Lock _handlersGate = new();
    private Dictionary<Signal, Action<Signal>>? _handlers;
    // The caught signals whose handler was set without SA_RESTART: a blocked call they interrupt fails with EINTR.
    private HashSet<Signal>? _interrupting;
    private readonly ProgramRegistry _programs;
    private ConcurrentDictionary<string, Task<SessionGranted>>? _sessions;
    private readonly SynchronizationContext _context;
    private readonly ActorPath _callPath;
    private readonly IActorRefProvider _provider;
    // By reference: every call's reply reference has the same path, and actor references are equal by path.
    private readonly HashSet<LibcCall> _calls = new(ReferenceEqualityComparer.Instance);
    private string _cwd;
    private long _requestIds;

    internal Libc(LibcSetup setup)
    {
        Pid = setup.Pid;
        _process = setup.Process;
        _killed = setup.Killed;
        _pendingSignals = setup.PendingSignals;
        if (setup.Handlers.Count > 0) _handlers = new Dictionary<Signal, Action<Signal>>(setup.Handlers);
        _programs = setup.Programs;
        Memory = setup.Memory;
        Args = setup.Args;
        Environment = new EnvironmentVariables(setup.Environment);
        _cwd = setup.Cwd;
        _context = setup.Context;
        _callPath = setup.Process.Path / "libc";
        _provider = ((IInternalActorRef)setup.Process).Provider;
        _killed.Token.Register(static libc => ((Libc)libc!).AbandonCalls(), this);
    }

    public int Pid { get; }

    public AddressSpace Memory { get; }

    public IReadOnlyList<string> Args { get; }

    public IDictionary<string, string> Environment { get; }

    public string Cwd => _cwd;

    /// <summary>Cancelled when the process is killed, so cooperative code can stop early.</summary>
    public CancellationToken Cancellation => _killed.Token;

    public void ChDir(string path)
    {
        Enter();
        StartChDir(Paths.Checked(path));
    }

    /// <summary>Write a line to this process's LOG session (labelled with the process's place in the tree).</summary>
    public void Log(string message)
    {
        Enter();
        _process.Tell(new LogLine(message));
    }

    public async Task<int> GetPpidAsync() => (int)Ok(await Call(GetPpid.Instance));

    /// <summary>
    /// Fork: returns the child's pid in the parent. The child does not return from here: it runs
    /// <paramref name="child"/> with its own copy of memory, descriptors, environment and working directory.
    /// </summary>
    public async Task<int> ForkAsync(ProcessMain child)
    {
        ArgumentNullException.ThrowIfNull(child);
        Enter();
        await DirectoryChecked();
        var image = new ForkImage(Memory.Freeze(), Args, [.. Environment], _cwd, HandlersAtFork());
        return (int)Ok(await Call(new ForkRequest(_programs.EntryFor(child), image)));
    }

    public async Task<WaitResult> Wait4Async(int pid, WaitOptions options = WaitOptions.None, CancellationToken cancellationToken = default)
    {
        Enter();
        if ((options & ~ChildRegistry.KnownOptions) != 0) return WaitResult.Failed(Errno.EINVAL);
        var id = Interlocked.Increment(ref _requestIds);
        var call = Call(new Wait4(pid, options, id));
        // POSIX: an interrupted wait returns EINTR; the process answers it, so a child reaped meanwhile is not lost.
        await using var cancel = cancellationToken.Register(() => _process.Tell(new CancelWait(id)));
        return (WaitResult)await call;
    }

    public async Task KillAsync(int pid, Signal signal) => Ok(await Call(new KillProcess(pid, CheckedSignal(signal))));

    public async Task SetPgidAsync(int pid, int pgid) => Ok(await Call(new SetPgid(NotNegative(pid), NotNegative(pgid))));

    public async Task<int> GetPgrpAsync() => (int)Ok(await Call(GetPgrp.Instance));

    /// <summary>
    /// Install a handler with SA_RESTART (glibc's <c>signal()</c>): it runs at the program's next libc call, or at once
    /// while the program is blocked in a read, write, wait4 or sleep, and the blocked call then goes on (a sleep ends
    /// with EINTR). Null restores the default action.
    /// </summary>
    public void SetSignalHandler(Signal signal, Action<Signal>? handler) => SetSignalHandler(signal, handler, restart: true);

    /// <summary>
    /// Install a handler; with <paramref name="restart"/> false (sigaction without SA_RESTART) a blocked read, write or
    /// wait4 that the signal interrupts fails with EINTR after the handler ran (a read or write that moved some bytes
    /// returns their count).
    /// </summary>
    public void SetSignalHandler(Signal signal, Action<Signal>? handler, bool restart)
    {
        Enter();
        if (signal == 0 || !Signals.IsValid(signal) || !Signals.CanBeCaught(signal))
            throw new PosixException(Errno.EINVAL, $"{signal} cannot be caught");
        lock (_handlersGate)
        {
            if (handler is null) _handlers?.Remove(signal);
            else (_handlers ??= [])[signal] = handler;
            if (handler is null || restart) _interrupting?.Remove(signal);
            else (_interrupting ??= []).Add(signal);
        }
        _process.Tell(new SetDisposition(signal, handler is not null));
    }

    /// <summary>End the process at once with <paramref name="code"/> (like <c>_exit</c>).</summary>
    [DoesNotReturn]
    public void Exit(int code)
    {
        _process.Tell(new ProgramEnded(code, null));
        throw new ProcessExitException(code);
    }

    public async Task<int> OpenAsync(string path, OpenFlags flags)
    {
        CheckedFlags(flags);
        return (int)Ok(await Call(new OpenFile(await Resolved(path), flags)));
    }

    /// <summary>Read into <paramref name="buffer"/>; blocks on an empty pipe; 0 at end of file.</summary>
    public async Task<int> ReadAsync(int fd, Memory<byte> buffer)
    {
        var reply = await Call(new ReadFile(CheckedFd(fd), buffer.Length));
        if (reply is not DataRead data) return (int)Ok(reply);
        data.Data.CopyTo(buffer);
        return data.Data.Length;
    }

    public async Task<int> WriteAsync(int fd, ReadOnlyMemory<byte> data)
    {
        var reply = await Call(new WriteFile(CheckedFd(fd), data.ToArray()));
        if (reply is LibcError { Errno: Errno.EPIPE })
        {
            // POSIX: a write to a pipe with no reader also raises SIGPIPE in the writer.
            _process.Tell(new DeliverSignal(Signal.SIGPIPE, Pid));
        }

        return (int)Ok(reply);
    }

    public async Task<long> SeekAsync(int fd, long offset, SeekOrigin origin) => Ok(await Call(new SeekFile(CheckedFd(fd), offset, CheckedOrigin(origin))));

    public async Task CloseAsync(int fd) => Ok(await Call(new CloseFile(CheckedFd(fd))));

    public async Task<(int ReadFd, int WriteFd)> PipeAsync()
    {
        var reply = await Call(OpenPipe.Instance);
        if (reply is PipeOpened pipe) return (pipe.ReadFd, pipe.WriteFd);
        Ok(reply);
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Sleep on this process's Timer session (a service of the namespace's core).</summary>
    public async Task SleepAsync(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) throw new PosixException(Errno.EINVAL, "a sleep cannot be negative");
        var timer = await Session(Services.Timer);
        var id = Interlocked.Increment(ref _requestIds);
        await Await(timer.Session.Ask<TimerFired>(new TimerSleep(timer.SessionId, duration, id), _killed.Token));
    }

    /// <summary>The wall-clock time from this process's RTC session.</summary>
    public async Task<DateTimeOffset> GetTimeAsync()
    {
        var rtc = await Session(Services.Rtc);
        return (await Await(rtc.Session.Ask<RtcTime>(new RtcRead(rtc.SessionId), _killed.Token))).Now;
    }

    private async Task<SessionGranted> Session(string service)
    {
        Enter();
        var sessions = LazyInitializer.EnsureInitialized(ref _sessions, () => new ConcurrentDictionary<string, Task<SessionGranted>>(StringComparer.Ordinal));
        var granted = sessions.GetOrAdd(service, s => OpenSessionAsync(s));
        try
        {
            return await granted;
        }
        catch (PosixException)
        {
            sessions.TryRemove(KeyValuePair.Create(service, granted));
            throw;
        }
    }

    private async Task<SessionGranted> OpenSessionAsync(string service) => await Call(new OpenSession(service)) switch
    {
        SessionGranted granted => granted,
        SessionDenied denied => throw new PosixException(Errno.ENOSYS, $"{service} session denied: {denied.Reason}"),
        var other => throw new PosixException((Errno)Ok(other)),
    };

    /// <summary>One message to the process and one back, correlated by the reply's own reference (no Ask, no temporary actor).</summary>
    private async Task<object> Call(object request)
    {
        Enter();
        var call = new LibcCall(_callPath, _provider, resumeInline: SynchronizationContext.Current == _context);
        lock (_calls)
        {
            if (_killed.IsCancellationRequested) throw new ProcessTerminatedException(Pid);
            _calls.Add(call);
        }

        _process.Tell(request, call);
        object reply;
        try
        {
            reply = await call.Reply;
        }
        finally
        {
            lock (_calls) _calls.Remove(call);
        }

        Enter();
        return reply;
    }

    private void AbandonCalls()
    {
        LibcCall[] calls;
        lock (_calls) calls = [.. _calls];
        foreach (var call in calls) call.Abandon(new ProcessTerminatedException(Pid));
    }

    private async Task<T> Await<T>(Task<T> ask)
    {
        try
        {
            return await ask.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_killed.IsCancellationRequested)
        {
            throw new ProcessTerminatedException(Pid);
        }
    }

    /// <summary>At every libc call: unwind a killed process, then run the handlers of signals caught meanwhile.</summary>
    private void Enter()
    {
        if (_killed.IsCancellationRequested) throw new ProcessTerminatedException(Pid);
        while (_pendingSignals.TryDequeue(out var signal))
        {
            Action<Signal>? handler;
            lock (_handlersGate) handler = _handlers?.GetValueOrDefault(signal);
            handler?.Invoke(signal);
        }
    }

    /// <summary>The handlers a forked child starts with (a copy: the child's own changes stay its own).</summary>
    private IReadOnlyDictionary<Signal, Action<Signal>> HandlersAtFork()
    {
        lock (_handlersGate) return _handlers is null ? NoHandlers : new Dictionary<Signal, Action<Signal>>(_handlers);
    }

    private static readonly IReadOnlyDictionary<Signal, Action<Signal>> NoHandlers = new Dictionary<Signal, Action<Signal>>();

    private static long Ok(object reply) => reply switch
    {
        LibcOk ok => ok.Value,
        LibcError error => throw new PosixException(error.Errno, error.Reason),
        _ => throw new InvalidOperationException($"unexpected reply {reply}"),
    };
}
