using System.Net;
using System.Text;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Route53.Tests.Infrastructure;

namespace Ccx.Dns.Route53.Tests;

/// <summary>
/// Behaviour of real Route 53 that moto does not reproduce (escaped names in responses, NextRecordIdentifier
/// paging), replayed from canned responses in front of an unreachable endpoint.
/// </summary>
public sealed class Route53ProviderWireTests : IDisposable
{
    private const string Ns = "https://route53.amazonaws.com/doc/2013-04-01/";
    private readonly TestProviders _providers = new(new Uri("http://127.0.0.1:9"));
    private int _verified;
    private int _mismatches;

    public Route53ProviderWireTests()
    {
        // Canned answers never reach the signature-checking handler, so every request is checked here first.
        var checker = new SignatureCheckingHandler(TestProviders.SecretKey);
        _providers.Counter.AddRule(
            (request, body) =>
            {
                Interlocked.Increment(ref _verified);
                if (!checker.Check(request, Encoding.UTF8.GetBytes(body)))
                {
                    Interlocked.Increment(ref _mismatches);
                }

                return false;
            },
            () => throw new InvalidOperationException());
    }

    public void Dispose() => _providers.Dispose();

    private static HttpResponseMessage Xml(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };

    [Fact]
    public async Task GetRecordsAsync_RecordIdentifierCursor_IsSentBackEscapedAndVerbatim()
    {
        _providers.Counter.AddRule(
            (r, _) => CountingFaultHandler.OperationOf(r) == "ListHostedZones",
            () => Xml($"<ListHostedZonesResponse xmlns=\"{Ns}\"><HostedZones><HostedZone><Id>/hostedzone/ZREAL</Id><Name>example.com.</Name><Config><PrivateZone>false</PrivateZone></Config></HostedZone></HostedZones><Marker/><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>"));
        _providers.Counter.AddRule(
            (r, _) => CountingFaultHandler.OperationOf(r) == "ListResourceRecordSets" && !r.RequestUri!.Query.Contains("name=", StringComparison.Ordinal),
            () => Xml($"<ListResourceRecordSetsResponse xmlns=\"{Ns}\"><ResourceRecordSets>"
                + "<ResourceRecordSet><Name>\\052.example.com.</Name><Type>A</Type><SetIdentifier>blue</SetIdentifier><Weight>1</Weight><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
                + "</ResourceRecordSets><IsTruncated>true</IsTruncated><NextRecordName>\\052.example.com.</NextRecordName><NextRecordType>A</NextRecordType><NextRecordIdentifier>green team</NextRecordIdentifier><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>"));
        _providers.Counter.AddRule(
            (r, _) => CountingFaultHandler.OperationOf(r) == "ListResourceRecordSets",
            () => Xml($"<ListResourceRecordSetsResponse xmlns=\"{Ns}\"><ResourceRecordSets>"
                + "<ResourceRecordSet><Name>\\052.example.com.</Name><Type>A</Type><SetIdentifier>green team</SetIdentifier><Weight>2</Weight><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.2</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
                + "</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>"));
        var provider = _providers.Create();

        var records = await provider.GetRecordsAsync();

        Assert.Equal(["blue", "green team"], records.Select(r => r.SetIdentifier));
        Assert.All(records, r => Assert.Equal("*.example.com", r.DnsName));
        Assert.Contains(_providers.Counter.RequestLog, l => l.EndsWith("/2013-04-01/hostedzone/ZREAL/rrset?maxitems=300&name=%5C052.example.com.&type=A&identifier=green%20team", StringComparison.Ordinal));
        Assert.Equal(3, _verified);
        Assert.Equal(0, _mismatches);
    }

    [Fact]
    public async Task ApplyChangesAsync_WildcardName_IsSentRawAndSignedCorrectly()
    {
        string? sent = null;
        _providers.Counter.AddRule(
            (r, _) => CountingFaultHandler.OperationOf(r) == "ListHostedZones",
            () => Xml($"<ListHostedZonesResponse xmlns=\"{Ns}\"><HostedZones><HostedZone><Id>/hostedzone/ZREAL</Id><Name>example.com.</Name></HostedZone></HostedZones><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>"));
        _providers.Counter.AddRule(
            (r, body) => { if (r.Method == HttpMethod.Post) { sent = body; return true; } return false; },
            () => Xml($"<ChangeResourceRecordSetsResponse xmlns=\"{Ns}\"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2026-01-01T00:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>"));
        var provider = _providers.Create();

        await provider.ApplyChangesAsync(new Planning.DnsChanges { Create = [new DnsEndpoint("*.example.com", RecordType.A, "192.0.2.1")] });

        Assert.Contains("<Name>*.example.com.</Name><Type>A</Type><TTL>300</TTL>", sent, StringComparison.Ordinal);
        Assert.Equal(2, _verified);
        Assert.Equal(0, _mismatches);
    }
}
