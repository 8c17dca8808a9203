using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Tests.Endpoints;

public sealed class EndpointLabelsTests
{
    [Fact]
    public void Serialize_OwnerAndResource_MatchesExternalDnsText()
    {
        var labels = new Dictionary<string, string> { ["resource"] = "ingress/default/my-ingress", ["owner"] = "owner" };

        Assert.Equal(
            "\"heritage=external-dns,external-dns/owner=owner,external-dns/resource=ingress/default/my-ingress\"",
            EndpointLabels.Serialize(labels, withQuotes: true));
        Assert.Equal(
            "heritage=external-dns,external-dns/owner=owner,external-dns/resource=ingress/default/my-ingress",
            EndpointLabels.Serialize(labels, withQuotes: false));
    }

    [Fact]
    public void Serialize_EncryptionNonce_IsNeverWritten()
    {
        var labels = new Dictionary<string, string> { ["owner"] = "a", [EndpointLabels.TxtEncryptionNonceKey] = "bm9uY2U=" };

        Assert.Equal("heritage=external-dns,external-dns/owner=a", EndpointLabels.Serialize(labels, withQuotes: false));
    }

    [Fact]
    public void Parse_QuotedText_ReturnsLabels()
    {
        var labels = EndpointLabels.Parse("\"heritage=external-dns,external-dns/owner=foo,external-dns/resource=service/ns/svc\"");

        Assert.Equal(2, labels.Count);
        Assert.Equal("foo", labels["owner"]);
        Assert.Equal("service/ns/svc", labels["resource"]);
    }

    [Fact]
    public void Parse_ValueWithEquals_KeepsEverythingAfterFirstEquals()
    {
        var labels = EndpointLabels.Parse("heritage=external-dns,external-dns/owner=team=platform");

        Assert.Equal("team=platform", labels["owner"]);
    }

    [Fact]
    public void Parse_UnknownKeysAndTokensWithoutEquals_AreIgnored()
    {
        var labels = EndpointLabels.Parse("heritage=external-dns,random=stuff,novalue,external-dns/owner=x");

        Assert.Equal(["owner"], labels.Keys);
    }

    [Theory]
    [InlineData("heritage=mate,external-dns/owner=x")]
    [InlineData("external-dns/owner=x")]
    [InlineData("heritage=mate,heritage=external-dns,external-dns/owner=x")]
    [InlineData("")]
    [InlineData("v=spf1 include:_spf.example.com ~all")]
    public void TryParse_ForeignOrMissingHeritage_IsRejected(string text)
    {
        Assert.False(EndpointLabels.TryParse(text, out _));
        Assert.Throws<FormatException>(() => EndpointLabels.Parse(text));
    }

    [Fact]
    public void SerializeThenParse_RoundTrips()
    {
        var labels = new Dictionary<string, string> { ["owner"] = "o", ["resource"] = "datastore/1", ["zeta"] = "z" };

        var parsed = EndpointLabels.Parse(EndpointLabels.Serialize(labels, withQuotes: true));

        Assert.Equal(labels.OrderBy(l => l.Key, StringComparer.Ordinal), parsed);
    }
}
