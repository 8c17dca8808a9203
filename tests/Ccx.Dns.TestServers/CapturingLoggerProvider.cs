using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.TestServers;

/// <summary>One log entry as a test sees it.</summary>
/// <param name="Category">The logger's category.</param>
/// <param name="Level">The level.</param>
/// <param name="EventId">The event id.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Values">The structured values, as <c>name=value</c> pairs joined by ", ".</param>
/// <param name="Exception">The exception, or null.</param>
public sealed record CapturedLogEntry(string Category, LogLevel Level, int EventId, string Message, string Values, Exception? Exception)
{
    /// <summary>Everything the entry holds, as one line: <c>Level EventId Message | values | category | exception</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"{Level} {EventId} {Message} | {Values} | {Category}" + (Exception is null ? string.Empty : " | " + Exception);
}

/// <summary>
/// A logger provider that keeps every entry of every category at every level (the message, the structured values, the
/// full exception) and every scope, for assertions on what reaches a log and what must never (secrets).
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly LogCapture _capture = new();

    /// <summary>The entries so far, in order.</summary>
    public IReadOnlyList<CapturedLogEntry> Entries => _capture.Entries;

    /// <summary>Every entry (<see cref="CapturedLogEntry.ToString"/>) and every scope (<c>category scope: state</c>) so far, as text, in order.</summary>
    public IReadOnlyList<string> Lines => _capture.Lines;

    /// <summary>All of <see cref="Lines"/> as one text.</summary>
    public string AllText => string.Join("\n", _capture.Lines);

    /// <summary>The entries at or above a level the way a console sink would write them: the message, then the exception's ToString().</summary>
    /// <param name="minimum">The lowest level shown.</param>
    /// <returns>The text.</returns>
    public string Text(LogLevel minimum = LogLevel.Information) => string.Join("\n", _capture.Entries
        .Where(e => e.Level >= minimum)
        .Select(e => $"{e.Level} {e.Category}[{e.EventId}] {e.Message}" + (e.Exception is null ? string.Empty : "\n" + e.Exception)));

    /// <summary>A logger factory writing to this provider at every level.</summary>
    /// <returns>The factory; the caller disposes it.</returns>
    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CategoryLogger(_capture, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>A logger for <typeparamref name="T"/> that keeps every entry and scope, as <see cref="CapturingLoggerProvider"/> does.</summary>
/// <typeparam name="T">The category type.</typeparam>
public sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly LogCapture _capture = new();
    private readonly CategoryLogger _logger;

    /// <summary>Creates a logger with the category of <typeparamref name="T"/>.</summary>
    public CapturingLogger() => _logger = new CategoryLogger(_capture, typeof(T).FullName ?? typeof(T).Name);

    /// <summary>The entries so far, in order.</summary>
    public IReadOnlyList<CapturedLogEntry> Entries => _capture.Entries;

    /// <summary>Every entry and scope so far, as text (<see cref="CapturingLoggerProvider.Lines"/>).</summary>
    public IReadOnlyList<string> Lines => _capture.Lines;

    /// <summary>The messages of the entries with an event id, in order.</summary>
    /// <param name="eventId">The event id.</param>
    /// <returns>The messages.</returns>
    public List<string> WithEvent(int eventId) => [.. _capture.Entries.Where(e => e.EventId == eventId).Select(e => e.Message)];

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _logger.BeginScope(state);

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _logger.Log(logLevel, eventId, state, exception, formatter);
}

/// <summary>Where captured entries and scopes go.</summary>
internal sealed class LogCapture
{
    private readonly ConcurrentQueue<CapturedLogEntry> _entries = new();
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<CapturedLogEntry> Entries => [.. _entries];

    public IReadOnlyList<string> Lines => [.. _lines];

    public void Add(CapturedLogEntry entry)
    {
        _entries.Enqueue(entry);
        _lines.Enqueue(entry.ToString());
    }

    public void AddScope(string category, object? state) => _lines.Enqueue($"{category} scope: {state}");
}

/// <summary>A logger of one category writing to a <see cref="LogCapture"/>.</summary>
internal sealed class CategoryLogger(LogCapture capture, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        capture.AddScope(category, state);
        return null;
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
        capture.Add(new CapturedLogEntry(category, logLevel, eventId.Id, formatter(state, exception), values, exception));
    }
}
