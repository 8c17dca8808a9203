using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Route53.Internal;

/// <summary>The identity of a record set within a hosted zone: zone id, normalised name, type and set identifier.</summary>
internal readonly record struct RecordSetKey(string ZoneId, string Name, string Type, string SetIdentifier)
{
    public static RecordSetKey Of(string zoneId, ResourceRecordSet set) =>
        new(zoneId, DnsNames.Normalize(set.Name), set.Type, set.SetIdentifier ?? string.Empty);
}

/// <summary>
/// Whether two record sets hold the same data as Route 53 compares it for a DELETE: TTL, values as a set (TXT exactly,
/// other types regardless of case and trailing dot), alias target and routing fields.
/// </summary>
internal static class Route53RecordSetContent
{
    public static bool Same(ResourceRecordSet a, ResourceRecordSet b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!string.Equals(a.Type, b.Type, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(a.SetIdentifier ?? string.Empty, b.SetIdentifier ?? string.Empty, StringComparison.Ordinal)
            || !DnsNames.AreEqual(a.Name, b.Name)
            || a.Weight != b.Weight
            || !string.Equals(a.Region, b.Region, StringComparison.Ordinal)
            || !string.Equals(a.Failover, b.Failover, StringComparison.OrdinalIgnoreCase)
            || a.GeoLocation != b.GeoLocation
            || (a.MultiValueAnswer ?? false) != (b.MultiValueAnswer ?? false)
            || !string.Equals(a.HealthCheckId, b.HealthCheckId, StringComparison.Ordinal)
            || a.GeoProximityLocation != b.GeoProximityLocation
            || (a.AliasTarget is null) != (b.AliasTarget is null))
        {
            return false;
        }

        if (a.AliasTarget is { } x && b.AliasTarget is { } y)
        {
            return string.Equals(x.HostedZoneId, y.HostedZoneId, StringComparison.Ordinal)
                && DnsNames.AreEqual(x.DnsName, y.DnsName)
                && x.EvaluateTargetHealth == y.EvaluateTargetHealth;
        }

        if (a.Ttl != b.Ttl || a.Values.Count != b.Values.Count)
        {
            return false;
        }

        var comparer = string.Equals(a.Type, "TXT", StringComparison.OrdinalIgnoreCase) ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        Func<string, string> canonical = comparer == StringComparer.Ordinal ? v => v : v => v.TrimEnd('.');
        var left = a.Values.Select(canonical).Order(comparer).ToList();
        var right = b.Values.Select(canonical).Order(comparer).ToList();
        return left.SequenceEqual(right, comparer);
    }
}
