using System.Collections.Concurrent;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Route53.Internal;

/// <summary>A record set exactly as Route 53 holds it, with the endpoint it was read as.</summary>
internal sealed record KnownRecordSet(ResourceRecordSet Set, DnsEndpoint Endpoint);

/// <summary>
/// The record sets of the zones last read by this provider instance, exactly as Route 53 returned them, kept up to date
/// with what the instance wrote since. A DELETE (of a deleted record, or of the old value of an update) is sent with
/// these exact values, so that Route 53's exact-match rule holds even where an endpoint does not map back to the bytes
/// stored (TTL 0, a TXT value written by another tool in another quoting).
/// </summary>
internal sealed class Route53KnownRecordSets(IEnumerable<string> zoneIds)
{
    private readonly HashSet<string> _zones = new(zoneIds, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RecordSetKey, KnownRecordSet> _sets = new();

    /// <summary>Whether the zone was read, so that absence from it means the record set did not exist then.</summary>
    public bool Covers(string zoneId) => _zones.Contains(zoneId);

    public bool TryGet(RecordSetKey key, out KnownRecordSet known) => _sets.TryGetValue(key, out known!);

    public void Set(RecordSetKey key, ResourceRecordSet set, DnsEndpoint endpoint) => _sets[key] = new KnownRecordSet(set, endpoint);

    public void Remove(RecordSetKey key) => _sets.TryRemove(key, out _);

    /// <summary>Brings the view up to date with a batch Route 53 applied.</summary>
    public void Apply(string zoneId, IEnumerable<PendingChange> applied)
    {
        foreach (var change in applied)
        {
            var key = RecordSetKey.Of(zoneId, change.Change.RecordSet);
            if (change.Change.Action == ChangeAction.Delete)
            {
                Remove(key);
            }
        }

        foreach (var change in applied)
        {
            if (change.Change.Action != ChangeAction.Delete)
            {
                Set(RecordSetKey.Of(zoneId, change.Change.RecordSet), change.Change.RecordSet, change.Endpoint);
            }
        }
    }

    /// <summary>Whether an endpoint is, field for field, the one a known record set was read as (labels aside).</summary>
    public static bool IsSameRecord(DnsEndpoint known, DnsEndpoint endpoint) =>
        known.RecordType == endpoint.RecordType
        && string.Equals(known.SetIdentifier, endpoint.SetIdentifier, StringComparison.Ordinal)
        && known.Ttl == endpoint.Ttl
        && known.Targets.SequenceEqual(endpoint.Targets, StringComparer.Ordinal)
        && known.ProviderSpecific.OrderBy(p => p.Name, StringComparer.Ordinal).SequenceEqual(endpoint.ProviderSpecific.OrderBy(p => p.Name, StringComparer.Ordinal));
}
