using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Tests.Endpoints;

public sealed class DnsTargetsTests
{
    [Theory]
    [InlineData(new[] { "::1" }, new[] { "::0001" }, true)]
    [InlineData(new[] { "::1", "dd:dd::01" }, new[] { "dd:00dd::0001", "::0001" }, true)]
    [InlineData(new[] { "::1", "1.1.1.1", "2600.com", "3.3.3.3" }, new[] { "2600.com", "::0001", "3.3.3.3", "1.1.1.1" }, true)]
    [InlineData(new[] { "1.2.3.4" }, new[] { "4.3.2.1" }, false)]
    [InlineData(new[] { "1.2.3.4", "4.3.2.1" }, new[] { "1.2.3.4" }, false)]
    [InlineData(new[] { "::1", "2600.com", "3.3.3.3" }, new[] { "2600.com", "3.3.3.3", "1.1.1.1" }, false)]
    [InlineData(new[] { "V2" }, new[] { "v2" }, true)]
    [InlineData(new[] { "foo.com" }, new[] { "foo.com." }, false)]
    // ExternalDNS stops at the first IP pair; we check every element.
    [InlineData(new[] { "::1", "a.example.com" }, new[] { "::1", "b.example.com" }, false)]
    public void Same_ExternalDnsVectors(string[] left, string[] right, bool expected)
    {
        Assert.Equal(expected, DnsTargets.Same(left, right));
        Assert.Equal(expected, DnsTargets.Same(right, left));
    }

    [Theory]
    [InlineData(new[] { "" }, new[] { "", "" }, true)]
    [InlineData(new[] { "1.2.3.4" }, new[] { "1-2-3-4.example.org" }, true)]
    [InlineData(new[] { "1.2.3.4" }, new[] { "1.2.3.5" }, true)]
    [InlineData(new[] { "example.org", "example.com" }, new[] { "example.com", "examplea.org" }, true)]
    [InlineData(new[] { "8.8.8.8", "8.8.4.4" }, new[] { "8.8.8.8" }, false)]
    [InlineData(new[] { "1-2-3-4.example.org", "EXAMPLE.ORG" }, new[] { "1.2.3.4", "EXAMPLE.ORG" }, false)]
    [InlineData(new[] { "a", "b", "c" }, new[] { "a", "b" }, false)]
    [InlineData(new[] { "a", "b" }, new[] { "a", "b" }, false)]
    [InlineData(new[] { "9.9.9.9" }, new[] { "10.0.0.1" }, true)]
    [InlineData(new[] { "255.255.255.255" }, new[] { "::1" }, true)]
    public void IsLess_ExternalDnsVectors(string[] left, string[] right, bool expected)
    {
        Assert.Equal(expected, DnsTargets.IsLess(left, right));
    }

    [Theory]
    [InlineData("1.2.3.4", true)]
    [InlineData("::1", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("1.2.3", false)]
    [InlineData("1", false)]
    [InlineData("01.2.3.4", false)]
    [InlineData("256.1.1.1", false)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("example.com", false)]
    [InlineData("", false)]
    public void TryParseIp_IsStrictLikeGo(string text, bool expected)
    {
        Assert.Equal(expected, DnsTargets.TryParseIp(text, out _));
        Assert.Equal(expected, DnsTargets.IsIpAddress(text, out _));
    }

    [Theory]
    [InlineData("10.0.0.1", System.Net.Sockets.AddressFamily.InterNetwork)]
    [InlineData("2001:db8::1", System.Net.Sockets.AddressFamily.InterNetworkV6)]
    [InlineData("1.2.3.4.5", System.Net.Sockets.AddressFamily.Unknown)]
    public void IsIpAddress_ReportsTheFamily(string text, System.Net.Sockets.AddressFamily expected)
    {
        DnsTargets.IsIpAddress(text, out var family);

        Assert.Equal(expected, family);
    }
}
