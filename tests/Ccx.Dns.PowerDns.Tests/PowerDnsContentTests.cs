using Ccx.Dns.PowerDns.Internal;

namespace Ccx.Dns.PowerDns.Tests;

public sealed class PowerDnsContentTests
{
    [Theory]
    [InlineData("hello world", "\"hello world\"")]
    [InlineData("say \"hi\"; ok", "\"say \\\"hi\\\"; ok\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("", "\"\"")]
    [InlineData("tab\there", "\"tab\\009here\"")]
    [InlineData("café", "\"café\"")]
    [InlineData("\"unterminated", "\"\\\"unterminated\"")]
    [InlineData("\"quoted\" and more", "\"\\\"quoted\\\" and more\"")]
    public void ToContent_PlainTxt_IsQuotedAndEscaped(string target, string expected) =>
        Assert.Equal(expected, PowerDnsContent.ToContent("TXT", target));

    [Theory]
    [InlineData("\"heritage=external-dns,external-dns/owner=default\"", "\"heritage=external-dns,external-dns/owner=default\"")]
    [InlineData("\"a\" \"b\"", "\"a\" \"b\"")]
    [InlineData("  \"a\"   \"b\"  ", "\"a\" \"b\"")]
    [InlineData("\"a\"\"b\"", "\"a\" \"b\"")]
    [InlineData("\"x\\\"y\\065\"", "\"x\\\"y\\065\"")]
    public void ToContent_QuotedTxt_KeepsStringsAndNormalisesSpacing(string target, string expected) =>
        Assert.Equal(expected, PowerDnsContent.ToContent("TXT", target));

    [Theory]
    [InlineData("CNAME", "target.example.net", "target.example.net.")]
    [InlineData("CNAME", "target.example.net.", "target.example.net.")]
    [InlineData("ALIAS", "lb.example.net", "lb.example.net.")]
    [InlineData("NS", "ns1.example.org", "ns1.example.org.")]
    [InlineData("PTR", "host.example.org", "host.example.org.")]
    [InlineData("MX", "10 mail.example.org", "10 mail.example.org.")]
    [InlineData("MX", " 10   mail.example.org. ", "10 mail.example.org.")]
    [InlineData("MX", "0 .", "0 .")]
    [InlineData("SRV", "10 20 5060 sip.example.org", "10 20 5060 sip.example.org.")]
    [InlineData("SRV", "garbage", "garbage")]
    [InlineData("A", "192.0.2.1", "192.0.2.1")]
    [InlineData("A", "300.1.1.1", "300.1.1.1")]
    [InlineData("AAAA", "2001:DB8:0:0:0:0:0:1", "2001:db8::1")]
    [InlineData("CAA", "0 issue \"letsencrypt.org\"", "0 issue \"letsencrypt.org\"")]
    public void ToContent_OtherTypes_UsePowerDnsPresentation(string type, string target, string expected) =>
        Assert.Equal(expected, PowerDnsContent.ToContent(type, target));

    [Fact]
    public void ToContent_TxtLongerThan255_StaysOneString()
    {
        var text = new string('x', 300);
        Assert.Equal("\"" + text + "\"", PowerDnsContent.ToContent("TXT", text));
    }
}
