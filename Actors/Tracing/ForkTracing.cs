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

    /// <summary>
    /// Record that <paramref name="receiver"/> (in <paramref name="behaviour"/>) got <paramref name="message"/> from
    /// <paramref name="sender"/>; <paramref name="fork"/> is the receiver's fork, else the sender's is taken. Answers the
    /// fork the record was given.
    /// </summary>
    internal string? Received(ILogger logger, IActorRef sender, string receiver, string behaviour, object message, string? fork)
    {
        var from = Find(sender.Path);
        fork ??= from?.Fork;
        var kind = TraceText.IsReply(message) ? TraceKind.Reply : TraceKind.Message;
        Emit(logger, new TraceRecord(NextSequence(), kind, from?.Name ?? NameOf(sender), receiver, behaviour, message.GetType().Name,
            TraceText.Format(message, NameOf), fork));
        return fork;
    }

    /// <summary>Record that <paramref name="actor"/> is now in <paramref name="behaviour"/> (<paramref name="text"/>: from → to).</summary>
    internal void StateChanged(ILogger logger, TraceParticipant actor, string text, string behaviour) =>
        Emit(logger, new TraceRecord(NextSequence(), TraceKind.State, actor.Name, actor.Name, behaviour, "", text, actor.Fork));

    /// <summary>
    /// An actor as the trace names it: by role and pid when it is traced, a program's calls as <c>Libc PID</c>; one this
    /// system has not met (on another node, or not announced yet) by the role its path names (<see cref="TraceNames"/>);
    /// else its actor name.
    /// </summary>
    internal string NameOf(IActorRef actor)
    {
        if (actor.IsNobody()) return "nobody";
        var path = actor.Path;
        if (Find(path) is { } participant) return participant.Name;
        if (path.Name == Libc.CallName && Find(path.Parent) is { } process) return LibcName(process);
        if (path.Elements.Count == 0) return path.ToString();
        return TraceNames.Of(path) ?? path.Name;
    }

    /// <summary>The calls of the program of <paramref name="process"/> (a <c>ProcessActor PID</c>): <c>Libc PID</c>.</summary>
    internal static string LibcName(TraceParticipant process) =>
        process.Name.StartsWith(ProcessRole, StringComparison.Ordinal) ? "Libc" + process.Name[ProcessRole.Length..] : $"Libc of {process.Name}";

    private const string ProcessRole = nameof(ProcessActor);

    private long NextSequence() => Interlocked.Increment(ref _sequence);

    private void Emit(ILogger logger, TraceRecord record)
    {
        foreach (var recorder in _recorders) recorder.Add(record);
        if (!logger.IsEnabled(LogLevel.Debug)) return;
        if (record.Kind == TraceKind.State) Trace.StateChanged(logger, record.Sequence, record.Receiver, record.Text, record.Fork ?? "-");
        else Trace.Received(logger, record.Sequence, record.Sender, record.Receiver, record.Behaviour, record.Text, record.Fork ?? "-");
    }

    /// <summary>
    /// The participant at <paramref name="path"/>, made with <paramref name="name"/> if there is none: the actor itself and
    /// the actor that made it (announcing it) may come first, and both must hold the same one.
    /// </summary>
    internal TraceParticipant Join(ActorPath path, string name) => _participants.GetOrAdd(path, static (_, n) => new TraceParticipant(n), name);

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

internal static partial class Trace
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "#{Sequence} fork {Fork} | {Sender} -> {Receiver} ({Behaviour}): {Message}")]
    public static partial void Received(ILogger logger, long sequence, string sender, string receiver, string behaviour, string message, string fork);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "#{Sequence} fork {Fork} | {Actor}: {Change}")]
    public static partial void StateChanged(ILogger logger, long sequence, string actor, string change, string fork);
}

internal sealed class ForkTracingProvider : ExtensionIdProvider<ForkTracing>
{
    public override ForkTracing CreateExtension(ExtendedActorSystem system) => new();
}
