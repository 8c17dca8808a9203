using System.Text;
using System.Xml.Linq;
using BenchmarkDotNet.Attributes;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Route53;
using Ccx.Dns.Route53.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.Benchmarks.Providers.Route53;

/// <summary>
/// Client-side cost of the Route 53 provider: parsing and mapping one full ListResourceRecordSets page (300 record
/// sets), and packing 10,000 changes into batches.
/// </summary>
[MemoryDiagnoser]
public class Route53RecordSetsBenchmark
{
    private static readonly HostedZone Zone = new("ZBENCH", "example.com", false);
    private byte[] _page = [];
    private Route53RecordMapper _mapper = null!;
    private List<PendingChange> _changes = [];

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?><ListResourceRecordSetsResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ResourceRecordSets>");
        for (var i = 0; i < 300; i++)
        {
            if (i % 3 == 0)
            {
                sb.Append($"<ResourceRecordSet><Name>h{i:D4}.example.com.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>10.0.{i / 256}.{i % 256}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>");
            }
            else if (i % 3 == 1)
            {
                sb.Append($"<ResourceRecordSet><Name>a-h{i:D4}.example.com.</Name><Type>TXT</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>\"heritage=external-dns,external-dns/owner=default,external-dns/resource=service/ns/svc{i}\"</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>");
            }
            else
            {
                sb.Append($"<ResourceRecordSet><Name>w{i:D4}.example.com.</Name><Type>A</Type><SetIdentifier>blue</SetIdentifier><Weight>10</Weight><AliasTarget><HostedZoneId>Z35SXDOTRQ7X7K</HostedZoneId><DNSName>lb-{i}.us-east-1.elb.amazonaws.com.</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>");
            }
        }

        sb.Append("</ResourceRecordSets><IsTruncated>true</IsTruncated><NextRecordName>z.example.com.</NextRecordName><NextRecordType>A</NextRecordType><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>");
        _page = Encoding.UTF8.GetBytes(sb.ToString());
        var options = new Route53ProviderOptions();
        _mapper = new Route53RecordMapper(options, new Route53CanonicalHostedZones(), NullLogger.Instance);
        _changes = [];
        for (var i = 0; i < 5000; i++)
        {
            var record = new DnsEndpoint($"h{i:D5}.example.com", RecordType.A, "192.0.2.1") { Ttl = 300 };
            var txt = new DnsEndpoint($"a-h{i:D5}.example.com", RecordType.TXT, "\"heritage=external-dns,external-dns/owner=default\"")
                .WithLabel(EndpointLabels.OwnedRecordKey, record.DnsName);
            _changes.Add(new PendingChange(new RecordSetChange(ChangeAction.Create, _mapper.ToRecordSet(record, Zone)), record));
            _changes.Add(new PendingChange(new RecordSetChange(ChangeAction.Create, _mapper.ToRecordSet(txt, Zone)), txt));
        }
    }

    [Benchmark]
    public int ParsePage() => Route53Xml.ReadRecordSets(XDocument.Load(new MemoryStream(_page))).RecordSets.Count;

    [Benchmark]
    public int ParseAndMapPage()
    {
        var count = 0;
        foreach (var rs in Route53Xml.ReadRecordSets(XDocument.Load(new MemoryStream(_page))).RecordSets)
        {
            if (_mapper.ToEndpoint(rs, Zone) is not null)
            {
                count++;
            }
        }

        return count;
    }

    [Benchmark]
    public int PackTenThousandChanges()
    {
        var (batches, _) = Route53ChangeBatcher.Pack(_changes, new BatchLimits(1000, 1000, 32000));
        var total = 0;
        foreach (var batch in batches)
        {
            total += Route53ChangeBatcher.Order(batch).Count;
        }

        return total;
    }
}
