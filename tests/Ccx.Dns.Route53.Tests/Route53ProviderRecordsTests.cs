using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Route53.Tests.Infrastructure;
using Names = Ccx.Dns.Route53.Route53ProviderSpecificNames;

namespace Ccx.Dns.Route53.Tests;

public sealed class Route53ProviderRecordsTests(MotoServerFixture moto) : MotoTestBase(moto)
{
    private static DnsEndpoint Routed(string name, string setId, string ip, params (string Name, string Value)[] properties)
    {
        var endpoint = A(name, ip) with { SetIdentifier = setId };
        foreach (var (n, v) in properties)
        {
            endpoint = endpoint.WithProviderSpecific(n, v);
        }

        return endpoint;
    }

    private static List<DnsEndpoint> DesiredWithEveryPolicy() =>
    [
        Routed("w.example.com", "w-1", "192.0.2.1", (Names.Weight, "10")),
        Routed("w.example.com", "w-2", "192.0.2.2", (Names.Weight, "020")),
        Routed("lat.example.com", "lat-use1", "192.0.2.3", (Names.Region, "us-east-1")),
        Routed("lat.example.com", "lat-euw1", "192.0.2.4", (Names.Region, "eu-west-1")),
        Routed("fo.example.com", "fo-p", "192.0.2.5", (Names.Failover, "primary"), (Names.HealthCheckId, "11111111-2222-3333-4444-555555555555")),
        Routed("fo.example.com", "fo-s", "192.0.2.6", (Names.Failover, "SECONDARY")),
        Routed("geo.example.com", "geo-eu", "192.0.2.7", (Names.GeolocationContinentCode, "EU")),
        Routed("geo.example.com", "geo-usca", "192.0.2.8", (Names.GeolocationCountryCode, "US"), (Names.GeolocationSubdivisionCode, "CA")),
        Routed("geo.example.com", "geo-default", "192.0.2.9", (Names.GeolocationCountryCode, "*")),
        Routed("mv.example.com", "mv-1", "192.0.2.10", (Names.MultiValueAnswer, "true")),
        Routed("mv.example.com", "mv-2", "192.0.2.11", (Names.MultiValueAnswer, string.Empty)),
        new DnsEndpoint("alb.example.com", RecordType.CNAME, "my-lb-123.us-east-1.elb.amazonaws.com"),
        new DnsEndpoint("nlb.example.com", RecordType.CNAME, "net-lb-1.elb.eu-west-1.amazonaws.com"),
        new DnsEndpoint("cdn.example.com", RecordType.CNAME, "d111111abcdef8.cloudfront.net")
            .WithProviderSpecific(ProviderSpecificNames.Alias, "A").WithProviderSpecific(Names.EvaluateTargetHealth, "false"),
        new DnsEndpoint("site.example.com", RecordType.CNAME, "my-bucket.s3-website-us-east-1.amazonaws.com")
            .WithProviderSpecific(ProviderSpecificNames.Alias, "AAAA"),
        new DnsEndpoint("same.example.com", RecordType.A, "www.example.com").WithProviderSpecific(ProviderSpecificNames.Alias, "true"),
        new DnsEndpoint("custom.example.com", RecordType.A, "target.example.net")
            .WithProviderSpecific(ProviderSpecificNames.Alias, "true").WithProviderSpecific(Names.TargetHostedZone, "ZCUSTOM12345"),
        (new DnsEndpoint("weighted-alias.example.com", RecordType.A, "lb-2.us-east-1.elb.amazonaws.com") { SetIdentifier = "wa-1" })
            .WithProviderSpecific(ProviderSpecificNames.Alias, "true").WithProviderSpecific(Names.Weight, "5"),
        new DnsEndpoint("c.example.com", RecordType.CNAME, "target.example.net") { Ttl = 60 },
        new DnsEndpoint("keep-cname.example.com", RecordType.CNAME, "x.us-east-1.elb.amazonaws.com").WithProviderSpecific(ProviderSpecificNames.Alias, "false"),
        new DnsEndpoint("t.example.com", RecordType.TXT, "hello \"quoted\" world"),
        new DnsEndpoint("long.example.com", RecordType.TXT, new string('x', 600)),
        new DnsEndpoint("*.example.com", RecordType.A, "192.0.2.12") { Ttl = 120 },
        new DnsEndpoint("mx.example.com", RecordType.MX, "10 mail.example.com") { Ttl = 300 },
        new DnsEndpoint("_sip._tcp.example.com", RecordType.SRV, "10 5 5060 sip.example.com.") { Ttl = 300 },
        new DnsEndpoint("v6.example.com", RecordType.AAAA, "2001:db8::1", "2001:db8::2") { Ttl = 300 },
    ];

    [Fact]
    public async Task ApplyChangesAsync_EveryRoutingPolicyAndAlias_ReadsBackEqualToAdjustedDesired()
    {
        var zoneId = await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        var desired = provider.AdjustEndpoints(DesiredWithEveryPolicy());

        await provider.ApplyChangesAsync(new DnsChanges { Create = desired });
        var current = ByKey(await provider.GetRecordsAsync());

        Assert.Equal(DesiredWithEveryPolicy().Count + 2, desired.Count); // the two alias CNAMEs without alias=A/AAAA became A and AAAA
        foreach (var endpoint in desired)
        {
            Assert.True(current.TryGetValue(endpoint.Key, out var read), $"missing {endpoint}");
            if (endpoint.Ttl == 0)
            {
                // An unset TTL is written as the default TTL (300); planners treat an unset desired TTL as "any".
                Assert.Equal(300, read.Ttl);
                read = read with { Ttl = 0 };
            }

            Assert.Equal(endpoint, read);
        }

        var raw = await Moto.SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{zoneId}/rrset");
        Assert.Contains("<HostedZoneId>Z35SXDOTRQ7X7K</HostedZoneId><DNSName>my-lb-123.us-east-1.elb.amazonaws.com.</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth>", raw, StringComparison.Ordinal);
        Assert.Contains("<HostedZoneId>Z2IFOLAFXWLO4F</HostedZoneId>", raw, StringComparison.Ordinal);
        Assert.Contains("<HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId><DNSName>d111111abcdef8.cloudfront.net.</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth>", raw, StringComparison.Ordinal);
        Assert.Contains("<HostedZoneId>Z3AQBSTGFYJSTF</HostedZoneId>", raw, StringComparison.Ordinal);
        Assert.Contains($"<HostedZoneId>{zoneId}</HostedZoneId><DNSName>www.example.com.</DNSName>", raw, StringComparison.Ordinal);
        Assert.Contains("<HostedZoneId>ZCUSTOM12345</HostedZoneId>", raw, StringComparison.Ordinal);
        Assert.Contains("<GeoLocation><CountryCode>US</CountryCode><SubdivisionCode>CA</SubdivisionCode></GeoLocation>", raw, StringComparison.Ordinal);
        Assert.Contains("<Failover>PRIMARY</Failover>", raw, StringComparison.Ordinal);
        Assert.Contains("<Value>\"hello \\\"quoted\\\" world\"</Value>", raw, StringComparison.Ordinal);
        Assert.Contains($"<Value>\"{new string('x', 255)}\" \"{new string('x', 255)}\" \"{new string('x', 90)}\"</Value>", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdjustEndpoints_AliasAndPolicies_CanonicalForms()
    {
        var provider = Providers.Create(o => o.EvaluateTargetHealth = false);

        var adjusted = provider.AdjustEndpoints(DesiredWithEveryPolicy());

        var alb = adjusted.Where(e => e.DnsName == "alb.example.com").ToList();
        Assert.Equal([RecordType.A, RecordType.AAAA], alb.Select(e => e.RecordType));
        Assert.All(alb, e =>
        {
            Assert.Equal(300, e.Ttl);
            Assert.True(e.IsAlias);
            Assert.Equal("false", e.ProviderSpecific.Single(p => p.Name == Names.EvaluateTargetHealth).Value);
        });
        Assert.Equal(RecordType.A, adjusted.Single(e => e.DnsName == "cdn.example.com").RecordType);
        Assert.Equal(RecordType.AAAA, adjusted.Single(e => e.DnsName == "site.example.com").RecordType);
        Assert.Equal("false", adjusted.Single(e => e.DnsName == "c.example.com").ProviderSpecific.Single().Value);
        Assert.Equal(RecordType.CNAME, adjusted.Single(e => e.DnsName == "keep-cname.example.com").RecordType);
        Assert.Equal("20", adjusted.Single(e => e.SetIdentifier == "w-2").ProviderSpecific.Single().Value);
        Assert.Equal("PRIMARY", adjusted.Single(e => e.SetIdentifier == "fo-p").ProviderSpecific.Single(p => p.Name == Names.Failover).Value);
        Assert.All(adjusted.Where(e => e.DnsName == "mv.example.com"), e => Assert.Equal(string.Empty, e.ProviderSpecific.Single().Value));
        Assert.All(adjusted, e => Assert.Equal(e.ProviderSpecific.OrderBy(p => p.Name, StringComparer.Ordinal), e.ProviderSpecific));
    }

    [Fact]
    public async Task AdjustEndpoints_PreferCname_KeepsAwsTargetsAsCnames()
    {
        var provider = Providers.Create(o => o.PreferCname = true);

        var adjusted = provider.AdjustEndpoints([new DnsEndpoint("alb.example.com", RecordType.CNAME, "my-lb-123.us-east-1.elb.amazonaws.com")]);

        Assert.Equal(RecordType.CNAME, Assert.Single(adjusted).RecordType);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task ApplyChangesAsync_UpdatesAndDeletes_RoundTrip()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        await provider.ApplyChangesAsync(new DnsChanges { Create = provider.AdjustEndpoints(DesiredWithEveryPolicy()) });
        var current = ByKey(await provider.GetRecordsAsync());

        var oldWeight = current[new EndpointKey("w.example.com", RecordType.A, "w-1")];
        var newWeight = oldWeight.WithProviderSpecific(Names.Weight, "30") with { Targets = ["192.0.2.100"] };
        var oldFailover = current[new EndpointKey("fo.example.com", RecordType.A, "fo-s")];
        var newPolicy = provider.AdjustEndpoints([(A("fo.example.com", "192.0.2.6") with { SetIdentifier = "fo-s" })
            .WithProviderSpecific(Names.Weight, "1")])[0];
        var oldCname = current[new EndpointKey("c.example.com", RecordType.CNAME)];
        var newCname = oldCname with { Targets = ["other.example.net"], Ttl = 600 };
        var deleted = new[]
        {
            current[new EndpointKey("alb.example.com", RecordType.A)],
            current[new EndpointKey("long.example.com", RecordType.TXT)],
            current[new EndpointKey("geo.example.com", RecordType.A, "geo-usca")],
            current[new EndpointKey("*.example.com", RecordType.A)],
        };

        await provider.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [oldWeight, oldFailover, oldCname],
            UpdateNew = [newWeight, newPolicy, newCname],
            Delete = deleted,
        });
        var after = ByKey(await provider.GetRecordsAsync());

        Assert.Equal(newWeight, after[newWeight.Key]);
        Assert.Equal(newPolicy, after[newPolicy.Key]);
        Assert.Equal(newCname, after[newCname.Key]);
        Assert.All(deleted, d => Assert.False(after.ContainsKey(d.Key), $"{d} should be gone"));
        Assert.Equal(current.Count - deleted.Length, after.Count);
    }

    [Fact]
    public async Task GetRecordsAsync_MoreThan300RecordSets_PagesAndKeepsEveryRecordOnce()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        var desired = new List<DnsEndpoint>();
        for (var i = 0; i < 650; i++)
        {
            if (i == 297)
            {
                // A weighted group whose sets straddle the first page boundary (page 1 ends inside the group).
                for (var s = 0; s < 5; s++)
                {
                    desired.Add(A($"r{i:D4}.example.com", $"192.0.2.{s + 1}") with { SetIdentifier = $"straddle-{s}" });
                    desired[^1] = desired[^1].WithProviderSpecific(Names.Weight, "1");
                }

                continue;
            }

            desired.Add(A($"r{i:D4}.example.com", $"10.0.{i / 256}.{i % 256}"));
        }

        await provider.ApplyChangesAsync(new DnsChanges { Create = desired });
        Providers.Counter.Reset();

        var records = await provider.GetRecordsAsync();

        var aRecords = records.Where(r => r.RecordType == RecordType.A).ToList();
        Assert.Equal(desired.Count, aRecords.Count);
        Assert.Equal(desired.Count, aRecords.Select(r => r.Key).Distinct().Count());
        Assert.Equal(5, aRecords.Count(r => r.DnsName == "r0297.example.com"));
        Assert.True(Providers.Counter.Count("ListResourceRecordSets") >= 3);
        Assert.Contains(Providers.Counter.RequestLog, l => l.Contains("name=r0297.example.com.&type=A", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetRecordsAsync_UnmanagedTypes_AreNotReturned()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();

        var records = await provider.GetRecordsAsync();

        Assert.DoesNotContain(records, r => r.RecordType.Value == "SOA");
        Assert.Contains(records, r => r.RecordType == RecordType.NS && r.DnsName == "example.com");
    }
}
