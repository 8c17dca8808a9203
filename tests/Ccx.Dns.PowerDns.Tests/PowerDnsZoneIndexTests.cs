using Ccx.Dns.Endpoints;
using Ccx.Dns.PowerDns.Internal;

namespace Ccx.Dns.PowerDns.Tests;

public sealed class PowerDnsZoneIndexTests
{
    private static PowerDnsZoneIndex Index(params string[] zones) =>
        new(zones.Select(z => new PowerDnsZone { Id = z, Name = z }));

    [Theory]
    [InlineData("www.example.org", "example.org")]
    [InlineData("example.org", "example.org")]
    [InlineData("a.b.sub.example.org", "sub.example.org")]
    [InlineData("sub.example.org", "sub.example.org")]
    [InlineData("xsub.example.org", "example.org")]
    [InlineData("anexample.org", null)]
    [InlineData("example.com", null)]
    public void ZoneOf_Name_IsTheMostSpecificContainingZone(string name, string? zone) =>
        Assert.Equal(zone, Index("example.org.", "Sub.Example.org.").ZoneOf(name));

    [Fact]
    public void ZoneOf_RootZonePresent_ServesEverythingElse() =>
        Assert.Equal(".", Index(".", "example.org.").ZoneOf("example.com"));

    [Theory]
    [InlineData("example.org", true)]        // the include itself
    [InlineData("org", true)]                // a parent of the include
    [InlineData("sub.example.org", true)]    // below the include
    [InlineData("example.com", false)]
    [InlineData("internal.example.org", false)] // excluded as a whole
    [InlineData("a.internal.example.org", false)]
    public void IsManaged_ListFilter_SelectsZonesOnTheIncludeBranch(string zone, bool managed) =>
        Assert.Equal(managed, PowerDnsZoneIndex.IsManaged(new DomainFilter(["example.org"], ["internal.example.org"]), zone));

    [Fact]
    public void IsManaged_LeadingDotInclude_StillSelectsTheZoneAtTheSuffix() =>
        Assert.True(PowerDnsZoneIndex.IsManaged(new DomainFilter([".example.org"]), "example.org"));

    [Fact]
    public void IsManaged_NoFilter_SelectsEveryZone() =>
        Assert.True(PowerDnsZoneIndex.IsManaged(DomainFilter.All, "anything.test"));
}
