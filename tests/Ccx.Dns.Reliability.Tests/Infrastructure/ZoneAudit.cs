using Ccx.Dns.Endpoints;
using Ccx.Dns.Registry.Txt;

namespace Ccx.Dns.Reliability.Tests.Infrastructure;

/// <summary>
/// Checks a zone's raw records (as the provider stores them) against the invariants: foreign records unchanged, no
/// orphan ownership records, no ownerless records of ours, no duplicates, and the owner's records equal to the desired set.
/// Independent of the registry under test except for the public name mapper and codec it uses to read ownership records.
/// </summary>
public sealed class ZoneAudit(string ownerId, TxtNameMapper mapper, TxtOwnershipCodec codec)
{
    /// <summary>Every violation found in <paramref name="zone"/>; empty when all invariants hold.</summary>
    public IReadOnlyList<string> Check(
        IReadOnlyList<DnsEndpoint> zone,
        IReadOnlyDictionary<EndpointKey, string> foreignSnapshot,
        IReadOnlyCollection<DnsEndpoint> desired,
        IReadOnlyDictionary<EndpointKey, string>? externalOwners = null)
    {
        var problems = new List<string>();
        var byKey = new Dictionary<EndpointKey, DnsEndpoint>();
        foreach (var record in zone)
        {
            if (!byKey.TryAdd(record.Key, record))
            {
                problems.Add($"duplicate record set {record.Key}");
            }

            if (record.Targets.Distinct(StringComparer.OrdinalIgnoreCase).Count() != record.Targets.Count)
            {
                problems.Add($"duplicate targets in {record}");
            }
        }

        // 1. Foreign records (and unowned ones) exactly as before.
        foreach (var (key, text) in foreignSnapshot)
        {
            if (!byKey.TryGetValue(key, out var now))
            {
                problems.Add($"foreign record {key} was deleted (was {text})");
            }
            else if (!string.Equals(now.ToString(), text, StringComparison.Ordinal))
            {
                problems.Add($"foreign record {key} changed: {text} -> {now}");
            }
        }

        // 2. Ours: ownership records (TXT records, or entries of an external registry such as DynamoDB) and owned records.
        var ownedByUs = new HashSet<EndpointKey>();
        foreach (var (key, owner) in externalOwners ?? new Dictionary<EndpointKey, string>())
        {
            if (owner == ownerId)
            {
                ownedByUs.Add(key);
                if (!byKey.ContainsKey(key))
                {
                    problems.Add($"orphan ownership entry {key}");
                }
            }
        }

        foreach (var record in externalOwners is null ? zone : [])
        {
            if (foreignSnapshot.ContainsKey(record.Key) || record.RecordType != RecordType.TXT || record.Targets.Count == 0
                || !codec.TryParse(record.Targets[0], out var labels)
                || !labels.TryGetValue(EndpointLabels.OwnerKey, out var owner) || owner != ownerId)
            {
                continue;
            }

            if (!mapper.TryParseTxtName(record.DnsName, out var name) || name.RecordType is not { } type)
            {
                problems.Add($"ownership record of ours with an unparseable name: {record}");
                continue;
            }

            var ownedName = name.DnsName;
            if (mapper.WildcardReplacement.Length > 0 && ownedName.StartsWith(mapper.WildcardReplacement + ".", StringComparison.Ordinal))
            {
                ownedName = "*" + ownedName[mapper.WildcardReplacement.Length..];
            }

            var ownedKey = new EndpointKey(ownedName, type, record.SetIdentifier);
            if (!byKey.ContainsKey(ownedKey))
            {
                problems.Add($"orphan ownership record {record.DnsName} (no {ownedKey})");
            }

            ownedByUs.Add(ownedKey);
        }

        var ours = zone.Where(r => !foreignSnapshot.ContainsKey(r.Key) && !(r.RecordType == RecordType.TXT && IsOwnershipText(r))).ToList();
        foreach (var record in ours)
        {
            if (!ownedByUs.Contains(record.Key))
            {
                problems.Add($"record without an ownership record of '{ownerId}': {record}");
            }
        }

        // 3. CNAME exclusivity among everything in the zone.
        foreach (var group in zone.GroupBy(r => DnsNames.Normalize(r.DnsName)))
        {
            if (group.Any(r => r.RecordType == RecordType.CNAME) && group.Count(r => r.RecordType != RecordType.TXT) > 1)
            {
                problems.Add($"CNAME beside other data at {group.Key}: {string.Join("; ", group)}");
            }
        }

        // 4. Our records equal the desired set (targets as sets, TTL exact).
        var want = desired.ToDictionary(d => d.Key);
        foreach (var record in ours)
        {
            if (!want.TryGetValue(record.Key, out var d))
            {
                problems.Add($"record not desired: {record}");
            }
            else if (!SameTargets(record, d) || record.Ttl != d.Ttl)
            {
                problems.Add($"record differs from desired: have {record}, want {d}");
            }
        }

        foreach (var d in desired)
        {
            if (!byKey.ContainsKey(d.Key))
            {
                problems.Add($"desired record missing: {d}");
            }
        }

        return problems;
    }

    /// <summary>A snapshot of records by key, as text, to compare byte for byte later.</summary>
    public static Dictionary<EndpointKey, string> Snapshot(IEnumerable<DnsEndpoint> records) =>
        records.ToDictionary(r => r.Key, r => r.ToString());

    private bool IsOwnershipText(DnsEndpoint record) => record.Targets.Count > 0 && codec.TryParse(record.Targets[0], out _);

    private static bool SameTargets(DnsEndpoint a, DnsEndpoint b) =>
        a.Targets.Select(DnsTargets.Canonical).Order(StringComparer.Ordinal)
            .SequenceEqual(b.Targets.Select(DnsTargets.Canonical).Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
