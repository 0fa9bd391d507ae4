using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Akka.Actor;
using Fork.Messages;
using Microsoft.Extensions.Logging;

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
    private readonly DescriptorTable _fds;
    private readonly int _program;
    private readonly IActorRef _fileSystem;
    private readonly LocalServers _servers;
    // While the trace is on: where each call's answer is recorded, and the name the program's calls go by.
    private readonly (ForkTracing Tracing, ILogger Logger, string Name)? _trace;
    private readonly ActorPath _callPath;
    private readonly bool _awayFromNamespace;
    private readonly IActorRefProvider _provider;
    // The calls in flight, compared by reference (every call's reply reference has the same path, and actor references
    // are equal by path). A list: a program has a call or two in flight, and hashing a new object by reference costs its
    // header a hash code (5% of the pre-fork pool's time when this was a hash set).
    private readonly List<LibcCall> _calls = new(2);
    private readonly Lock _callsGate = new();
    private string _cwd;
    private long _requestIds;

    /// <summary>The name of the reference a program's calls are answered at, under its process's actor.</summary>
    internal const string CallName = "libc";

    /// <summary>
    /// A temporary path for a call answered from another node: <c>/temp/libcPID-NAME</c>, unique as the provider's own
    /// temporary names are, and naming the caller's pid, so the server's node can name the caller in its trace.
    /// </summary>
    private ActorPath RemoteCallPath()
    {
        var temp = _provider.TempPath();
        return temp.Parent / $"{CallName}{Pid}-{temp.Name}";
    }

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
        _callPath = setup.Process.Path / CallName;
        _awayFromNamespace = setup.AwayFromNamespace;
        _provider = ((IInternalActorRef)setup.Process).Provider;
        _program = setup.Program;
        _fds = setup.Descriptors;
        _fileSystem = setup.FileSystem;
        _servers = setup.Servers;
        if (setup.Trace is var (tracing, logger)) _trace = (tracing, logger, $"Libc {setup.Pid}");
        if (setup.Interrupting.Count > 0) _interrupting = [.. setup.Interrupting];
        _killed.Token.Register(static libc => ((Libc)libc!).AbandonCalls(), this);
        _pendingSignals.Arrived = InterruptBlockedCalls;
    }

    public int Pid { get; }

    /// <summary>SIG_IGN: as the handler of <see cref="SetSignalHandler(Signal, Action{Signal}?)"/>, the signal is discarded.</summary>
    public static Action<Signal> Ignore { get; } = static _ => { };

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
        // Sent as from the program's calls, so the trace can say who wrote the line.
        _process.Tell(new LogLine(message), _trace is null ? ActorRefs.NoSender : new LibcCall(_callPath, _provider, _process, false, false));
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
        var (handlers, interrupting) = HandlersAtFork();
        var image = new ForkImage(Memory.Freeze(), Args, [.. Environment], _cwd, handlers) { Interrupting = interrupting };
        return (int)Ok(await Call(new ForkRequest(_programs.EntryFor(child), image)));
    }

    public async Task<WaitResult> Wait4Async(int pid, WaitOptions options = WaitOptions.None, CancellationToken cancellationToken = default)
    {
        Enter();
        if ((options & ~ChildRegistry.KnownOptions) != 0) return WaitResult.Failed(Errno.EINVAL);
        var blocks = !options.HasFlag(WaitOptions.WNOHANG);
        while (true)
        {
            var id = Interlocked.Increment(ref _requestIds);
            var call = Call(new Wait4(pid, options, id), _process, interruptible: blocks);
            // POSIX: an interrupted wait returns EINTR; the process answers it, so a child reaped meanwhile is not lost.
            await using var cancel = cancellationToken.Register(() => _process.Tell(new CancelWait(id)));
            var reply = await call;
            if (reply is not Interruption interruption) return (WaitResult)reply;
            if (!interruption.Restart || cancellationToken.IsCancellationRequested) return WaitResult.Failed(Errno.EINTR);
        }
    }

    /// <summary>
    /// execve: the program at <paramref name="path"/> replaces the caller's (a path without '/' is looked up in PATH,
    /// default "/bin"). Pid, ppid, group, cwd and every descriptor without close-on-exec stay; caught signals return to
    /// their default action, ignored ones stay ignored; memory is a fresh image of the new binary. On success the call
    /// does not return: the old program is unwound and the new one starts. ENOENT, ENOEXEC/EACCES, E2BIG.
    /// </summary>
    public async Task ExecAsync(string path, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(args);
        Enter();
        IReadOnlyList<KeyValuePair<string, string>> env = environment is null ? [.. Environment] : [.. environment];
        CheckedExecArguments(args, env);
        var program = await ProgramAt(path);
        await DirectoryChecked();
        // On success the process replaces this program: this call is abandoned, and the program unwinds from here.
        Ok(await Call(new ExecRequest(program, [.. args], env, _cwd)));
        throw new InvalidOperationException("exec returned");
    }

    /// <summary>Linux's ARG_MAX: argv and the environment together, as bytes with their NULs.</summary>
    public const int ArgMax = 2 * 1024 * 1024;

    private static void CheckedExecArguments(IReadOnlyList<string> args, IReadOnlyList<KeyValuePair<string, string>> env)
    {
        long size = 0;
        foreach (var arg in args)
        {
            if (arg is null || arg.Contains('\0')) throw new PosixException(Errno.EINVAL, "an argument is null or holds NUL");
            size += System.Text.Encoding.UTF8.GetByteCount(arg) + 1;
        }

        foreach (var (key, value) in env)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('=') || key.Contains('\0') || value is null || value.Contains('\0'))
                throw new PosixException(Errno.EINVAL, "an environment variable has no name, '=' or NUL in its name, or NUL in its value");
            size += System.Text.Encoding.UTF8.GetByteCount(key) + System.Text.Encoding.UTF8.GetByteCount(value) + 2;
        }

        if (size > ArgMax) throw new PosixException(Errno.E2BIG, $"the arguments and environment hold {size} bytes, more than {ArgMax}");
    }

    /// <summary>The program a path names: with a '/', that file; else the first PATH entry (default /bin) that has it (execvp).</summary>
    private async Task<string> ProgramAt(string path)
    {
        if (path.Length == 0) throw new PosixException(Errno.ENOENT, "exec of an empty path");
        if (path.Contains('/')) return Program(await Call(new FsProgram(await Resolved(path)), _fileSystem));
        Paths.Checked(path);
        var search = Environment.TryGetValue("PATH", out var value) && value.Length > 0 ? value : "/bin";
        object? first = null;
        foreach (var directory in search.Split(':'))
        {
            var candidate = (directory.Length == 0 ? "." : directory.TrimEnd('/')) + "/" + path;
            if (Paths.Problem(candidate, out _) != Errno.None) continue;
            var reply = await Call(new FsProgram(Paths.Absolute(_cwd, candidate)), _fileSystem);
            if (reply is ProgramFile) return Program(reply);
            // execvp: a file found but not runnable is remembered (EACCES/ENOEXEC); a missing one means: look further.
            if (reply is LibcError { Errno: not Errno.ENOENT and not Errno.ENOTDIR }) first ??= reply;
        }

        return Program(first ?? new LibcError(Errno.ENOENT, $"{path} is not in PATH ({search})"));
    }

    private string Program(object reply)
    {
        if (reply is ProgramFile file)
            return _programs.TryGet(file.Name, out _) ? file.Name : throw new PosixException(Errno.ENOENT, $"the program {file.Name} is not registered here");
        Ok(reply);
        throw new InvalidOperationException($"unexpected reply {reply}");
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
        var ignored = ReferenceEquals(handler, Ignore);
        lock (_handlersGate)
        {
            if (handler is null) _handlers?.Remove(signal);
            else (_handlers ??= [])[signal] = handler;
            if (handler is null || ignored || restart) _interrupting?.Remove(signal);
            else (_interrupting ??= []).Add(signal);
        }
        _process.Tell(new SetDisposition(signal, Caught: handler is not null && !ignored, Ignored: ignored));
    }

    /// <summary>End the process at once with <paramref name="code"/> (like <c>_exit</c>).</summary>
    [DoesNotReturn]
    public void Exit(int code)
    {
        _exited = true;
        _process.Tell(new ProgramEnded(code, null, _program));
        throw new ProcessExitException(code);
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

    /// <summary>A call to <paramref name="server"/> crosses nodes (this process is away from its namespace, or the server is elsewhere).</summary>
    private bool Across(IActorRef server) => _awayFromNamespace || server.Path.Address.HasGlobalScope;

    /// <summary>How many bytes of data one call's message to another node carries.</summary>
    private int BytesPerFrame => _bytesPerFrame ??= ForkSerializer.BytesPerFrame(_provider.Settings.System);

    private int? _bytesPerFrame;

    /// <summary>One message to the process and one back, correlated by the reply's own reference (no Ask, no temporary actor).</summary>
    private Task<object> Call(object request) => Call(request, _process).AsTask();

    /// <summary>
    /// One message to <paramref name="server"/> and one back. An <paramref name="interruptible"/> call (one that may
    /// block) is interrupted by a caught signal: its server answers <see cref="Interrupted"/> if it still holds it; the
    /// handlers then run, and the answer becomes an <see cref="Interruption"/>, which says whether the call goes on.
    /// </summary>
    private async ValueTask<object> Call(object request, IActorRef server, bool interruptible = false, Action<object>? late = null, IDirectServer? direct = null)
    {
        Enter();
        if (server != _process && _pendingSignals.WhileStopped is { } stopped)
        {
            // Stopped: a call that does not pass through the process (which holds back its own) waits for SIGCONT here.
            await stopped.WaitAsync(_killed.Token).ConfigureAwait(false);
            Enter();
        }

        // A server on another node (the namespace's file system, core or sessions, for a process placed away from them,
        // which also passes calls on to its policy there) answers at a path it can resolve: the call is a temporary actor
        // of this node while it is in flight, as an Ask's is. A process beside its namespace keeps its unregistered path.
        var remote = Across(server);
        var path = remote ? RemoteCallPath() : _callPath;
        var call = new LibcCall(path, _provider, server, interruptible, resumeInline: SynchronizationContext.Current == _context)
        {
            Late = late,
            Direct = direct,
            Trace = _trace,
        };
        var mark = Volatile.Read(ref _interruptions);
        if (remote) _provider.RegisterTempActor(call, path);
        lock (_callsGate)
        {
            if (_killed.IsCancellationRequested)
            {
                if (remote) _provider.UnregisterTempActor(path);
                throw new ProcessTerminatedException(Pid);
            }

            _calls.Add(call);
            // Under the lock that InterruptBlockedCalls takes, so an interrupt is always sent after the call it names; and a
            // signal that came since Enter() interrupts at once what would otherwise block with its handler waiting. A
            // direct call is answered here if it need not wait.
            if (direct is not null) direct.Serve(request, call);
            else server.Tell(request, call);
            if (interruptible && !_pendingSignals.IsEmpty) call.Interrupt();
        }

        object reply;
        try
        {
            reply = await call.Reply;
        }
        catch (OperationCanceledException) when (_killed.IsCancellationRequested)
        {
            throw new ProcessTerminatedException(Pid);
        }
        finally
        {
            if (remote) _provider.UnregisterTempActor(path);
            lock (_callsGate)
            {
                for (var i = _calls.Count - 1; i >= 0; i--)
                {
                    if (!ReferenceEquals(_calls[i], call)) continue;
                    _calls.RemoveAt(i);
                    break;
                }
            }
        }

        if (reply is Interrupted { Cause: Errno.EINTR } interrupted)
        {
            // The call goes on unless a handler set without SA_RESTART ran since it was sent: here, or at another call of
            // the program that ran it first.
            RunHandlers();
            return new Interruption(interrupted.Moved, Restart: Volatile.Read(ref _interruptions) == mark);
        }

        try
        {
            Enter();
        }
        catch
        {
            // Killed, or a handler threw, after the answer came: what the answer made is given back, not leaked.
            late?.Invoke(reply);
            throw;
        }

        return reply;
    }

    /// <summary>True while a call that may block (read, write, wait4, sleep) is in flight: /proc's S state.</summary>
    internal bool IsBlocked
    {
        get
        {
            lock (_callsGate)
            {
                foreach (var call in _calls)
                    if (call.Interruptible) return true;
                return false;
            }
        }
    }

    /// <summary>A caught signal arrived (on the process actor's thread): every call that may be blocked is interrupted.</summary>
    private void InterruptBlockedCalls()
    {
        List<LibcCall>? blocked = null;
        lock (_callsGate)
        {
            foreach (var call in _calls)
                if (call.Interruptible) (blocked ??= []).Add(call);
        }

        if (blocked is null) return;
        foreach (var call in blocked) call.Interrupt();
    }

    /// <summary>
    /// The process ended: every call unwinds its program, and whoever holds a blocked one lets it go (a read a killed
    /// process left parked on a pipe must not take bytes another reader waits for).
    /// </summary>
    private void AbandonCalls()
    {
        LibcCall[] calls;
        lock (_callsGate) calls = [.. _calls];
        foreach (var call in calls)
        {
            // Let go first (a pipe then hands its next bytes to another reader), then unwind.
            if (call.Interruptible) call.Interrupt();
            call.Abandon(new ProcessTerminatedException(Pid));
        }
    }

    /// <summary>At every libc call: unwind a killed process, then run the handlers of signals caught meanwhile.</summary>
    private void Enter() => RunHandlers();

    // How many handlers set without SA_RESTART have run: a blocked call that sees this change while it waited was
    // interrupted by one of them, even if another call of the program ran that handler first.
    private int _interruptions;

    // Set by Exit: a call made after it (from a catch or finally the exit unwinds through) never reaches anyone.
    private volatile bool _exited;

    /// <summary>A blocked call was interrupted after moving <paramref name="Moved"/> bytes; it goes on when <paramref name="Restart"/>.</summary>
    private sealed record Interruption(long Moved, bool Restart);

    private void RunHandlers()
    {
        if (_killed.IsCancellationRequested || _exited) throw new ProcessTerminatedException(Pid);
        while (_pendingSignals.TryDequeue(out var signal))
        {
            Action<Signal>? handler;
            bool restart;
            lock (_handlersGate)
            {
                handler = _handlers?.GetValueOrDefault(signal);
                restart = handler is null || _interrupting?.Contains(signal) != true;
            }

            if (!restart) Interlocked.Increment(ref _interruptions);
            handler?.Invoke(signal);
        }
    }

    /// <summary>The handlers a forked child starts with (a copy: the child's own changes stay its own).</summary>
    private (IReadOnlyDictionary<Signal, Action<Signal>> Handlers, IReadOnlyCollection<Signal> Interrupting) HandlersAtFork()
    {
        lock (_handlersGate)
        {
            return (_handlers is null ? NoHandlers : new Dictionary<Signal, Action<Signal>>(_handlers),
                _interrupting is null ? [] : [.. _interrupting]);
        }
    }

    private static readonly IReadOnlyDictionary<Signal, Action<Signal>> NoHandlers = new Dictionary<Signal, Action<Signal>>();

    private static long Ok(object reply) => reply switch
    {
        LibcOk ok => ok.Value,
        LibcError error => throw new PosixException(error.Errno, error.Reason),
        _ => throw new InvalidOperationException($"unexpected reply {reply}"),
    };
}
