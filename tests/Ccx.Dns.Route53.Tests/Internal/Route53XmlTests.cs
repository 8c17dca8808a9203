using System.Net;
using System.Text;
using System.Xml.Linq;
using Ccx.Dns.Route53.Internal;

namespace Ccx.Dns.Route53.Tests.Internal;

public sealed class Route53XmlTests
{
    [Fact]
    public void ReadError_ErrorResponseLayout_ReturnsCodeAndMessage()
    {
        var (code, messages) = Route53Xml.ReadError(
            "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error><Type>Sender</Type><Code>PriorRequestNotComplete</Code><Message>still processing</Message></Error><RequestId>1</RequestId></ErrorResponse>",
            HttpStatusCode.BadRequest,
            "Bad Request");

        Assert.Equal("PriorRequestNotComplete", code);
        Assert.Equal(["still processing"], messages);
    }

    [Fact]
    public void ReadError_InvalidChangeBatchLayout_ReturnsEveryMessage()
    {
        var (code, messages) = Route53Xml.ReadError(
            "<?xml version=\"1.0\"?><InvalidChangeBatch xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Messages><Message>Tried to create resource record set [name='a.example.com.', type='TXT'] but it already exists</Message><Message>Tried to delete resource record set [name='b.example.com.', type='A'] but it was not found</Message></Messages><RequestId>2</RequestId></InvalidChangeBatch>",
            HttpStatusCode.BadRequest,
            null);

        Assert.Equal("InvalidChangeBatch", code);
        Assert.Equal(2, messages.Count);
        Assert.Contains("b.example.com.", messages[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>gateway</body></html>")]
    [InlineData("<not-closed")]
    [InlineData("upstream connect error")]
    public void ReadError_NotRoute53Xml_FallsBackToStatus(string body)
    {
        var (code, messages) = Route53Xml.ReadError(body, HttpStatusCode.BadGateway, "Bad Gateway");

        Assert.Equal("HTTP502", code);
        Assert.Equal(["Bad Gateway"], messages);
    }

    [Fact]
    public void ReadRecordSets_TruncatedPage_ReturnsCursorVerbatimAndDecodesNames()
    {
        var page = Route53Xml.ReadRecordSets(XDocument.Parse(
            "<ListResourceRecordSetsResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ResourceRecordSets>"
            + "<ResourceRecordSet><Name>\\052.example.com.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
            + "<ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><SetIdentifier>blue</SetIdentifier><Weight>10</Weight><AliasTarget><HostedZoneId>Z35SXDOTRQ7X7K</HostedZoneId><DNSName>my-lb.us-east-1.elb.amazonaws.com.</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>"
            + "</ResourceRecordSets><IsTruncated>true</IsTruncated><NextRecordName>\\052.x.example.com.</NextRecordName><NextRecordType>TXT</NextRecordType><NextRecordIdentifier>green</NextRecordIdentifier><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>"));

        Assert.Equal("*.example.com", page.RecordSets[0].Name);
        Assert.Equal(300, page.RecordSets[0].Ttl);
        var alias = page.RecordSets[1].AliasTarget!;
        Assert.Equal(("Z35SXDOTRQ7X7K", "my-lb.us-east-1.elb.amazonaws.com", true), (alias.HostedZoneId, alias.DnsName, alias.EvaluateTargetHealth));
        Assert.Equal(10, page.RecordSets[1].Weight);
        Assert.Equal(new RecordSetCursor("\\052.x.example.com.", "TXT", "green"), page.Next);
    }

    [Fact]
    public void ReadHostedZones_PrivateAndMissingConfig_MapVisibilityAndStripIdPrefix()
    {
        var page = Route53Xml.ReadHostedZones(XDocument.Parse(
            "<ListHostedZonesResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><HostedZones>"
            + "<HostedZone><Id>/hostedzone/ZPRIV</Id><Name>internal.example.</Name><Config><PrivateZone>true</PrivateZone></Config></HostedZone>"
            + "<HostedZone><Id>/hostedzone/ZPUB</Id><Name>example.com.</Name></HostedZone>"
            + "</HostedZones><Marker/><IsTruncated>true</IsTruncated><NextMarker>ZNEXT</NextMarker><MaxItems>100</MaxItems></ListHostedZonesResponse>"));

        Assert.Equal([new("ZPRIV", "internal.example", true), new HostedZone("ZPUB", "example.com", false)], page.Zones);
        Assert.Equal("ZNEXT", page.NextMarker);
    }

    [Fact]
    public void WriteChangeBatch_AliasAndRouting_WritesElementsInModelOrder()
    {
        var body = Encoding.UTF8.GetString(Route53Xml.WriteChangeBatch(
        [
            new RecordSetChange(ChangeAction.Upsert, new ResourceRecordSet
            {
                Name = "*.example.com",
                Type = "A",
                SetIdentifier = "eu",
                GeoLocation = new GeoLocation("EU", null, null),
                AliasTarget = new AliasTarget("Z1", "lb.example.net", false),
                HealthCheckId = "hc",
            }),
        ]));

        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>*.example.com.</Name><Type>A</Type><SetIdentifier>eu</SetIdentifier><GeoLocation><ContinentCode>EU</ContinentCode></GeoLocation><AliasTarget><HostedZoneId>Z1</HostedZoneId><DNSName>lb.example.net.</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget><HealthCheckId>hc</HealthCheckId></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>",
            body);
    }

    [Fact]
    public void WriteChangeBatch_VectorRecord_MatchesSpecBodyExceptDeclarationCase()
    {
        var body = Encoding.UTF8.GetString(Route53Xml.WriteChangeBatch(
            [new RecordSetChange(ChangeAction.Upsert, new ResourceRecordSet { Name = "www.example.com", Type = "A", Ttl = 300, Values = ["192.0.2.10"] })]));

        Assert.EndsWith(
            "<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.10</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>",
            body);
    }
}
