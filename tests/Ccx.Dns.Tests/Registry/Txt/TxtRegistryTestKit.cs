using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Registry.Txt;

namespace Ccx.Dns.Tests.Registry.Txt;

/// <summary>Shared factories for the TXT registry tests.</summary>
internal static class TxtRegistryTestKit
{
    public const string Zone = "example.org";

    public static InMemoryDnsProvider NewProvider() => new([Zone]);

    public static async Task SeedAsync(IDnsProvider provider, params DnsEndpoint[] records) =>
        await provider.ApplyChangesAsync(new DnsChanges { Create = records });

    public static TxtRegistry CreateRegistry(IDnsProvider provider, Action<TxtRegistryOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new TxtRegistryOptions { OwnerId = "owner" };
        configure?.Invoke(options);
        return new TxtRegistry(provider, options, timeProvider);
    }

    public static DnsEndpoint A(string name, params string[] targets) => new(name, RecordType.A, targets);

    public static DnsEndpoint Aaaa(string name, params string[] targets) => new(name, RecordType.AAAA, targets);

    public static DnsEndpoint Cname(string name, string target) => new(name, RecordType.CNAME, target);

    public static DnsEndpoint TxtRecord(string name, string text) => new(name, RecordType.TXT, text);

    /// <summary>The text ExternalDNS writes, quoted.</summary>
    public static string OwnershipText(string owner, string? resource = null) =>
        "\"heritage=external-dns,external-dns/owner=" + owner + (resource is null ? string.Empty : ",external-dns/resource=" + resource) + "\"";

    public static DnsEndpoint Single(IReadOnlyList<DnsEndpoint> records, string name, RecordType type) =>
        Assert.Single(records, r => DnsNames.AreEqual(r.DnsName, name) && r.RecordType == type);

    public static DnsEndpoint? Find(IReadOnlyList<DnsEndpoint> records, string name, RecordType type) =>
        records.SingleOrDefault(r => DnsNames.AreEqual(r.DnsName, name) && r.RecordType == type);

    public static DnsEndpoint? FindInZone(InMemoryDnsProvider provider, string name, RecordType type) =>
        Find(provider.GetZoneRecords(Zone), name, type);
}
