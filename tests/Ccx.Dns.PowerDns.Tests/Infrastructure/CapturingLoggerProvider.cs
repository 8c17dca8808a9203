using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.PowerDns.Tests.Infrastructure;

/// <summary>A logger provider keeping every entry of every category, and the text a console sink would write for it.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, int EventId, string Message, Exception? Exception)> Entries { get; } = new();

    /// <summary>Every entry at or above a level as a console sink would write it: the message, then the exception's ToString().</summary>
    public string Text(LogLevel minimum = LogLevel.Information) => string.Join("\n", Entries
        .Where(e => e.Level >= minimum)
        .Select(e => $"{e.Level} {e.Category}[{e.EventId}] {e.Message}" + (e.Exception is null ? string.Empty : "\n" + e.Exception)));

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CategoryLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
