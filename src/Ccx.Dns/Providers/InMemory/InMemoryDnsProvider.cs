using System.Collections;
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
    private readonly Dictionary<string, KeyedSet<EndpointKey, DnsEndpoint>> _zones = new(StringComparer.Ordinal);
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
            _zones.TryAdd(DnsNames.Normalize(zone), new KeyedSet<EndpointKey, DnsEndpoint>(EndpointsByKey.Instance));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _readCount);
        lock (_gate)
        {
            _snapshot ??= [.. _zones.Values.SelectMany(z => z)];
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
            return [.. _zones[DnsNames.Normalize(zone)]];
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
            // Applied in place, with what each step replaced kept so that a conflict undoes them all: the zone is
            // changed completely or not at all, without a copy of every change the size of the batch. A create replaces
            // nothing: one bit says whether it was made.
            var undo = new List<Undone>(changes.Delete.Count + (2 * changes.UpdateOld.Count));
            var created = new BitArray(changes.Create.Count);
            var conflicts = new List<RejectedEndpoint>();
            try
            {
                foreach (var record in changes.Delete)
                {
                    Remove(undo, record, "delete", conflicts);
                }

                for (var i = 0; i < changes.UpdateOld.Count; i++)
                {
                    Remove(undo, changes.UpdateOld[i], "update", conflicts);
                    Set(undo, changes.UpdateNew[i], mustBeAbsent: false, conflicts);
                }

                Reserve(changes.Create);
                for (var i = 0; i < changes.Create.Count; i++)
                {
                    created[i] = Set(undo: null, changes.Create[i], mustBeAbsent: true, conflicts);
                }
            }
            catch
            {
                Rollback(undo, changes.Create, created);
                throw;
            }

            if (conflicts.Count > 0)
            {
                Rollback(undo, changes.Create, created);
                throw new DnsRecordConflictException(
                    $"{conflicts.Count} change(s) conflict with the records in the zone; nothing was changed: {conflicts[0].Reason}",
                    conflicts,
                    isPartial: false);
            }

            if (undo.Count > 0 || changes.Create.Count > 0)
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

    /// <summary>
    /// Sizes the zones a large batch of creates grows once: growing a large set step by step leaves every smaller table
    /// behind, and ends up to twice as large as needed. Counts the creates whose key is not in the zone (after the batch's
    /// deletes and updates); a batch then refused for a create that conflicts may leave a table larger than needed.
    /// </summary>
    private void Reserve(IReadOnlyList<DnsEndpoint> creates)
    {
        if (creates.Count <= 1_024)
        {
            return;
        }

        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in creates)
        {
            var zone = ZoneOf(record);
            if (!_zones[zone].ContainsKey(record.Key))
            {
                added[zone] = added.GetValueOrDefault(zone) + 1;
            }
        }

        foreach (var (zone, count) in added)
        {
            _zones[zone].EnsureCapacity(_zones[zone].Count + count);
        }
    }

    private void Remove(List<Undone> undo, DnsEndpoint record, string operation, List<RejectedEndpoint> conflicts)
    {
        var key = record.Key;
        var zone = ZoneOf(record);
        var records = _zones[zone];
        if (!records.TryGetValue(key, out var existing))
        {
            conflicts.Add(new RejectedEndpoint(record, $"cannot {operation} {key.DnsName} {key.RecordType}{SetSuffix(key)}: no such record set in zone {zone}"));
            return;
        }

        if (!DnsTargets.Same(existing.Targets, record.Targets, record.RecordType) || existing.Ttl != record.Ttl)
        {
            conflicts.Add(new RejectedEndpoint(record, $"cannot {operation} {key.DnsName} {key.RecordType}{SetSuffix(key)}: the zone holds {existing.Ttl} {string.Join(' ', existing.Targets)}, not the record as it was read"));
        }

        records.Remove(key);
        undo.Add(new Undone(records, existing, Added: null));
    }

    /// <summary>Adds or replaces a record; <paramref name="undo"/> is <see langword="null"/> for a create, which replaces nothing.</summary>
    /// <returns>Whether the record was written.</returns>
    private bool Set(List<Undone>? undo, DnsEndpoint record, bool mustBeAbsent, List<RejectedEndpoint> conflicts)
    {
        var key = record.Key;
        var zone = ZoneOf(record);
        var records = _zones[zone];
        records.TryGetValue(key, out var existing);
        if (mustBeAbsent && existing is not null)
        {
            conflicts.Add(new RejectedEndpoint(record, $"cannot create {key.DnsName} {key.RecordType}{SetSuffix(key)}: the record set already exists in zone {zone}"));
            return false;
        }

        var stored = record.WithoutLabels();
        records.Set(stored);
        undo?.Add(new Undone(records, existing, stored));
        return true;
    }

    /// <summary>Undoes the steps of an apply, last first: the creates made, then the deletes and updates.</summary>
    private void Rollback(List<Undone> undo, IReadOnlyList<DnsEndpoint> creates, BitArray created)
    {
        for (var i = creates.Count - 1; i >= 0; i--)
        {
            if (created[i])
            {
                _zones[ZoneOf(creates[i])].Remove(creates[i].Key);
            }
        }

        for (var i = undo.Count - 1; i >= 0; i--)
        {
            var (records, replaced, added) = undo[i];
            if (added is not null)
            {
                records.Remove(added.Key);
            }

            if (replaced is not null)
            {
                records.Set(replaced);
            }
        }
    }

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

    /// <summary>One step of an apply: the zone's records it changed, the record it removed or replaced, the record it added.</summary>
    /// <param name="Records">The zone's records.</param>
    /// <param name="Replaced">The record the step removed or replaced, if any.</param>
    /// <param name="Added">The record the step added, if any.</param>
    private readonly record struct Undone(KeyedSet<EndpointKey, DnsEndpoint> Records, DnsEndpoint? Replaced, DnsEndpoint? Added);
}
