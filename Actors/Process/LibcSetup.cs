using System.Collections.Concurrent;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>What a process's actor hands the <see cref="Libc"/> of its program.</summary>
internal sealed record LibcSetup(
    int Pid,
    IActorRef Process,
    CancellationTokenSource Killed,
    PendingSignals PendingSignals,
    IReadOnlyDictionary<Signal, Action<Signal>> Handlers,
    IReadOnlyCollection<Signal> Interrupting,
    DescriptorTable Descriptors,
    IActorRef FileSystem,
    LocalServers Servers,
    (ForkTracing Tracing, Microsoft.Extensions.Logging.ILogger Logger)? Trace,
    ProgramRegistry Programs,
    AddressSpace Memory,
    IReadOnlyList<string> Args,
    IEnumerable<KeyValuePair<string, string>> Environment,
    string Cwd,
    SynchronizationContext Context)
{
    /// <summary>Which program of the process this libc serves (exec starts the next one).</summary>
    public int Program { get; init; } = 1;

    /// <summary>
    /// The process runs on another node than its namespace (its policy, core and file system): every answer to its
    /// program's calls may come from there, even to a call its process passes on.
    /// </summary>
    public bool AwayFromNamespace { get; init; }
}

/// <summary>
/// A process's LOG session: where its program's log lines go. A session on another node takes a line in parts of at
/// most <see cref="PartLength"/> characters, each one message that fits a frame.
/// </summary>
internal sealed record LogSession(long SessionId, IActorRef Service)
{
    /// <summary>The longest part of a line sent at once (UTF-8 takes at most 3 bytes a UTF-16 character).</summary>
    public int PartLength { get; init; } = int.MaxValue;

    public void Write(string text)
    {
        var at = 0;
        while (text.Length - at > PartLength)
        {
            // A surrogate pair stays whole.
            var length = char.IsHighSurrogate(text[at + PartLength - 1]) ? PartLength - 1 : PartLength;
            Service.Tell(new LogWrite(SessionId, text.Substring(at, length)));
            at += length;
        }

        Service.Tell(new LogWrite(SessionId, at == 0 ? text : text[at..]));
    }
}
