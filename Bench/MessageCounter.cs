using System.Collections.Concurrent;
using Fork.Actors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fork.Bench;

/// <summary>
/// A logger provider that counts the trace lines of <see cref="ForkTracing.TraceCategory"/> (one per message an actor
/// receives, and one per answer a program's call receives) by the type name of the message, read from the structured
/// argument "Message" of the log state.
/// </summary>
internal sealed class MessageCounter : ILoggerProvider
{
    private const string MessageKey = "Message";
    private readonly ConcurrentDictionary<string, long> _byType = new(StringComparer.Ordinal);

    /// <summary>A factory with this provider only, Debug enabled for the trace category and nothing else.</summary>
    public ILoggerFactory Factory() => LoggerFactory.Create(builder => builder
        .ClearProviders()
        .SetMinimumLevel(LogLevel.Warning)
        .AddFilter(ForkTracing.TraceCategory, LogLevel.Debug)
        .AddProvider(this));

    public ILogger CreateLogger(string categoryName) =>
        categoryName == ForkTracing.TraceCategory ? new Counter(this) : NullLogger.Instance;

    public void Reset() => _byType.Clear();

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_byType, StringComparer.Ordinal);

    public void Dispose()
    {
    }

    private void Count<TState>(TState state) => _byType.AddOrUpdate(MessageType(state), 1, (_, n) => n + 1);

    private static string MessageType<TState>(TState state)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> arguments) return "(no structured state)";
        foreach (var (key, value) in arguments)
        {
            // The message as the trace renders it, "Type { fields }": counted by its type.
            if (key == MessageKey) return value is string text ? text.Split(' ', 2)[0] : value?.GetType().Name ?? "null";
        }

        return "(no Message argument)";
    }

    private sealed class Counter(MessageCounter owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Event 1 is a message received; event 2 an actor's change of state, which is no message.
            if (logLevel == LogLevel.Debug && eventId.Id == 1) owner.Count(state);
        }
    }
}
