using System.Collections.Concurrent;

namespace Pamoja.Web.Tests.Infrastructure;

/// Keeps every log line the app writes, so tests can prove secrets never reach the logs.
public sealed class TestLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// The error lines so far, for failure messages: a 500 in a test says why.
    public string Errors() => string.Join(Environment.NewLine, Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)));

    public void Dispose() { }

    private sealed class Logger(TestLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            sink.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (key, value) in values)
                    sink.Lines.Enqueue($"  {key}={value}");
        }
    }
}
