using Akka.Actor;
using Akka.Configuration;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The entry point: runs programs as init of new pid namespaces on an actor system, its own or a given one.
/// </summary>
public sealed partial class ForkRuntime : IAsyncDisposable
{
    private static long _namespaces;
    private readonly bool _ownsSystem;
    private int _disposed;

    private ForkRuntime(ActorSystem system, ForkRuntimeOptions options, bool ownsSystem)
    {
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        System = system;
        Options = options;
        _ownsSystem = ownsSystem;
        StartSpawner();
    }

    public ActorSystem System { get; }

    public ForkRuntimeOptions Options { get; }

    /// <summary>Programs known by name (the built-in ones and those registered here).</summary>
    public ProgramRegistry Programs { get; } = ProgramRegistry.WithBuiltIns();

    public static ForkRuntime Create(ForkRuntimeOptions? options = null) =>
        new(ActorSystem.Create("fork", ConfigurationFactory.ParseString("akka.loglevel = WARNING")), options ?? new(), ownsSystem: true);

    public static ForkRuntime Create(ActorSystem system, ForkRuntimeOptions? options = null) =>
        new(system, options ?? new(), ownsSystem: false);

    /// <summary>
    /// Runs <paramref name="init"/> as pid 1 of a new pid namespace; completes when init and every process left in
    /// that namespace have ended, with init's wait status. Cancelling kills init (SIGKILL), and so the namespace.
    /// </summary>
    public Task<WaitStatus> RunAsync(ProcessMain init, ProcessOptions? options = null, CancellationToken cancellationToken = default) =>
        Run(init, options, default, cancellationToken);

    /// <summary>
    /// Runs a registered program as init, as a host does: <paramref name="terminate"/> sends init SIGTERM from outside its
    /// namespace (which a handler may catch, so init can end on its own terms), <paramref name="kill"/> SIGKILL.
    /// </summary>
    internal Task<WaitStatus> RunAsync(string program, ProcessOptions? options, CancellationToken terminate, CancellationToken kill) =>
        Run(Registered(program), options, terminate, kill);

    private Task<WaitStatus> Run(ProcessMain init, ProcessOptions? options, CancellationToken terminate, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(init);
        ThrowIfDisposed();
        var image = options ?? new ProcessOptions();
        var problems = image.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        var done = new TaskCompletionSource<WaitStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var table = NewTable(image);
        var setup = new CoreSetup(new RuntimeContext(Options, Programs, image) { Origin = global::System.Diagnostics.Activity.Current?.Context ?? default }, Programs.EntryFor(init), done) { Table = table };
        IActorRef core;
        try
        {
            core = System.ActorOf(Core.Props(setup), $"namespace-{Interlocked.Increment(ref _namespaces)}");
            Track(table, image, done.Task);
        }
        catch (Exception) when (System.WhenTerminated.IsCompleted || Volatile.Read(ref _disposed) != 0)
        {
            // The actor system is terminating (Akka: "Cannot create child while terminating"): say what the caller did.
            throw new ObjectDisposedException(nameof(ForkRuntime), "the runtime's actor system has terminated");
        }

        SignalOn(terminate, core, Signal.SIGTERM, done.Task);
        SignalOn(kill, core, Signal.SIGKILL, done.Task);
        return done.Task;
    }

    /// <summary>When <paramref name="token"/> is cancelled, <paramref name="signal"/> goes to init, from outside its namespace.</summary>
    private static void SignalOn(CancellationToken token, IActorRef core, Signal signal, Task done)
    {
        if (!token.CanBeCanceled) return;
        var registration = token.Register(() => core.Tell(new KillRequest(0, 1, signal)));
        done.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
    }

    /// <summary>Runs a registered program by name as init.</summary>
    public Task<WaitStatus> RunAsync(string program, ProcessOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(Registered(program), options, cancellationToken);

    private ProcessMain Registered(string program) =>
        Programs.TryGet(program, out var main)
            ? main
            : throw new ArgumentException($"No program named \"{program}\"; known: {string.Join(", ", Programs.Names)}.", nameof(program));

    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        if (_ownsSystem) await System.Terminate();
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0 || System.WhenTerminated.IsCompleted)
            throw new ObjectDisposedException(nameof(ForkRuntime), "RunAsync on a disposed runtime (or one whose actor system has terminated)");
    }
}
