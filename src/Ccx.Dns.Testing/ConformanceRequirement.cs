using System.Text;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Testing;

/// <summary>A capability a scenario needs; a provider whose declaration lacks it skips the scenario.</summary>
/// <param name="Name">The capability, as shown in skip reasons and documentation (for example <c>record type MX</c>).</param>
/// <param name="IsMet">Whether a declaration provides it.</param>
public sealed record ConformanceRequirement(string Name, Func<DnsProviderCapabilities, bool> IsMet)
{
    /// <summary>Needs the record type.</summary>
    /// <param name="recordType">The record type.</param>
    /// <returns>The requirement.</returns>
    public static ConformanceRequirement Type(RecordType recordType) => new($"record type {recordType}", c => c.Supports(recordType));

    /// <summary>Needs set identifiers.</summary>
    public static ConformanceRequirement SetIdentifiers { get; } = new("set identifiers", c => c.SetIdentifiers);

    /// <summary>Needs several targets per record set.</summary>
    public static ConformanceRequirement MultipleTargets { get; } = new("multiple targets", c => c.MultipleTargets);

    /// <summary>Needs wildcard names.</summary>
    public static ConformanceRequirement Wildcard { get; } = new("wildcard names", c => c.Wildcard);

    /// <summary>Needs records at the zone apex.</summary>
    public static ConformanceRequirement Apex { get; } = new("records at the apex", c => c.Apex);

    /// <summary>Needs CNAME ↔ A type changes in one apply.</summary>
    public static ConformanceRequirement TypeChange { get; } = new("CNAME/A type change", c => c.TypeChange);

    /// <summary>Needs TTLs stored as given.</summary>
    public static ConformanceRequirement Ttl { get; } = new("TTL per record set", c => c.Ttl);

    /// <summary>Needs 500 record sets in one apply.</summary>
    public static ConformanceRequirement LargeChangeSets { get; } = new("500 record sets in one apply", c => c.LargeChangeSets);

    /// <summary>Needs TXT targets of <paramref name="text"/>'s UTF-8 length.</summary>
    /// <param name="text">The longest text the scenario writes.</param>
    /// <returns>The requirement.</returns>
    public static ConformanceRequirement TxtLength(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = Encoding.UTF8.GetByteCount(text);
        return new($"TXT of {length} bytes", c => c.SupportsTxtLength(length));
    }
}
