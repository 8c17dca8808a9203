using System.Collections;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.DependencyInjection;

/// <summary>
/// The host's logger factory for a named reconciler's parts: every entry is written inside a scope
/// <c>DnsReconciler = name</c>, so that logs of several reconcilers in one host tell them apart. Does not own the host's factory.
/// </summary>
internal sealed class ReconcilerScopedLoggerFactory(ILoggerFactory inner, string reconcilerName) : ILoggerFactory
{
    private readonly ReconcilerScope _scope = new(reconcilerName);

    public ILogger CreateLogger(string categoryName) => new ScopedLogger(inner.CreateLogger(categoryName), _scope);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The host's factory is the host's to dispose.
    }

    private sealed class ScopedLogger(ILogger inner, ReconcilerScope scope) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using (inner.BeginScope(scope))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }

    /// <summary>The scope's state: one key-value pair, <c>DnsReconciler</c> = the name.</summary>
    internal sealed class ReconcilerScope(string name) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public const string Key = "DnsReconciler";

        private readonly KeyValuePair<string, object?> _pair = new(Key, name);

        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] => index == 0 ? _pair : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return _pair;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Key + ":" + _pair.Value;
    }
}
