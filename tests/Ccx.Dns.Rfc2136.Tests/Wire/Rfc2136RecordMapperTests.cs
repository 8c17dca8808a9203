using System.Net;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Rfc2136.Wire;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Rfc2136.Tests.Wire;

public sealed class Rfc2136RecordMapperTests
{
    [Theory]
    [InlineData("A", "192.0.2.1", "192.0.2.1")]
    [InlineData("AAAA", "2001:DB8:0:0::1", "2001:db8::1")]
    [InlineData("CNAME", "target.example.org.", "target.example.org")]
    [InlineData("TXT", "plain text", "plain text")]
    [InlineData("TXT", "\"quoted registry text\"", "quoted registry text")]
    [InlineData("TXT", "inner \"quotes\" stay", "inner \"quotes\" stay")]
    [InlineData("MX", "10 mail.example.org.", "10 mail.example.org")]
    [InlineData("SRV", "1 2 443 host.example.org", "1 2 443 host.example.org.")]
    [InlineData("SRV", "0 0 0 .", "0 0 0 .")]
    [InlineData("NS", "ns1.example.org", "ns1.example.org")]
    [InlineData("PTR", "host.example.org.", "host.example.org")]
    [InlineData("CAA", "0 issue \"letsencrypt.org\"", "0 issue \"letsencrypt.org\"")]
    [InlineData("CAA", "128 issuewild ca.example", "128 issuewild \"ca.example\"")]
    public void TryParseTarget_ThenToTarget_GivesCanonicalText(string type, string target, string expected)
    {
        Assert.True(Rfc2136RecordMapper.TryParseTarget(new RecordType(type), target, out _, out var data, out var error), error);

        Assert.Equal(expected, Rfc2136RecordMapper.ToTarget(data));
    }

    [Theory]
    [InlineData("A", "2001:db8::1", "IPv4")]
    [InlineData("A", "192.0.2.01", "IPv4")]
    [InlineData("AAAA", "192.0.2.1", "IPv6")]
    [InlineData("MX", "mail.example.org", "preference host")]
    [InlineData("MX", "70000 mail.example.org", "preference host")]
    [InlineData("SRV", "1 2 host.example.org", "priority weight port host")]
    [InlineData("CAA", "0 issue", "flags tag value")]
    [InlineData("CNAME", "bad..name", "empty label")]
    [InlineData("NAPTR", "1 1 \"u\" \"\" \"\" .", "not supported")]
    [InlineData("SOA", "x", "cannot be written")]
    [InlineData("WEIRD", "x", "not supported")]
    public void TryParseTarget_InvalidTarget_FailsWithReason(string type, string target, string reason)
    {
        Assert.False(Rfc2136RecordMapper.TryParseTarget(new RecordType(type), target, out _, out _, out var error));

        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToRecordType_UnknownWireType_IsTypeNumber()
    {
        Assert.Equal(new RecordType("TYPE65280"), Rfc2136RecordMapper.ToRecordType((DnsRecordType)65280));
        Assert.Equal(RecordType.MX, Rfc2136RecordMapper.ToRecordType(DnsRecordType.MX));
        Assert.True(Rfc2136RecordMapper.TryGetWireType(new RecordType("TYPE65280"), out var wire));
        Assert.Equal((DnsRecordType)65280, wire);
    }

    [Fact]
    public void ToTarget_Unknown_IsRfc3597Text()
    {
        Assert.Equal("\\# 2 ABCD", Rfc2136RecordMapper.ToTarget(new UnknownRecordData(new byte[] { 0xab, 0xcd })));
        Assert.Equal("192.0.2.1", Rfc2136RecordMapper.ToTarget(new AddressRecordData(IPAddress.Parse("192.0.2.1"))));
    }
}

public sealed class Rfc2136DnsProviderUnitTests
{
    private static Rfc2136DnsProvider Create(long minTtl = 0)
    {
        var options = new Rfc2136ProviderOptions { Host = "127.0.0.1", MinTtl = minTtl };
        options.Zones.Add("Example.ORG.");
        options.Zones.Add("sub.example.org");
        options.Zones.Add("other.test");
        return new Rfc2136DnsProvider(Options.Create(options));
    }

    [Theory]
    [InlineData("example.org", "example.org")]
    [InlineData("WWW.Example.org.", "example.org")]
    [InlineData("sub.example.org", "sub.example.org")]
    [InlineData("a.b.sub.example.org", "sub.example.org")]
    [InlineData("notsub.example.org", "example.org")]
    [InlineData("ample.org", null)]
    [InlineData("www.anexample.org", null)]
    [InlineData("x.other.test", "other.test")]
    public void ZoneOf_Name_IsMostSpecificZoneByWholeLabels(string name, string? zone)
    {
        Assert.Equal(zone, Create().ZoneOf(name));
    }

    [Fact]
    public void DomainFilter_IsTheZones()
    {
        var provider = Create();

        Assert.True(provider.DomainFilter.Match("www.example.org"));
        Assert.False(provider.DomainFilter.Match("www.example.com"));
    }

    [Fact]
    public void AdjustEndpoints_QuotedTxtAndLowTtl_AreNormalised()
    {
        var provider = Create(minTtl: 60);
        DnsEndpoint[] input =
        [
            new("a.example.org", RecordType.TXT, "\"heritage=external-dns\"") { Ttl = 10 },
            new("b.example.org", RecordType.A, "192.0.2.1"),
            new("c.example.org", RecordType.A, "192.0.2.1") { Ttl = 600 },
        ];

        var adjusted = provider.AdjustEndpoints(input);

        Assert.Equal(["heritage=external-dns"], adjusted[0].Targets);
        Assert.Equal(60, adjusted[0].Ttl);
        Assert.Equal(0, adjusted[1].Ttl);
        Assert.Same(input[2], adjusted[2]);
    }

    [Fact]
    public async Task ApplyChanges_MismatchedUpdateLists_ThrowsPermanentWithoutSending()
    {
        var provider = Create();

        var e = await Assert.ThrowsAsync<Ccx.Dns.Providers.DnsProviderException>(() => provider.ApplyChangesAsync(
            new Ccx.Dns.Planning.DnsChanges { UpdateOld = [new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1")] }));

        Assert.False(e.IsTransient);
        Assert.False(e.IsPartial);
    }

    [Theory]
    [InlineData("TYPE13", "\\# 9 02504305 4c696e7578", "02504305" + "4c696e7578")]
    [InlineData("TYPE65280", "\\# 0", "")]
    public void TryParseExisting_GenericForm_GivesTheBytes(string type, string target, string hex)
    {
        Assert.True(Rfc2136RecordMapper.TryParseExisting(new RecordType(type), target, out _, out var data, out var error), error);

        Assert.Equal(hex, Convert.ToHexStringLower(Assert.IsType<UnknownRecordData>(data).Data.Span));
    }

    [Theory]
    [InlineData("\\# 2 0102 03")]
    [InlineData("\\# 2 zz01")]
    [InlineData("\\# x 01")]
    [InlineData("# 1 01")]
    public void TryParseExisting_MalformedGenericForm_IsRefused(string target)
    {
        Assert.False(Rfc2136RecordMapper.TryParseExisting(new RecordType("TYPE13"), target, out _, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryParseExisting_UnknownRecordDataAsRead_RoundTrips()
    {
        var read = new UnknownRecordData(new byte[] { 2, 0x50, 0x43, 5, 0x4c, 0x69, 0x6e, 0x75, 0x78 });

        Assert.True(Rfc2136RecordMapper.TryParseExisting(new RecordType("TYPE13"), Rfc2136RecordMapper.ToTarget(read), out var type, out var data, out _));

        Assert.Equal((DnsRecordType)13, type);
        Assert.Equal(read.Data.ToArray(), Assert.IsType<UnknownRecordData>(data).Data.ToArray());
    }
}
