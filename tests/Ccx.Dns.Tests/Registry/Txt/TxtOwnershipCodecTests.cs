using Ccx.Dns.Endpoints;
using Ccx.Dns.Registry.Txt;

namespace Ccx.Dns.Tests.Registry.Txt;

public sealed class TxtOwnershipCodecTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";

    private static readonly Dictionary<string, string> Labels = new() { ["owner"] = "o", ["resource"] = "service/ns/svc" };

    [Fact]
    public void Format_Plain_WritesQuotedExternalDnsText()
    {
        Assert.Equal("\"heritage=external-dns,external-dns/owner=o,external-dns/resource=service/ns/svc\"", new TxtOwnershipCodec().Format(Labels));
    }

    [Fact]
    public void FormatThenTryParse_Encrypted_RoundTripsWithANonceLabel()
    {
        var codec = new TxtOwnershipCodec(Key, encrypt: true);

        var text = codec.Format(Labels);

        Assert.True(codec.TryParse(text, out var parsed));
        Assert.Equal("o", parsed["owner"]);
        Assert.Equal("service/ns/svc", parsed["resource"]);
        Assert.Equal(12, Convert.FromBase64String(parsed[EndpointLabels.TxtEncryptionNonceKey]).Length);
        Assert.False(new TxtOwnershipCodec().TryParse(text, out _), "without the key the ciphertext is not ownership text");
    }

    [Fact]
    public void Format_EncryptedTwice_UsesFreshNonces()
    {
        var codec = new TxtOwnershipCodec(Key, encrypt: true);

        Assert.NotEqual(codec.Format(Labels), codec.Format(Labels));
    }

    [Fact]
    public void TryParse_EncryptedTextLongerThanTheFirstBuffer_IsRead()
    {
        var resource = new string('r', 3000);
        var text = "\"" + new TxtEncryption(Key).Encrypt("heritage=external-dns,external-dns/owner=o,external-dns/resource=" + resource) + "\"";

        Assert.True(new TxtOwnershipCodec(Key).TryParse(text, out var labels));
        Assert.Equal(resource, labels["resource"]);
    }

    [Fact]
    public void TryParse_EncryptedTextExpandingBeyond64KiB_IsRefused()
    {
        var bomb = "heritage=external-dns,external-dns/owner=o,external-dns/resource=" + new string('x', 200_000);
        var text = new TxtEncryption(Key).Encrypt(bomb);
        Assert.True(text.Length < 2_000, "compresses well");

        Assert.False(new TxtOwnershipCodec(Key).TryParse(text, out _));
    }

    [Fact]
    public void Constructor_EncryptWithoutKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TxtOwnershipCodec(encrypt: true));
    }

    [Theory]
    [InlineData(Key, true)]
    [InlineData("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", true)]
    [InlineData("too-short", false)]
    [InlineData("MDEyMzQ1Njc4OQ==", false)]
    [InlineData("", false)]
    public void IsValidKey_AcceptsRawOrBase64Of32Bytes(string key, bool valid)
    {
        Assert.Equal(valid, TxtOwnershipCodec.IsValidKey(key));
    }
}
