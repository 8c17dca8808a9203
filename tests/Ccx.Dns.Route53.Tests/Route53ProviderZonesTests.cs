using Ccx.Dns.Planning;
using Ccx.Dns.Route53.Tests.Infrastructure;

namespace Ccx.Dns.Route53.Tests;

public sealed class Route53ProviderZonesTests(MotoServerFixture moto) : MotoTestBase(moto)
{
    private async Task<Dictionary<string, string>> CreateZonesAsync()
    {
        var com = await Moto.CreateZoneAsync("example.com");
        var org = await Moto.CreateZoneAsync("example.org");
        var internalZone = await Moto.CreateZoneAsync("internal.example.com", isPrivate: true);
        var net = await Moto.CreateZoneAsync("other.net");
        await Moto.TagZoneAsync(com, ("env", "prod"), ("team", "dns"));
        await Moto.TagZoneAsync(org, ("env", "dev"));
        return new() { ["example.com"] = com, ["example.org"] = org, ["internal.example.com"] = internalZone, ["other.net"] = net };
    }

    private async Task<string[]> ZoneNamesAsync(Action<Route53ProviderOptions> configure)
    {
        var provider = Providers.Create(configure);
        var zones = await provider.GetZonesAsync(CancellationToken.None);
        return [.. zones.Select(z => z.Name).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task GetZonesAsync_NoFilters_ReturnsEveryZone()
    {
        await CreateZonesAsync();

        Assert.Equal(["example.com", "example.org", "internal.example.com", "other.net"], await ZoneNamesAsync(_ => { }));
    }

    [Fact]
    public async Task GetZonesAsync_DomainFilter_KeepsZonesAtOrBelowTheDomain()
    {
        await CreateZonesAsync();

        Assert.Equal(["example.com", "internal.example.com"], await ZoneNamesAsync(o => o.DomainFilter.Add("example.com")));
        Assert.Equal(["example.com"], await ZoneNamesAsync(o => { o.DomainFilter.Add("example.com"); o.ExcludeDomains.Add("internal.example.com"); }));
    }

    [Fact]
    public async Task GetZonesAsync_ZoneMatchParent_AdmitsParentOfFilter()
    {
        await CreateZonesAsync();

        Assert.Empty(await ZoneNamesAsync(o => o.DomainFilter.Add("app.example.org")));
        Assert.Equal(["example.org"], await ZoneNamesAsync(o => { o.DomainFilter.Add("app.example.org"); o.ZoneMatchParent = true; }));
    }

    [Fact]
    public async Task GetZonesAsync_ZoneType_SelectsPublicOrPrivate()
    {
        await CreateZonesAsync();

        Assert.Equal(["internal.example.com"], await ZoneNamesAsync(o => o.ZoneType = Route53ZoneType.Private));
        Assert.Equal(["example.com", "example.org", "other.net"], await ZoneNamesAsync(o => o.ZoneType = Route53ZoneType.Public));
    }

    [Fact]
    public async Task GetZonesAsync_ZoneIdFilter_MatchesIdSuffix()
    {
        var ids = await CreateZonesAsync();

        Assert.Equal(["example.org"], await ZoneNamesAsync(o => o.ZoneIdFilter.Add(ids["example.org"])));
        Assert.Equal(["other.net"], await ZoneNamesAsync(o => o.ZoneIdFilter.Add("/hostedzone/" + ids["other.net"])));
    }

    [Fact]
    public async Task GetZonesAsync_ZoneTags_RequireEveryKeyAndValue()
    {
        await CreateZonesAsync();

        Assert.Equal(["example.com", "example.org"], await ZoneNamesAsync(o => o.ZoneTags.Add("env")));
        Assert.Equal(["example.com"], await ZoneNamesAsync(o => o.ZoneTags.Add("env=prod")));
        Assert.Equal(["example.com"], await ZoneNamesAsync(o => { o.ZoneTags.Add("env"); o.ZoneTags.Add(" team = dns "); }));
        Assert.Empty(await ZoneNamesAsync(o => o.ZoneTags.Add("env=staging")));
    }

    [Fact]
    public async Task GetZonesAsync_MoreThanOnePage_PagesZonesAndChunksTagCalls()
    {
        for (var i = 0; i < 105; i++)
        {
            var id = await Moto.CreateZoneAsync($"z{i:D3}.example");
            if (i % 2 == 0)
            {
                await Moto.TagZoneAsync(id, ("keep", "yes"));
            }
        }

        var names = await ZoneNamesAsync(o => o.ZoneTags.Add("keep=yes"));

        Assert.Equal(53, names.Length);
        Assert.Equal(2, Providers.Counter.Count("ListHostedZones"));
        Assert.Equal(11, Providers.Counter.Count("ListTagsForResources")); // 100 zones → 10 calls, 5 zones → 1 call
    }

    [Fact]
    public async Task GetZonesAsync_CacheDuration_ReusesZonesUntilExpiry()
    {
        await CreateZonesAsync();
        var provider = Providers.Create(o => o.ZonesCacheDuration = TimeSpan.FromMinutes(1));

        await provider.GetZonesAsync(CancellationToken.None);
        await provider.GetZonesAsync(CancellationToken.None);
        Assert.Equal(1, Providers.Counter.Count("ListHostedZones"));

        Providers.Time.Advance(TimeSpan.FromMinutes(1));
        await provider.GetZonesAsync(CancellationToken.None);
        Assert.Equal(2, Providers.Counter.Count("ListHostedZones"));
    }

    [Fact]
    public async Task GetZonesAsync_NoCache_ReadsZonesEveryTime()
    {
        await CreateZonesAsync();
        var provider = Providers.Create();

        await provider.GetZonesAsync(CancellationToken.None);
        await provider.GetZonesAsync(CancellationToken.None);

        Assert.Equal(2, Providers.Counter.Count("ListHostedZones"));
    }

    [Fact]
    public async Task ApplyChangesAsync_NestedZones_WritesToMostSpecificZone()
    {
        var parent = await Moto.CreateZoneAsync("example.com");
        var child = await Moto.CreateZoneAsync("sub.example.com");
        var provider = Providers.Create();

        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("a.sub.example.com", "192.0.2.1"), A("b.example.com", "192.0.2.2")] });

        var parentRecords = await Moto.SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{parent}/rrset");
        var childRecords = await Moto.SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{child}/rrset");
        Assert.Contains("<Name>a.sub.example.com.</Name>", childRecords, StringComparison.Ordinal);
        Assert.DoesNotContain("a.sub.example.com", parentRecords, StringComparison.Ordinal);
        Assert.Contains("<Name>b.example.com.</Name>", parentRecords, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChangesAsync_PublicAndPrivateTwins_WritesToBothUnlessPinned()
    {
        var publicZone = await Moto.CreateZoneAsync("example.com");
        var privateZone = await Moto.CreateZoneAsync("example.com", isPrivate: true);
        var provider = Providers.Create();

        await provider.ApplyChangesAsync(new DnsChanges
        {
            Create = [A("both.example.com", "192.0.2.1"), A("private.example.com", "10.0.0.1").WithProviderSpecific(Route53ProviderSpecificNames.HostedZoneId, privateZone)],
        });

        var publicRecords = await Moto.SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{publicZone}/rrset");
        var privateRecords = await Moto.SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{privateZone}/rrset");
        Assert.Contains("<Name>both.example.com.</Name>", publicRecords, StringComparison.Ordinal);
        Assert.Contains("<Name>both.example.com.</Name>", privateRecords, StringComparison.Ordinal);
        Assert.Contains("<Name>private.example.com.</Name>", privateRecords, StringComparison.Ordinal);
        Assert.DoesNotContain("private.example.com", publicRecords, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChangesAsync_HostedZoneIdProperty_PinsTheZone()
    {
        var parent = await Moto.CreateZoneAsync("example.com");
        var child = await Moto.CreateZoneAsync("sub.example.com");
        var provider = Providers.Create();
        var pinned = A("x.sub.example.com", "192.0.2.1").WithProviderSpecific(Route53ProviderSpecificNames.HostedZoneId, "/hostedzone/" + parent);

        await provider.ApplyChangesAsync(new DnsChanges { Create = [pinned] });

        Assert.Contains("<Name>x.sub.example.com.</Name>", await Moto.SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{parent}/rrset"), StringComparison.Ordinal);
        Assert.DoesNotContain("x.sub.example.com", await Moto.SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{child}/rrset"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChangesAsync_NameWithoutZone_IsSkippedAndLogged()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();

        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("www.elsewhere.org", "192.0.2.1")] });

        Assert.Equal(0, Providers.Counter.Count("ChangeResourceRecordSets"));
        Assert.Contains(Providers.Logs.Lines, l => l.Contains("no hosted zone serves www.elsewhere.org", StringComparison.Ordinal));
    }
}
