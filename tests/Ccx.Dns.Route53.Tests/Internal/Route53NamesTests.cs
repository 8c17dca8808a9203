using Ccx.Dns.Route53.Internal;

namespace Ccx.Dns.Route53.Tests.Internal;

public sealed class Route53NamesTests
{
    [Theory]
    [InlineData("\\052.example.com.", "*.example.com")]
    [InlineData("www.example.com.", "www.example.com")]
    [InlineData("www.example.com", "www.example.com")]
    [InlineData("a\\040b.example.com.", "a b.example.com")]
    [InlineData("ex\\141mple.com.", "example.com")]
    [InlineData("under_score.example.com.", "under_score.example.com")]
    [InlineData("caf\\303\\251.example.", "café.example")]
    public void Decode_OctalEscapesAndTrailingDot_AreResolved(string wire, string expected) =>
        Assert.Equal(expected, Route53Names.Decode(wire));

    [Theory]
    [InlineData("*.example.com", "*.example.com.")]
    [InlineData("www.example.com.", "www.example.com.")]
    [InlineData("a b.example.com", "a\\040b.example.com.")]
    [InlineData("back\\slash.example", "back\\134slash.example.")]
    public void Encode_Name_EscapesWhatRoute53Requires(string name, string expected) =>
        Assert.Equal(expected, Route53Names.Encode(name));

    [Theory]
    [InlineData("*.example.com")]
    [InlineData("a b.example.com")]
    [InlineData("xn--caf-dma.example")]
    public void EncodeThenDecode_RoundTrips(string name) =>
        Assert.Equal(name, Route53Names.Decode(Route53Names.Encode(name)));
}
