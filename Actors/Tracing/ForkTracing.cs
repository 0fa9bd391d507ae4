using System.Collections.Concurrent;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fork.Actors;

/// <summary>
/// Where an actor system's runtime actors write their trace and logs: an <see cref="ILoggerFactory"/> held as an
/// actor-system extension, so every actor of the system finds the same one, and the recorders that collect the trace as
/// <see cref="TraceRecord"/>s.
/// </summary>
public sealed class ForkTracing : IExtension
{
    public const string TraceCategory = "Fork.Trace";
    public const string LogCategory = "Fork.Log";

    private volatile ILoggerFactory _factory = NullLoggerFactory.Instance;
    private volatile TraceRecorder[] _recorders = [];
    private readonly Lock _recordersGate = new();
    private long _sequence;

    // Shared between the actors of a system, and written only while the trace is on: the name under which each traced
    // actor appears (and the fork it is busy with), so a receiver can name its sender by role and pid. Without it a
    // record could only show the sender's actor name, which is what the trace is meant to replace.
    private readonly ConcurrentDictionary<ActorPath, TraceParticipant> _participants = new();

    public ILoggerFactory LoggerFactory => _factory;

    public static ForkTracing For(ActorSystem system) => system.WithExtension<ForkTracing, ForkTracingProvider>();

    /// <summary>Send the trace of <paramref name="system"/> to <paramref name="factory"/>; call before the runtime starts.</summary>
    public static void Use(ActorSystem system, ILoggerFactory factory) => For(system)._factory = factory;

    /// <summary>
    /// Record every message the runtime's actors receive from now until the recorder is disposed. Start it before the
    /// runtime runs its first process: actors made earlier are named by their actor names.
    /// </summary>
    public TraceRecorder StartRecording()
    {
        var recorder = new TraceRecorder(Stop);
        lock (_recordersGate) _recorders = [.. _recorders, recorder];
        return recorder;
    }

    /// <summary>Whether anyone takes trace records: a recorder is open.</summary>
    internal bool Recording => _recorders.Length > 0;

    /// <summary>Whether <paramref name="logger"/> or a recorder wants the trace: then every call goes through the actors.</summary>
    internal bool Tracing(ILogger logger) => Recording || logger.IsEnabled(LogLevel.Debug);

    internal long NextSequence() => Interlocked.Increment(ref _sequence);

    internal void Emit(TraceRecord record)
    {
        foreach (var recorder in _recorders) recorder.Add(record);
    }

    internal void Enter(ActorPath path, TraceParticipant participant) => _participants[path] = participant;

    internal void Leave(ActorPath path) => _participants.TryRemove(path, out _);

    internal TraceParticipant? Find(ActorPath path) => _participants.GetValueOrDefault(path);

    private void Stop(TraceRecorder recorder)
    {
        lock (_recordersGate) _recorders = [.. _recorders.Where(r => r != recorder)];
    }
}

/// <summary>A traced actor as records name it, and the fork it is part of while it is (its id, or null).</summary>
internal sealed class TraceParticipant(string name)
{
    private volatile string? _fork;

    public string Name { get; } = name;

    public string? Fork
    {
        get => _fork;
        set => _fork = value;
    }
}

internal sealed class ForkTracingProvider : ExtensionIdProvider<ForkTracing>
{
    public override ForkTracing CreateExtension(ExtendedActorSystem system) => new();
}
