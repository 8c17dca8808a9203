using Ccx.Dns.Endpoints;

namespace Ccx.Dns.PowerDns.Internal;

/// <summary>The zones of a PowerDNS server, indexed by normalised name, for "most specific zone" look-ups.</summary>
internal sealed class PowerDnsZoneIndex
{
    private readonly Dictionary<string, PowerDnsZone> _byName;

    /// <summary>Indexes the zones.</summary>
    /// <param name="zones">The zones as listed by the API.</param>
    public PowerDnsZoneIndex(IEnumerable<PowerDnsZone> zones)
    {
        _byName = new Dictionary<string, PowerDnsZone>(StringComparer.Ordinal);
        foreach (var zone in zones)
        {
            if (!string.IsNullOrEmpty(zone.Name) && !string.IsNullOrEmpty(zone.Id))
            {
                _byName[DnsNames.Normalize(zone.Name)] = zone;
            }
        }
    }

    /// <summary>The normalised zone names, in ordinal order.</summary>
    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    /// <summary>The zone with the given normalised name.</summary>
    /// <param name="zoneName">The normalised zone name.</param>
    /// <returns>The zone.</returns>
    public PowerDnsZone this[string zoneName] => _byName[zoneName];

    /// <summary>Whether a zone of the server has exactly this name.</summary>
    /// <param name="name">The normalised DNS name.</param>
    /// <returns><see langword="true"/> at a zone apex.</returns>
    public bool IsApex(string name) => _byName.ContainsKey(name);

    /// <summary>The most specific zone at or above a name (the zone that serves it), or <see langword="null"/>.</summary>
    /// <param name="name">The normalised DNS name.</param>
    /// <returns>The normalised zone name, or <see langword="null"/> when no zone serves the name.</returns>
    public string? ZoneOf(string name)
    {
        for (var candidate = name; ;)
        {
            if (_byName.ContainsKey(candidate))
            {
                return candidate;
            }

            var dot = candidate.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                // The root zone (normalised as "."), when the server has one, serves everything else.
                return _byName.ContainsKey(".") ? "." : null;
            }

            candidate = candidate[(dot + 1)..];
        }
    }

    /// <summary>
    /// Whether a zone may hold names the filter manages: every zone without a filter; otherwise a zone on the same
    /// branch of the tree as some include suffix, unless an exclusion covers the whole zone.
    /// </summary>
    /// <param name="filter">The domain filter.</param>
    /// <param name="zoneName">The normalised zone name.</param>
    /// <returns>Whether the zone is read and written.</returns>
    public static bool IsManaged(DomainFilter filter, string zoneName)
    {
        if (filter.RegexInclude is not null || filter.RegexExclude is not null)
        {
            return true;
        }

        foreach (var exclude in filter.Exclude)
        {
            if (!exclude.StartsWith('.') && DnsNames.IsAtOrBelow(zoneName, exclude))
            {
                return false;
            }
        }

        if (filter.Include.Count == 0)
        {
            return true;
        }

        foreach (var include in filter.Include)
        {
            var suffix = include.StartsWith('.') ? include[1..] : include;
            if (DnsNames.IsAtOrBelow(zoneName, suffix) || DnsNames.IsAtOrBelow(suffix, zoneName))
            {
                return true;
            }
        }

        return false;
    }
}
