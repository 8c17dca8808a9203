using Microsoft.Extensions.Logging;

namespace Ccx.Dns.PowerDns.Tests.Infrastructure;

/// <summary>A logger that keeps every entry (all levels): the formatted message, the structured values and the exception.</summary>
public sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly List<string> _entries = [];

    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
        lock (_entries)
        {
            _entries.Add($"{logLevel} {eventId.Id} {formatter(state, exception)} | {values} | {exception}");
        }
    }
}
