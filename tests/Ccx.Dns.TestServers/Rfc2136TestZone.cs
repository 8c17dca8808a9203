using System.Text;

namespace Ccx.Dns.TestServers;

/// <summary>
/// A primary zone a test RFC 2136 server serves: SOA, NS and (by default) <c>ns1</c> A 127.0.0.1, plus extra zone-file
/// lines. The same zone file is loaded by every server kind.
/// </summary>
/// <param name="Name">The zone name, without a trailing dot.</param>
public sealed record Rfc2136TestZone(string Name)
{
    /// <summary>Extra zone-file lines (names relative to the zone, default TTL 300). <value>The default is none.</value></summary>
    public string Records { get; init; } = string.Empty;

    /// <summary>
    /// The name server in the SOA and NS records; when set, no <c>ns1</c> A record is written (a child or reverse zone
    /// served by its parent's name server). <value>The default is <c>ns1.</c> + the zone, with its A record.</value>
    /// </summary>
    public string? NameServer { get; init; }

    /// <summary>Whether the server's main key may update the zone (it may always transfer it). <value>The default is true.</value></summary>
    public bool AllowUpdate { get; init; } = true;

    /// <summary>Whether the server's other keys may update and transfer the zone as well. <value>The default is false.</value></summary>
    public bool AllowOtherKeys { get; init; }

    /// <summary>The zone file.</summary>
    /// <returns>RFC 1035 master-file text.</returns>
    public string ToZoneFile()
    {
        var nameServer = NameServer ?? "ns1." + Name;
        var text = new StringBuilder()
            .Append("$TTL 300\n")
            .Append("@ IN SOA ").Append(nameServer).Append(". hostmaster.").Append(Name).Append(". ( 1 3600 600 86400 300 )\n")
            .Append("  IN NS ").Append(nameServer).Append(".\n");
        if (NameServer is null)
        {
            text.Append("ns1 IN A 127.0.0.1\n");
        }

        text.Append(Records);
        if (Records.Length > 0 && Records[^1] != '\n')
        {
            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A plain zone (SOA, NS, ns1 A) that the main key may update and transfer.</summary>
    /// <param name="name">The zone name, without a trailing dot.</param>
    /// <returns>The zone.</returns>
    public static Rfc2136TestZone FromString(string name) => new(name);

    /// <summary>A plain zone (SOA, NS, ns1 A) that the main key may update and transfer, so that <c>["example.org"]</c> lists zones.</summary>
    /// <param name="name">The zone name, without a trailing dot.</param>
    public static implicit operator Rfc2136TestZone(string name) => FromString(name);

    /// <summary>Plain zones (SOA, NS, ns1 A) that the main key may update and transfer.</summary>
    /// <param name="names">The zone names.</param>
    /// <returns>The zones.</returns>
    public static IReadOnlyList<Rfc2136TestZone> Plain(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return [.. names.Select(n => new Rfc2136TestZone(n))];
    }
}
