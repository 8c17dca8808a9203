using BenchmarkDotNet.Attributes;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Registry.Txt;

namespace Ccx.Dns.Benchmarks;

/// <summary>
/// <see cref="TxtRegistry.GetRecordsAsync"/> over 100k A records and their 100k ownership TXT records, registry cache
/// off: every call reads the (in-memory) provider and rebuilds the ownership view. "Cold" uses a new registry per call,
/// so every ownership text is parsed (and, encrypted, decrypted: AES-GCM + gunzip); the steady-state cases reuse the
/// texts parsed by the previous read, as a reconcile loop does.
/// </summary>
[MemoryDiagnoser]
public class TxtRegistryBenchmark
{
    private const int RecordCount = 100_000;
    private const string Key = "0123456789abcdef0123456789abcdef";
    private static readonly TxtRegistryOptions PlainOptions = new() { OwnerId = "owner" };
    private static readonly TxtRegistryOptions EncryptedOptions = new() { OwnerId = "owner", EncryptionEnabled = true, EncryptionAesKey = Key };
    private InMemoryDnsProvider _plainZone = null!;
    private InMemoryDnsProvider _encryptedZone = null!;
    private TxtRegistry _plain = null!;
    private TxtRegistry _encrypted = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plainZone = Populate(encryption: null);
        _encryptedZone = Populate(new TxtOwnershipCodec(Key, encrypt: true));
        _plain = new TxtRegistry(_plainZone, PlainOptions);
        _encrypted = new TxtRegistry(_encryptedZone, EncryptedOptions);
    }

    [Benchmark(Baseline = true)]
    public async Task<int> GetRecordsCold() => (await new TxtRegistry(_plainZone, PlainOptions).GetRecordsAsync()).Count;

    [Benchmark]
    public async Task<int> GetRecords() => (await _plain.GetRecordsAsync()).Count;

    [Benchmark]
    public async Task<int> GetRecordsEncryptedCold() => (await new TxtRegistry(_encryptedZone, EncryptedOptions).GetRecordsAsync()).Count;

    [Benchmark]
    public async Task<int> GetRecordsEncrypted() => (await _encrypted.GetRecordsAsync()).Count;

    private static InMemoryDnsProvider Populate(TxtOwnershipCodec? encryption)
    {
        var provider = new InMemoryDnsProvider(["example.org"]);
        var records = new List<DnsEndpoint>(2 * RecordCount);
        for (var i = 0; i < RecordCount; i++)
        {
            var name = $"host-{i}.example.org";
            records.Add(new DnsEndpoint(name, RecordType.A, $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"));
            var labels = $"heritage=external-dns,external-dns/owner=owner,external-dns/resource=service/default/host-{i}";
            records.Add(new DnsEndpoint("a-" + name, RecordType.TXT, encryption is null ? "\"" + labels + "\"" : encryption.Format(EndpointLabels.Parse(labels))));
        }

        provider.ApplyChangesAsync(new DnsChanges { Create = records }).GetAwaiter().GetResult();
        return provider;
    }
}
