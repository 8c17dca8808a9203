using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Tests.TestSupport;

/// <summary>A logger provider that keeps every entry of every category: level, event id, message and exception.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Every entry as one text, the way a console sink would write it (message, then the exception's ToString()).</summary>
    public string Text => string.Join("\n", Entries.Select(e => $"{e.Level} {e.EventId.Id} {e.Message}" + (e.Exception is null ? string.Empty : "\n" + e.Exception)));

    private sealed class CategoryLogger(ListLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
    }
}
