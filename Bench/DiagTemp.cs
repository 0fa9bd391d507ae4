using Microsoft.Extensions.Logging;
namespace Fork.Bench;
internal sealed class DiagTemp : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;
    public void Dispose() { }
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    { if (IsEnabled(logLevel)) Console.Error.WriteLine($"[{logLevel}] {formatter(state, exception)} {exception}"); }
}
