using Ccx.Dns.Providers;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Rfc2136.Tests;

/// <summary>Which configured zone holds a name (no server needed).</summary>
public sealed class Rfc2136DnsProviderZoneTests
{
    private static Rfc2136DnsProvider Create(params string[] zones)
    {
        var options = new Rfc2136ProviderOptions { Host = "127.0.0.1" };
        foreach (var zone in zones)
        {
            options.Zones.Add(zone);
        }

        return new Rfc2136DnsProvider(Options.Create(options));
    }

    [Fact]
    public void FindZone_NamesInConfiguredZones_ReturnsTheLongestMatchNormalised()
    {
        IZoneAwareDnsProvider provider = Create("Example.Org.", "sub.example.org", "2.0.192.in-addr.arpa");

        Assert.Equal("sub.example.org", provider.FindZone("WWW.Sub.Example.Org."));
        Assert.Equal("sub.example.org", provider.FindZone("sub.example.org"));
        Assert.Equal("example.org", provider.FindZone("www.example.org"));
        Assert.Equal("example.org", provider.FindZone("a-sub.example.org"));
        Assert.Equal("example.org", provider.FindZone("EXAMPLE.ORG"));
        Assert.Equal("2.0.192.in-addr.arpa", provider.FindZone("10.2.0.192.in-addr.arpa"));
    }

    [Theory]
    [InlineData("www.ample.org")]
    [InlineData("org")]
    [InlineData("example.org.evil.test")]
    [InlineData("")]
    public void FindZone_NameOutsideEveryZone_IsNull(string name)
    {
        var provider = Create("example.org", "sub.example.org");

        Assert.Null(provider.FindZone(name));
    }

    [Fact]
    public void FindZone_Null_Throws()
    {
        var provider = Create("example.org");

        Assert.Throws<ArgumentNullException>(() => provider.FindZone(null!));
    }
}
