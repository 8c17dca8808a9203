using System.Net;
using BenchmarkDotNet.Attributes;
using Ccx.Dns.Rfc2136;
using Ccx.Dns.Rfc2136.Transport;
using Ccx.Dns.Rfc2136.Tsig;
using Ccx.Dns.Rfc2136.Wire;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Benchmarks;

/// <summary>
/// The RFC 2136 provider's CPU work: decoding a 5,000-record zone transfer (50 compressed messages of 100 A
/// records), turning it into endpoints, and building + TSIG-signing one 50-change UPDATE message (with its
/// prerequisites: each deleted set's value and each created set's absence).
/// </summary>
[MemoryDiagnoser]
public class Rfc2136Benchmark
{
    private const string Zone = "big.test";
    private readonly List<byte[]> _messages = [];
    private readonly List<DnsResourceRecord> _updates = [];
    private readonly List<DnsResourceRecord> _prerequisites = [];
    private TsigKey _key = null!;
    private Rfc2136DnsProvider _provider = null!;

    [GlobalSetup]
    public void Setup()
    {
        for (var m = 0; m < 50; m++)
        {
            var answers = Enumerable.Range(m * 100, 100)
                .Select(i => new DnsResourceRecord($"host{i:D4}.{Zone}", DnsRecordType.A, DnsClass.IN, 300, new AddressRecordData(new IPAddress([10, 0, (byte)(i / 256), (byte)i]))))
                .ToArray();
            _messages.Add(new DnsMessage { Id = 1, IsResponse = true, Questions = [new DnsQuestion(Zone, DnsRecordType.AXFR)], Answers = answers }.Encode());
        }

        for (var i = 0; i < 50; i++)
        {
            _updates.Add(new DnsResourceRecord($"www{i}.{Zone}", DnsRecordType.A, DnsClass.Any, 0, EmptyRecordData.Instance));
            _updates.Add(new DnsResourceRecord($"www{i}.{Zone}", DnsRecordType.TXT, DnsClass.IN, 300, new TxtRecordData("heritage=external-dns,external-dns/owner=default")));
            _prerequisites.AddRange(DnsUpdatePrerequisites.RecordSetEquals($"www{i}.{Zone}", DnsRecordType.A, [new AddressRecordData(new IPAddress([192, 0, 2, (byte)i]))]));
            _prerequisites.Add(DnsUpdatePrerequisites.RecordSetDoesNotExist($"www{i}.{Zone}", DnsRecordType.TXT));
        }

        _key = new TsigKey("bench-key", "hmac-sha256", "96Ah/a2g0/nLeFGK+d/0tzQcccf9hCEIy34PoXX2Qg8=");
        var options = new Rfc2136ProviderOptions { Host = "127.0.0.1" };
        options.Zones.Add(Zone);
        _provider = new Rfc2136DnsProvider(Options.Create(options));
    }

    [Benchmark(Baseline = true)]
    public int DecodeZoneTransfer5000()
    {
        var count = 0;
        foreach (var message in _messages)
        {
            count += DnsMessage.Decode(message, out _).Answers.Count;
        }

        return count;
    }

    [Benchmark]
    public int DecodeZoneTransferToEndpoints5000()
    {
        var records = new List<DnsResourceRecord>(5000);
        foreach (var message in _messages)
        {
            records.AddRange(DnsMessage.Decode(message, out _).Answers);
        }

        return _provider.ToEndpoints(Zone, records).Count;
    }

    [Benchmark]
    public int EncodeAndSignUpdate50()
    {
        var update = Rfc2136Client.BuildUpdate(Zone, _prerequisites, _updates).Encode();
        return TsigSigner.Sign(update, _key, 1_700_000_000, 300, out _).Length;
    }
}
