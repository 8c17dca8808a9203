using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Tests.Endpoints;

public sealed class EndpointValidatorTests
{
    private static string? Validate(string name, string type, params string[] targets) =>
        EndpointValidator.Validate(new DnsEndpoint(name, new RecordType(type), targets));

    [Theory]
    [InlineData("a.example.org", "A", "1.2.3.4")]
    [InlineData("*.example.org", "A", "1.2.3.4")]
    [InlineData("a.example.org", "AAAA", "2001:db8::1")]
    [InlineData("a.example.org", "CNAME", "b.example.net")]
    [InlineData("_acme-challenge.example.org", "TXT", "\"token\"")]
    [InlineData("a.example.org", "TXT", "v=spf1 include:x ~all; ünïcödé")]
    [InlineData("a.example.org", "MX", "10 mail.example.org")]
    [InlineData("_sip._tcp.example.org", "SRV", "10 5 5060 sip.example.org.")]
    [InlineData("example.org", "CAA", "0 issue \"letsencrypt.org\"")]
    [InlineData("example.org", "NS", "ns1.example.org")]
    [InlineData("4.3.2.1.in-addr.arpa", "PTR", "host.example.org")]
    [InlineData("a.example.org", "NAPTR", "100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.org!\" .")]
    [InlineData("a.example.org", "DNAME", "b.example.net")]
    public void Validate_ValidEndpoints_ReturnNull(string name, string type, string target)
    {
        Assert.Null(Validate(name, type, target));
    }

    [Theory]
    [InlineData("", "A", "1.2.3.4", "empty")]
    [InlineData("a..example.org", "A", "1.2.3.4", "empty label")]
    [InlineData("a.*.example.org", "A", "1.2.3.4", "wildcard")]
    [InlineData("*a.example.org", "A", "1.2.3.4", "wildcard")]
    [InlineData("a b.example.org", "A", "1.2.3.4", "U+0020")]
    [InlineData("a\u0001.example.org", "A", "1.2.3.4", "U+0001")]
    [InlineData("a.example.org", "A", "2001:db8::1", "IPv6 address in an A record")]
    [InlineData("a.example.org", "AAAA", "1.2.3.4", "IPv4 address in an AAAA record")]
    [InlineData("a.example.org", "A", "host.example.org", "not an IPv4 address")]
    [InlineData("a.example.org", "CNAME", "1.2.3.4", "host name")]
    [InlineData("a.example.org", "MX", "mail.example.org", "preference host")]
    [InlineData("a.example.org", "MX", "70000 mail.example.org", "preference host")]
    [InlineData("a.example.org", "SRV", "10 5 5060 sip.example.org", "end with a dot")]
    [InlineData("a.example.org", "SRV", "10 5 sip.example.org.", "priority weight port host")]
    [InlineData("a.example.org", "CAA", "300 issue \"x\"", "flags tag value")]
    [InlineData("a.example.org", "TXT", "", "empty")]
    [InlineData("a.example.org", "TXT", "bell\u0007", "control characters")]
    [InlineData("a.example.org", "FOO", "x", "unsupported record type 'FOO'")]
    [InlineData("a.example.org", "PTR", "host.example.org", "in-addr.arpa")]
    public void Validate_InvalidEndpoints_ReturnReason(string name, string type, string target, string expected)
    {
        var reason = Validate(name, type, target);

        Assert.NotNull(reason);
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LabelOver63Bytes_IsRejected()
    {
        Assert.Null(Validate(new string('a', 63) + ".example.org", "A", "1.2.3.4"));
        Assert.Contains("maximum is 63", Validate(new string('a', 64) + ".example.org", "A", "1.2.3.4"), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NameOver253Bytes_IsRejected()
    {
        var label = new string('a', 50);
        var ok = string.Join('.', label, label, label, label, new string('b', 49)); // 253
        Assert.Equal(253, ok.Length);
        Assert.Null(Validate(ok, "A", "1.2.3.4"));
        Assert.Contains("maximum is 253", Validate(ok + "c", "A", "1.2.3.4"), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CnameWithSeveralTargets_IsRejected()
    {
        Assert.Contains("exactly one target", Validate("a.example.org", "CNAME", "x.example.org", "y.example.org"), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoTargets_IsRejected()
    {
        Assert.Contains("no targets", Validate("a.example.org", "A"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1L, "negative")]
    [InlineData(2147483648L, "exceeds")]
    public void Validate_TtlOutOfRange_IsRejected(long ttl, string expected)
    {
        var reason = EndpointValidator.Validate(new DnsEndpoint("a.example.org", RecordType.A, "1.2.3.4") { Ttl = ttl });

        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TtlMaximum_IsAccepted()
    {
        Assert.Null(EndpointValidator.Validate(new DnsEndpoint("a.example.org", RecordType.A, "1.2.3.4") { Ttl = int.MaxValue }));
    }

    [Fact]
    public void Validate_TxtOver4000Characters_IsRejected()
    {
        Assert.Contains("maximum is 4000", Validate("a.example.org", "TXT", new string('x', 10_000)), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AliasA_AcceptsHostNameTarget()
    {
        var alias = new DnsEndpoint("a.example.org", RecordType.A, "lb-1.elb.amazonaws.com").WithProviderSpecific("alias", "true");

        Assert.Null(EndpointValidator.Validate(alias));
    }

    [Fact]
    public void Validate_AliasOnMx_IsRejected()
    {
        var alias = new DnsEndpoint("a.example.org", RecordType.MX, "10 mx.example.org").WithProviderSpecific("alias", "true");

        Assert.Contains("alias property", EndpointValidator.Validate(alias), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LabelValueWithComma_IsRejected()
    {
        var e = new DnsEndpoint("a.example.org", RecordType.A, "1.2.3.4").WithLabel("resource", "a,b");

        Assert.Contains("ownership text", EndpointValidator.Validate(e), StringComparison.Ordinal);
    }
}
