using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Providers;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>
/// A '*' inside a label (the TXT registry's ownership record of a wildcard record without a wildcard replacement) is
/// refused by PowerDNS with a 422 that would fail the zone's whole PATCH: the provider refuses that name group alone.
/// </summary>
[Collection(PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class PowerDnsProviderWildcardTests(PowerDnsServerFixture server)
{
    [Fact]
    public async Task ApplyChanges_OwnershipRecordWithStarInsideLabel_RefusesThatRecordAndItsOwnershipAndAppliesTheRest()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = new PowerDnsProvider(server.Options(zone));
        var wildcard = new DnsEndpoint($"*.w.{zone}", RecordType.A, "192.0.2.7") { Ttl = 60 };
        var wildcardOwnership = Ownership($"a-*.w.{zone}", wildcard.DnsName);
        var plain = new DnsEndpoint($"ok.{zone}", RecordType.A, "192.0.2.8") { Ttl = 60 };
        var plainOwnership = Ownership($"a-ok.{zone}", plain.DnsName);

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges
        {
            Create = [wildcard, plain, wildcardOwnership, plainOwnership],
        }));

        Assert.False(e.IsTransient);
        Assert.True(e.IsPartial);
        Assert.Equal(
            new[] { wildcard.DnsName, wildcardOwnership.DnsName }.Order(StringComparer.Ordinal),
            e.RejectedEndpoints.Select(r => r.Endpoint.DnsName).Order(StringComparer.Ordinal));
        Assert.All(e.RejectedEndpoints, r => Assert.Contains("'*' is only allowed as the whole leftmost label", r.Reason, StringComparison.Ordinal));
        Assert.Contains(e.RejectedEndpoints, r => r.Reason.Contains("WildcardReplacement", StringComparison.Ordinal));
        var names = (await server.ReadRrSetsAsync(zone)).Select(r => r.Name).ToList();
        Assert.Contains($"ok.{zone}.", names);
        Assert.Contains($"a-ok.{zone}.", names);
        Assert.DoesNotContain($"*.w.{zone}.", names);
    }

    [Fact]
    public async Task ApplyChanges_WildcardRecordWithReplacedOwnershipName_IsApplied()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = new PowerDnsProvider(server.Options(zone));
        var wildcard = new DnsEndpoint($"*.w.{zone}", RecordType.A, "192.0.2.7") { Ttl = 60 };

        await provider.ApplyChangesAsync(new DnsChanges { Create = [wildcard, Ownership($"a-any.w.{zone}", wildcard.DnsName)] });

        var names = (await server.ReadRrSetsAsync(zone)).Select(r => r.Name).ToList();
        Assert.Contains($"*.w.{zone}.", names);
        Assert.Contains($"a-any.w.{zone}.", names);
    }

    private static DnsEndpoint Ownership(string name, string owned) =>
        new DnsEndpoint(name, RecordType.TXT, "\"heritage=external-dns,external-dns/owner=o\"") { Ttl = 60 }
            .WithLabel(EndpointLabels.OwnedRecordKey, owned);
}
