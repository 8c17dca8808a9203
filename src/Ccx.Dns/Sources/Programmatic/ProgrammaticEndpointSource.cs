using System.Collections.Immutable;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Sources.Programmatic;

/// <summary>
/// A source the host pushes desired endpoints into: replace them all, or upsert and remove single record sets by
/// key (name, type, set identifier — one endpoint per key, the last one pushed wins). Raises
/// <see cref="Changed"/> whenever the content changes, naming the names that changed
/// (<see cref="EndpointsChangedEventArgs"/>), and reads the endpoints of a few names in O(names), so that a change is
/// planned by a targeted reconcile. Thread-safe.
/// </summary>
public sealed class ProgrammaticEndpointSource : IScopedEndpointSource
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<EndpointKey, DnsEndpoint> _endpoints = ImmutableDictionary<EndpointKey, DnsEndpoint>.Empty;
    private ImmutableDictionary<string, ImmutableArray<EndpointKey>> _byName = ImmutableDictionary.Create<string, ImmutableArray<EndpointKey>>(StringComparer.Ordinal);
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
        HashSet<string>? names = null;
        lock (_gate)
        {
            foreach (var (key, endpoint) in next)
            {
                if (!_endpoints.TryGetValue(key, out var e) || !e.Equals(endpoint))
                {
                    (names ??= new HashSet<string>(StringComparer.Ordinal)).Add(key.DnsName);
                }
            }

            foreach (var key in _endpoints.Keys)
            {
                if (!next.ContainsKey(key))
                {
                    (names ??= new HashSet<string>(StringComparer.Ordinal)).Add(key.DnsName);
                }
            }

            if (names is not null)
            {
                _endpoints = next;
                _byName = IndexByName(next);
                _snapshot = null;
            }
        }

        return Raise(names);
    }

    /// <summary>Adds an endpoint or replaces the one with the same key.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>Whether the content changed (and <see cref="Changed"/> was raised).</returns>
    public bool Upsert(DnsEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var key = endpoint.Key;
        bool changed;
        lock (_gate)
        {
            var existed = _endpoints.TryGetValue(key, out var existing);
            changed = !existed || !existing!.Equals(endpoint);
            if (changed)
            {
                _endpoints = _endpoints.SetItem(key, endpoint);
                if (!existed)
                {
                    _byName = _byName.SetItem(key.DnsName, _byName.GetValueOrDefault(key.DnsName, []).Add(key));
                }

                _snapshot = null;
            }
        }

        return Raise(changed ? [key.DnsName] : null);
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
                var keys = _byName[key.DnsName].Remove(key);
                _byName = keys.IsEmpty ? _byName.Remove(key.DnsName) : _byName.SetItem(key.DnsName, keys);
                _snapshot = null;
            }
        }

        return Raise(removed ? [key.DnsName] : null);
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

    /// <inheritdoc />
    public Task<ScopedEndpoints> GetEndpointsAsync(IReadOnlySet<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        cancellationToken.ThrowIfCancellationRequested();
        var result = new List<DnsEndpoint>(names.Count);
        lock (_gate)
        {
            foreach (var name in names)
            {
                if (_byName.TryGetValue(name, out var keys))
                {
                    foreach (var key in keys)
                    {
                        result.Add(_endpoints[key]);
                    }
                }
            }

            return Task.FromResult(new ScopedEndpoints(result, _endpoints.Count));
        }
    }

    private static ImmutableDictionary<string, ImmutableArray<EndpointKey>> IndexByName(ImmutableDictionary<EndpointKey, DnsEndpoint> endpoints) =>
        endpoints.Keys.GroupBy(k => k.DnsName, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.ToImmutableArray(), StringComparer.Ordinal);

    private IReadOnlyList<DnsEndpoint> Snapshot() =>
        _snapshot ??= [.. _endpoints.OrderBy(kv => kv.Key.DnsName, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.RecordType)
            .ThenBy(kv => kv.Key.SetIdentifier, StringComparer.Ordinal)
            .Select(kv => kv.Value)];

    private bool Raise(IEnumerable<string>? names)
    {
        if (names is null)
        {
            return false;
        }

        Changed?.Invoke(this, new EndpointsChangedEventArgs(names));
        return true;
    }
}
