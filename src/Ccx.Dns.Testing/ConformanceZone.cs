using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Testing;

/// <summary>The zone a scenario runs in; builds endpoints from names relative to it.</summary>
/// <param name="Name">The zone name, without a trailing dot.</param>
public sealed record ConformanceZone(string Name)
{
    /// <summary>The absolute name for <paramref name="relative"/>: <c>@</c> is the apex, anything else is prefixed to the zone.</summary>
    /// <param name="relative">A name relative to the zone, or <c>@</c>.</param>
    /// <returns>The absolute name, without a trailing dot.</returns>
    public string Fqdn(string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        return relative == "@" ? Name : relative + "." + Name;
    }

    /// <summary>An endpoint at a relative name.</summary>
    /// <param name="relative">A name relative to the zone, or <c>@</c>.</param>
    /// <param name="recordType">The record type.</param>
    /// <param name="targets">The targets.</param>
    /// <returns>The endpoint, TTL unset.</returns>
    public DnsEndpoint Record(string relative, RecordType recordType, params string[] targets) =>
        new(Fqdn(relative), recordType, targets);

    /// <summary>An endpoint at a relative name with a TTL.</summary>
    /// <param name="relative">A name relative to the zone, or <c>@</c>.</param>
    /// <param name="recordType">The record type.</param>
    /// <param name="ttl">The TTL in seconds.</param>
    /// <param name="targets">The targets.</param>
    /// <returns>The endpoint.</returns>
    public DnsEndpoint Record(string relative, RecordType recordType, long ttl, params string[] targets) =>
        new(Fqdn(relative), recordType, targets) { Ttl = ttl };
}
