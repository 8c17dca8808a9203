using System.Collections.Immutable;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Providers.InMemory;

/// <summary>
/// A DNS provider that keeps its zones in memory: the embedded default for samples and the reference for the
/// conformance scenarios. Each <see cref="ApplyChangesAsync"/> call is atomic: it is checked whole and applied whole,
/// or not at all. Writes are conditional, as the strictest servers make them: a create of an existing record set, or
/// an update or delete of a record set that is missing or holds other targets or another TTL than the old record,
/// fails the call with a <see cref="DnsRecordConflictException"/>; a name outside every zone fails it with a
/// <see cref="DnsProviderException"/>. Like a real DNS server it does not store labels.
/// </summary>
public sealed class InMemoryDnsProvider : IZoneAwareDnsProvider
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<EndpointKey, DnsEndpoint>> _zones = new(StringComparer.Ordinal);
    private ImmutableArray<DnsEndpoint>? _snapshot;
    private int _readCount;
    private int _applyCount;

    /// <summary>Creates a provider serving the given zones.</summary>
    /// <param name="zones">Zone names, for example <c>example.org</c>.</param>
    /// <param name="domainFilter">The names this provider serves; defaults to the zones themselves.</param>
    public InMemoryDnsProvider(IEnumerable<string> zones, DomainFilter? domainFilter = null)
    {
        ArgumentNullException.ThrowIfNull(zones);
        foreach (var zone in zones)
        {
            CreateZone(zone);
        }

        DomainFilter = domainFilter ?? DomainFilter.All;
    }

    /// <inheritdoc />
    public DomainFilter DomainFilter { get; }

    /// <summary>The zones served, normalised.</summary>
    public IReadOnlyCollection<string> Zones
    {
        get
        {
            lock (_gate)
            {
                return [.. _zones.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>How many times <see cref="GetRecordsAsync"/> has been called.</summary>
    public int ReadCount => Volatile.Read(ref _readCount);

    /// <summary>How many times <see cref="ApplyChangesAsync"/> has been called.</summary>
    public int ApplyCount => Volatile.Read(ref _applyCount);

    /// <summary>Adds a zone (no-op when it exists).</summary>
    /// <param name="zone">The zone name.</param>
    public void CreateZone(string zone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(zone);
        lock (_gate)
        {
            _zones.TryAdd(DnsNames.Normalize(zone), []);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _readCount);
        lock (_gate)
        {
            _snapshot ??= [.. _zones.Values.SelectMany(z => z.Values)];
            return Task.FromResult<IReadOnlyList<DnsEndpoint>>(_snapshot.Value);
        }
    }

    /// <summary>The records of one zone, in no particular order.</summary>
    /// <param name="zone">The zone name.</param>
    /// <returns>The records.</returns>
    /// <exception cref="KeyNotFoundException">The zone does not exist.</exception>
    public IReadOnlyList<DnsEndpoint> GetZoneRecords(string zone)
    {
        lock (_gate)
        {
            return [.. _zones[DnsNames.Normalize(zone)].Values];
        }
    }

    /// <inheritdoc />
    public Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _applyCount);
        if (changes.UpdateOld.Count != changes.UpdateNew.Count)
        {
            throw new DnsProviderException(
                $"update lists differ in length: {changes.UpdateOld.Count} old, {changes.UpdateNew.Count} new; nothing was changed");
        }

        lock (_gate)
        {
            var pending = new Dictionary<EndpointKey, (string Zone, DnsEndpoint? Record)>(changes.Delete.Count + (2 * changes.UpdateOld.Count) + changes.Create.Count);
            var conflicts = new List<RejectedEndpoint>();
            foreach (var record in changes.Delete)
            {
                Remove(pending, record, "delete", conflicts);
            }

            for (var i = 0; i < changes.UpdateOld.Count; i++)
            {
                Remove(pending, changes.UpdateOld[i], "update", conflicts);
                Set(pending, changes.UpdateNew[i], mustBeAbsent: false, conflicts);
            }

            foreach (var record in changes.Create)
            {
                Set(pending, record, mustBeAbsent: true, conflicts);
            }

            if (conflicts.Count > 0)
            {
                throw new DnsRecordConflictException(
                    $"{conflicts.Count} change(s) conflict with the records in the zone; nothing was changed: {conflicts[0].Reason}",
                    conflicts,
                    isPartial: false);
            }

            // A zone that grows by many records at once is sized once (growing a large dictionary step by step
            // leaves every smaller table behind, and ends up to twice as large as needed).
            if (changes.Create.Count > 1_024)
            {
                var added = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var (key, (zone, record)) in pending)
                {
                    if (record is not null && !_zones[zone].ContainsKey(key))
                    {
                        added[zone] = added.GetValueOrDefault(zone) + 1;
                    }
                }

                foreach (var (zone, count) in added)
                {
                    _zones[zone].EnsureCapacity(_zones[zone].Count + count);
                }
            }

            foreach (var (key, (zone, record)) in pending)
            {
                if (record is null)
                {
                    _zones[zone].Remove(key);
                }
                else
                {
                    _zones[zone][key] = record;
                }
            }

            if (pending.Count > 0)
            {
                _snapshot = null;
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => endpoints;

    /// <inheritdoc />
    public IReadOnlyCollection<string>? KnownZones => Zones;

    /// <inheritdoc />
    public string? FindZone(string dnsName)
    {
        ArgumentNullException.ThrowIfNull(dnsName);
        lock (_gate)
        {
            return TryZoneOf(DnsNames.Normalize(dnsName));
        }
    }

    private void Remove(Dictionary<EndpointKey, (string Zone, DnsEndpoint? Record)> pending, DnsEndpoint record, string operation, List<RejectedEndpoint> conflicts)
    {
        var key = record.Key;
        var zone = ZoneOf(record);
        var existing = Lookup(pending, zone, key);
        if (existing is null)
        {
            conflicts.Add(new RejectedEndpoint(record, $"cannot {operation} {key.DnsName} {key.RecordType}{SetSuffix(key)}: no such record set in zone {zone}"));
        }
        else if (!DnsTargets.Same(existing.Targets, record.Targets, record.RecordType) || existing.Ttl != record.Ttl)
        {
            conflicts.Add(new RejectedEndpoint(record, $"cannot {operation} {key.DnsName} {key.RecordType}{SetSuffix(key)}: the zone holds {existing.Ttl} {string.Join(' ', existing.Targets)}, not the record as it was read"));
        }

        pending[key] = (zone, null);
    }

    private void Set(Dictionary<EndpointKey, (string Zone, DnsEndpoint? Record)> pending, DnsEndpoint record, bool mustBeAbsent, List<RejectedEndpoint> conflicts)
    {
        var key = record.Key;
        var zone = ZoneOf(record);
        if (mustBeAbsent && Lookup(pending, zone, key) is not null)
        {
            conflicts.Add(new RejectedEndpoint(record, $"cannot create {key.DnsName} {key.RecordType}{SetSuffix(key)}: the record set already exists in zone {zone}"));
            return;
        }

        pending[key] = (zone, record.WithoutLabels());
    }

    private DnsEndpoint? Lookup(Dictionary<EndpointKey, (string Zone, DnsEndpoint? Record)> pending, string zone, EndpointKey key) =>
        pending.TryGetValue(key, out var entry) ? entry.Record : _zones[zone].GetValueOrDefault(key);

    private string ZoneOf(DnsEndpoint record)
    {
        var name = DnsNames.Normalize(record.DnsName);
        return TryZoneOf(name) ?? throw new DnsProviderException($"no zone serves {name}; nothing was changed");
    }

    private string? TryZoneOf(string name)
    {
        // Walks up the name's suffixes as spans: no string per candidate.
        var zones = _zones.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var candidate = name.AsSpan(); ; )
        {
            if (zones.TryGetValue(candidate, out var zone, out _))
            {
                return zone;
            }

            var dot = candidate.IndexOf('.');
            if (dot < 0)
            {
                return null;
            }

            candidate = candidate[(dot + 1)..];
        }
    }

    private static string SetSuffix(EndpointKey key) => key.SetIdentifier.Length == 0 ? string.Empty : $" (set {key.SetIdentifier})";
}
