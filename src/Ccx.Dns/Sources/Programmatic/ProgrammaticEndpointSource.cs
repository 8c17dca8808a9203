using System.Collections.Immutable;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Sources.Programmatic;

/// <summary>
/// A source the host pushes desired endpoints into: replace them all, or upsert and remove single record sets by
/// key (name, type, set identifier — one endpoint per key, the last one pushed wins). Raises
/// <see cref="Changed"/> whenever the content changes. Thread-safe.
/// </summary>
public sealed class ProgrammaticEndpointSource : IEndpointSource
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<EndpointKey, DnsEndpoint> _endpoints = ImmutableDictionary<EndpointKey, DnsEndpoint>.Empty;
    private IReadOnlyList<DnsEndpoint>? _snapshot;

    /// <inheritdoc />
    public event EventHandler? Changed;

    /// <summary>The endpoints, ordered by name, type and set identifier.</summary>
    public IReadOnlyList<DnsEndpoint> Endpoints
    {
        get
        {
            lock (_gate)
            {
                return Snapshot();
            }
        }
    }

    /// <summary>Replaces every endpoint.</summary>
    /// <param name="endpoints">The endpoints; for a key given twice, the last one wins.</param>
    /// <returns>Whether the content changed (and <see cref="Changed"/> was raised).</returns>
    public bool ReplaceAll(IEnumerable<DnsEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var builder = ImmutableDictionary.CreateBuilder<EndpointKey, DnsEndpoint>();
        foreach (var endpoint in endpoints)
        {
            ArgumentNullException.ThrowIfNull(endpoint, nameof(endpoints));
            builder[endpoint.Key] = endpoint;
        }

        var next = builder.ToImmutable();
        bool changed;
        lock (_gate)
        {
            changed = next.Count != _endpoints.Count || next.Any(kv => !_endpoints.TryGetValue(kv.Key, out var e) || !e.Equals(kv.Value));
            if (changed)
            {
                _endpoints = next;
                _snapshot = null;
            }
        }

        return Raise(changed);
    }

    /// <summary>Adds an endpoint or replaces the one with the same key.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>Whether the content changed (and <see cref="Changed"/> was raised).</returns>
    public bool Upsert(DnsEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        bool changed;
        lock (_gate)
        {
            changed = !_endpoints.TryGetValue(endpoint.Key, out var existing) || !existing.Equals(endpoint);
            if (changed)
            {
                _endpoints = _endpoints.SetItem(endpoint.Key, endpoint);
                _snapshot = null;
            }
        }

        return Raise(changed);
    }

    /// <summary>Removes the endpoint with the given key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether it existed (and <see cref="Changed"/> was raised).</returns>
    public bool Remove(EndpointKey key)
    {
        bool removed;
        lock (_gate)
        {
            var next = _endpoints.Remove(key);
            removed = !ReferenceEquals(next, _endpoints);
            if (removed)
            {
                _endpoints = next;
                _snapshot = null;
            }
        }

        return Raise(removed);
    }

    /// <summary>Removes every endpoint.</summary>
    /// <returns>Whether there were any (and <see cref="Changed"/> was raised).</returns>
    public bool Clear() => ReplaceAll([]);

    /// <inheritdoc />
    public Task<IReadOnlyList<DnsEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(Snapshot());
        }
    }

    private IReadOnlyList<DnsEndpoint> Snapshot() =>
        _snapshot ??= [.. _endpoints.OrderBy(kv => kv.Key.DnsName, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.RecordType)
            .ThenBy(kv => kv.Key.SetIdentifier, StringComparer.Ordinal)
            .Select(kv => kv.Value)];

    private bool Raise(bool changed)
    {
        if (changed)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }

        return changed;
    }
}
