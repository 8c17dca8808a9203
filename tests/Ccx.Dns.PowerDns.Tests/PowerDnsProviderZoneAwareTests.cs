using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Providers;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary><see cref="IZoneAwareDnsProvider.FindZone"/> against a real pdns_server with a parent and a child zone.</summary>
[Collection(PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class PowerDnsProviderZoneAwareTests(PowerDnsServerFixture server)
{
    [Fact]
    public async Task FindZone_NullBeforeTheZonesAreKnown_ThenTheMostSpecificZoneNormalised()
    {
        var parent = await server.CreateZoneAsync();
        var child = await server.CreateZoneAsync("sub." + parent);
        using var provider = new PowerDnsProvider(server.Options(parent));
        IZoneAwareDnsProvider zoneAware = provider;

        Assert.Null(zoneAware.FindZone($"www.{parent}"));

        await provider.GetRecordsAsync();

        Assert.Equal(parent, zoneAware.FindZone($"www.{parent}"));
        Assert.Equal(parent, zoneAware.FindZone($"WWW.{parent.ToUpperInvariant()}."));
        Assert.Equal(parent, zoneAware.FindZone(parent + "."));
        Assert.Equal(child, zoneAware.FindZone($"deep.www.{child}"));
        Assert.Equal(child, zoneAware.FindZone(child));
        Assert.Equal(parent, zoneAware.FindZone($"notsub.{parent}"));
        Assert.Null(zoneAware.FindZone("www.no-such-zone.invalid"));
    }

    [Fact]
    public async Task FindZone_KnownAfterAnApplyAlone_AndFollowsZonesCreatedSince()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = new PowerDnsProvider(server.Options(zone));

        await provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint($"a.{zone}", RecordType.A, "192.0.2.1")] });
        Assert.Equal(zone, provider.FindZone($"x.child.{zone}"));

        var child = await server.CreateZoneAsync("child." + zone);
        Assert.Equal(zone, provider.FindZone($"x.child.{zone}")); // as of the last read
        await provider.GetRecordsAsync();
        Assert.Equal(child, provider.FindZone($"x.child.{zone}"));
    }
}
