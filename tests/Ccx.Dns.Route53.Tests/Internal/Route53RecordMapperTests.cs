using Ccx.Dns.Endpoints;
using Ccx.Dns.Route53.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Names = Ccx.Dns.Route53.Route53ProviderSpecificNames;

namespace Ccx.Dns.Route53.Tests.Internal;

public sealed class Route53RecordMapperTests
{
    private static readonly HostedZone Zone = new("ZSELF", "example.com", false);

    private static Route53RecordMapper Mapper(Action<Route53ProviderOptions>? configure = null)
    {
        var options = new Route53ProviderOptions();
        configure?.Invoke(options);
        return new Route53RecordMapper(options, new Route53CanonicalHostedZones(options.CanonicalHostedZones), NullLogger.Instance);
    }

    [Fact]
    public void ToEndpoint_EscapedWildcardFromRoute53_BecomesStar()
    {
        var rs = Route53Xml.ReadRecordSets(System.Xml.Linq.XDocument.Parse(
            "<R><ResourceRecordSets><ResourceRecordSet><Name>\\052.example.com.</Name><Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></ResourceRecordSets><IsTruncated>false</IsTruncated></R>")).RecordSets[0];

        var endpoint = Mapper().ToEndpoint(rs, Zone)!;

        Assert.Equal("*.example.com", endpoint.DnsName);
        Assert.Equal(60, endpoint.Ttl);
    }

    [Fact]
    public void ToEndpoint_AliasWithTtlZero_GetsTtl300AndNoDerivableZoneProperty()
    {
        var rs = new ResourceRecordSet
        {
            Name = "www.example.com",
            Type = "A",
            Ttl = 0,
            AliasTarget = new AliasTarget("Z35SXDOTRQ7X7K", "lb.us-east-1.elb.amazonaws.com", true),
        };

        var endpoint = Mapper().ToEndpoint(rs, Zone)!;

        Assert.Equal(300, endpoint.Ttl);
        Assert.Equal([new(ProviderSpecificNames.Alias, "true"), new ProviderSpecificProperty(Names.EvaluateTargetHealth, "true")], endpoint.ProviderSpecific);
    }

    [Fact]
    public void ToRecordSet_TxtCarryingAliasProperty_IsNeverAnAlias()
    {
        var txt = new DnsEndpoint("a-www.example.com", RecordType.TXT, "\"heritage=external-dns\"").WithProviderSpecific(ProviderSpecificNames.Alias, "true");

        var rs = Mapper().ToRecordSet(txt, Zone);

        Assert.Null(rs.AliasTarget);
        Assert.Equal(300, rs.Ttl);
        Assert.Equal(["\"heritage=external-dns\""], rs.Values);
    }

    [Fact]
    public void ToRecordSet_UnknownAliasTarget_PointsAtTheSameZone()
    {
        var rs = Mapper().ToRecordSet(new DnsEndpoint("a.example.com", RecordType.A, "b.example.com").WithProviderSpecific(ProviderSpecificNames.Alias, "true"), Zone);

        Assert.Equal(new AliasTarget("ZSELF", "b.example.com", true), rs.AliasTarget);
        Assert.Null(rs.Ttl);
    }

    [Fact]
    public void ToRecordSet_CanonicalZoneOverride_Wins()
    {
        var rs = Mapper(o => o.CanonicalHostedZones["us-east-1.elb.amazonaws.com"] = "ZOVERRIDE")
            .ToRecordSet(new DnsEndpoint("a.example.com", RecordType.A, "lb.us-east-1.elb.amazonaws.com").WithProviderSpecific(ProviderSpecificNames.Alias, "true"), Zone);

        Assert.Equal("ZOVERRIDE", rs.AliasTarget!.HostedZoneId);
    }

    [Fact]
    public void ToRecordSet_ContinentAndCountry_ContinentWins()
    {
        var endpoint = new DnsEndpoint("g.example.com", RecordType.A, "192.0.2.1") { SetIdentifier = "g" }
            .WithProviderSpecific(Names.GeolocationCountryCode, "US")
            .WithProviderSpecific(Names.GeolocationContinentCode, "NA");

        Assert.Equal(new GeoLocation("NA", null, null), Mapper().ToRecordSet(endpoint, Zone).GeoLocation);
    }

    [Theory]
    [InlineData(Names.GeoProximityRegion, "us-west-2", null)]
    [InlineData(Names.GeoProximityLocalZoneGroup, "us-west-2-lax-1", "15")]
    [InlineData(Names.GeoProximityCoordinates, " 49.22 , -74.01 ", "-20")]
    public void GeoProximity_ThroughTheWire_ReadsBackEqualToAdjusted(string property, string value, string? bias)
    {
        var mapper = Mapper();
        var desired = new DnsEndpoint("gp.example.com", RecordType.A, "192.0.2.1") { SetIdentifier = "gp", Ttl = 60 }.WithProviderSpecific(property, value);
        if (bias is not null)
        {
            desired = desired.WithProviderSpecific(Names.GeoProximityBias, bias);
        }

        var adjusted = mapper.Adjust([desired])[0];
        var body = System.Text.Encoding.UTF8.GetString(Route53Xml.WriteChangeBatch([new RecordSetChange(ChangeAction.Create, mapper.ToRecordSet(adjusted, Zone))]));
        var response = body
            .Replace("ChangeResourceRecordSetsRequest", "ListResourceRecordSetsResponse", StringComparison.Ordinal)
            .Replace("<ChangeBatch><Changes><Change><Action>CREATE</Action>", "<ResourceRecordSets>", StringComparison.Ordinal)
            .Replace("</Change></Changes></ChangeBatch>", "</ResourceRecordSets><IsTruncated>false</IsTruncated>", StringComparison.Ordinal);
        var read = mapper.ToEndpoint(Route53Xml.ReadRecordSets(System.Xml.Linq.XDocument.Parse(response)).RecordSets[0], Zone);

        Assert.Equal(bias ?? "0", adjusted.ProviderSpecific.Single(p => p.Name == Names.GeoProximityBias).Value);
        Assert.Contains("<GeoProximityLocation>", body, StringComparison.Ordinal);
        Assert.Equal(adjusted, read);
    }

    [Fact]
    public void ToRecordSet_InvalidCoordinates_AreIgnored()
    {
        var endpoint = new DnsEndpoint("gp.example.com", RecordType.A, "192.0.2.1") { SetIdentifier = "gp" }.WithProviderSpecific(Names.GeoProximityCoordinates, "91,10");

        Assert.Null(Mapper().ToRecordSet(endpoint, Zone).GeoProximityLocation);
    }

    [Theory]
    [InlineData("my-lb-1.us-east-1.elb.amazonaws.com", "Z35SXDOTRQ7X7K")]
    [InlineData("dualstack.my-lb-1.eu-west-1.elb.amazonaws.com.", "Z32O12XQLNTSW2")]
    [InlineData("nlb-1.elb.us-east-1.amazonaws.com", "Z26RNL4JYFTOTI")]
    [InlineData("d1.cloudfront.net", "Z2FDTNDATAQYW2")]
    [InlineData("a1.awsglobalaccelerator.com", "Z2BJ6XQ5FK7U4H")]
    [InlineData("example.net", null)]
    [InlineData("x.unknown-region.elb.amazonaws.com", null)]
    public void CanonicalHostedZones_Lookup_LongestSuffix(string target, string? expected) =>
        Assert.Equal(expected, new Route53CanonicalHostedZones().Lookup(target));
}
