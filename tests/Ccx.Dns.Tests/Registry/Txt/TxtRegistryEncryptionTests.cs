using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Tests.TestDoubles;
using static Ccx.Dns.Tests.Registry.Txt.TxtRegistryTestKit;

namespace Ccx.Dns.Tests.Registry.Txt;

// The ExternalDNS scheme (spec §1.5) is rebuilt here independently of the registry's own encryption code:
// text = base64(nonce[12] ‖ AES-256-GCM-Seal(key, nonce, gzip(labels)) ‖ tag[16]), wrapped in quotes.
public sealed class TxtRegistryEncryptionTests
{
    private const string RawKey = "0123456789abcdef0123456789abcdef";
    private const string PlainLabels = "heritage=external-dns,external-dns/owner=owner,external-dns/resource=ingress/default/foo";
    private static readonly byte[] Nonce = [0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15];

    [Fact]
    public async Task GetRecordsAsync_CiphertextInExternalDnsScheme_DecryptsToLabels()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("foo.example.org", "1.2.3.4"),
            TxtRecord("a-foo.example.org", Quote(Seal(Gzip(PlainLabels), Encoding.UTF8.GetBytes(RawKey), Nonce))));

        var record = Assert.Single(await CreateRegistry(provider, o => o.EncryptionAesKey = RawKey).GetRecordsAsync());

        Assert.Equal("owner", record.Owner);
        Assert.Equal("ingress/default/foo", record.Labels[EndpointLabels.ResourceKey]);
        Assert.Equal(Convert.ToBase64String(Nonce), record.Labels[EndpointLabels.TxtEncryptionNonceKey]);
    }

    [Fact]
    public async Task GetRecordsAsync_GzipFromAnotherCompressor_Decrypts()
    {
        // Go's compress/gzip produces other bytes than .NET's; a stored (uncompressed) deflate block stands in for
        // "a different compressor" and proves the reader depends on the format only.
        var provider = NewProvider();
        await SeedAsync(provider,
            A("foo.example.org", "1.2.3.4"),
            TxtRecord("a-foo.example.org", Quote(Seal(StoredGzip(PlainLabels), Encoding.UTF8.GetBytes(RawKey), Nonce))));

        var record = Assert.Single(await CreateRegistry(provider, o => o.EncryptionAesKey = RawKey).GetRecordsAsync());

        Assert.Equal("owner", record.Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_Base64Key_Decrypts()
    {
        var key = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var provider = NewProvider();
        await SeedAsync(provider,
            A("foo.example.org", "1.2.3.4"),
            TxtRecord("a-foo.example.org", Quote(Seal(Gzip(PlainLabels), key, Nonce))));

        var record = Assert.Single(await CreateRegistry(provider, o => o.EncryptionAesKey = Convert.ToBase64String(key)).GetRecordsAsync());

        Assert.Equal("owner", record.Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_CiphertextUnderAnotherKey_IsAForeignTxtRecord()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("foo.example.org", "1.2.3.4"),
            TxtRecord("a-foo.example.org", Quote(Seal(Gzip(PlainLabels), Encoding.UTF8.GetBytes("ffffffffffffffffffffffffffffffff"), Nonce))));

        var records = await CreateRegistry(provider, o => o.EncryptionAesKey = RawKey).GetRecordsAsync();

        Assert.Equal(2, records.Count);
        Assert.Null(Single(records, "foo.example.org", RecordType.A).Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_KeySet_PlainOwnershipIsStillRead()
    {
        var provider = NewProvider();
        await SeedAsync(provider, A("foo.example.org", "1.2.3.4"), TxtRecord("a-foo.example.org", "\"" + PlainLabels + "\""));

        var record = Assert.Single(await CreateRegistry(provider, o => { o.EncryptionEnabled = true; o.EncryptionAesKey = RawKey; }).GetRecordsAsync());

        Assert.Equal("owner", record.Owner);
        Assert.False(record.Labels.ContainsKey(EndpointLabels.TxtEncryptionNonceKey));
    }

    [Fact]
    public async Task ApplyChangesAsync_DeleteOfEncryptedOwnership_ReusesTheTextThatWasRead()
    {
        var provider = NewProvider();
        var recorder = new RecordingDnsProvider(provider);
        var text = Quote(Seal(Gzip(PlainLabels), Encoding.UTF8.GetBytes(RawKey), Nonce));
        await SeedAsync(provider, A("foo.example.org", "1.2.3.4"), TxtRecord("a-foo.example.org", text));
        var registry = CreateRegistry(recorder, o => { o.EncryptionEnabled = true; o.EncryptionAesKey = RawKey; });
        var foo = Assert.Single(await registry.GetRecordsAsync());

        await registry.ApplyChangesAsync(new DnsChanges { Delete = [foo] });

        var deletedTxt = Assert.Single(Assert.Single(recorder.Applied).Delete, r => r.RecordType == RecordType.TXT);
        Assert.Equal(text, Assert.Single(deletedTxt.Targets));
        Assert.Empty(provider.GetZoneRecords(Zone));
    }

    [Fact]
    public async Task ApplyChangesAsync_UpdateOfEncryptedOwnership_ReplacesReadTextWithFreshCiphertext()
    {
        var provider = NewProvider();
        var recorder = new RecordingDnsProvider(provider);
        var text = Quote(Seal(Gzip(PlainLabels), Encoding.UTF8.GetBytes(RawKey), Nonce));
        await SeedAsync(provider, A("foo.example.org", "1.2.3.4"), TxtRecord("a-foo.example.org", text));
        var registry = CreateRegistry(recorder, o => { o.EncryptionEnabled = true; o.EncryptionAesKey = RawKey; });
        var foo = Assert.Single(await registry.GetRecordsAsync());

        await registry.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [foo],
            UpdateNew = [foo.WithLabel(EndpointLabels.ResourceKey, "ingress/default/bar")],
        });

        var sent = Assert.Single(recorder.Applied);
        Assert.Equal(text, Assert.Single(sent.UpdateOld.Single(r => r.RecordType == RecordType.TXT).Targets));
        var written = Assert.Single(FindInZone(provider, "a-foo.example.org", RecordType.TXT)!.Targets);
        var (plaintext, nonce) = Open(written, Encoding.UTF8.GetBytes(RawKey));
        Assert.Equal("heritage=external-dns,external-dns/owner=owner,external-dns/resource=ingress/default/bar", plaintext);
        Assert.NotEqual(Nonce, nonce);
    }

    [Fact]
    public async Task ApplyChangesAsync_UpdateOfTargetsWithEncryptedOwnership_KeepsTheCiphertext()
    {
        var provider = NewProvider();
        var text = Quote(Seal(Gzip(PlainLabels), Encoding.UTF8.GetBytes(RawKey), Nonce));
        await SeedAsync(provider, A("foo.example.org", "1.2.3.4"), TxtRecord("a-foo.example.org", text));
        var registry = CreateRegistry(provider, o => { o.EncryptionEnabled = true; o.EncryptionAesKey = RawKey; });
        var foo = Assert.Single(await registry.GetRecordsAsync());

        // The planner's new record carries the owner it inherited but not the nonce label.
        await registry.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [foo],
            UpdateNew = [A("foo.example.org", "5.6.7.8").WithLabel(EndpointLabels.OwnerKey, "owner").WithLabel(EndpointLabels.ResourceKey, "ingress/default/foo")],
        });

        Assert.Equal(text, Assert.Single(FindInZone(provider, "a-foo.example.org", RecordType.TXT)!.Targets));
    }

    [Fact]
    public async Task ApplyChangesAsync_CreateWithEncryption_WritesCiphertextInExternalDnsScheme()
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider, o => { o.EncryptionEnabled = true; o.EncryptionAesKey = RawKey; });
        await registry.GetRecordsAsync();

        await registry.ApplyChangesAsync(new DnsChanges
        {
            Create = [A("foo.example.org", "1.2.3.4").WithLabel(EndpointLabels.ResourceKey, "ingress/default/foo"), A("bar.example.org", "1.2.3.4")],
        });

        var foo = Assert.Single(FindInZone(provider, "a-foo.example.org", RecordType.TXT)!.Targets);
        var bar = Assert.Single(FindInZone(provider, "a-bar.example.org", RecordType.TXT)!.Targets);
        Assert.StartsWith("\"", foo, StringComparison.Ordinal);
        Assert.EndsWith("\"", foo, StringComparison.Ordinal);
        var (plaintext, fooNonce) = Open(foo, Encoding.UTF8.GetBytes(RawKey));
        Assert.Equal(PlainLabels, plaintext);
        Assert.NotEqual(fooNonce, Open(bar, Encoding.UTF8.GetBytes(RawKey)).Nonce);
        Assert.DoesNotContain("heritage", foo, StringComparison.Ordinal);
    }

    private static string Quote(string text) => "\"" + text + "\"";

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    /// <summary>A gzip member holding one stored deflate block (RFC 1951 §3.2.4, RFC 1952).</summary>
    private static byte[] StoredGzip(string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        var result = new List<byte> { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
        result.Add(1); // BFINAL=1, BTYPE=00
        result.AddRange(BitConverter.GetBytes((ushort)data.Length));
        result.AddRange(BitConverter.GetBytes((ushort)~data.Length));
        result.AddRange(data);
        result.AddRange(BitConverter.GetBytes(Crc32(data)));
        result.AddRange(BitConverter.GetBytes((uint)data.Length));
        return [.. result];
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static string Seal(byte[] compressed, byte[] key, byte[] nonce)
    {
        var cipher = new byte[compressed.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, compressed, cipher, tag);
        return Convert.ToBase64String([.. nonce, .. cipher, .. tag]);
    }

    private static (string Plaintext, byte[] Nonce) Open(string text, byte[] key)
    {
        var blob = Convert.FromBase64String(text.Trim('"'));
        var nonce = blob[..12];
        var cipher = blob[12..^16];
        var compressed = new byte[cipher.Length];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Decrypt(nonce, cipher, blob[^16..], compressed);
        }

        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return (reader.ReadToEnd(), nonce);
    }
}
