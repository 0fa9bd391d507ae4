using System.Collections.Concurrent;
using Fork.Actors;
using Microsoft.Extensions.Logging;

namespace Fork.Tests;

/// <summary>Keeps the lines a runtime logs under <c>Fork.Log</c> (what its programs write to their LOG sessions).</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName == ForkTracing.LogCategory ? _lines : null);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string>? lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => lines is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines?.Enqueue(formatter(state, exception));
    }
}
