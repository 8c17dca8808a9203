using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Tests.Endpoints;

public sealed class DomainFilterTests
{
    [Theory]
    [InlineData("example.org", "example.org", true)]
    [InlineData("example.org", "a.example.org", true)]
    [InlineData("example.org", "anexample.org", false)]
    [InlineData(".example.org", "test.example.org", true)]
    [InlineData(".example.org", "example.org", false)]
    [InlineData("Example.ORG.", "a.example.org", true)]
    [InlineData("example.org", "A.EXAMPLE.ORG.", true)]
    [InlineData("bücher.example", "xn--bcher-kva.example", true)]
    [InlineData("xn--bcher-kva.example", "www.bücher.example", true)]
    public void Match_IncludeList(string filter, string name, bool expected)
    {
        Assert.Equal(expected, new DomainFilter([filter]).Match(name));
    }

    [Fact]
    public void Match_ExcludeWinsOverInclude()
    {
        var filter = new DomainFilter(["example.org"], ["internal.example.org"]);

        Assert.True(filter.Match("www.example.org"));
        Assert.False(filter.Match("db.internal.example.org"));
        Assert.False(filter.Match("internal.example.org"));
    }

    [Fact]
    public void Match_EmptyFilter_MatchesEverything()
    {
        Assert.True(DomainFilter.All.Match("anything.example"));
        Assert.False(DomainFilter.All.IsConfigured);
        Assert.False(new DomainFilter(["", " "]).IsConfigured);
    }

    [Fact]
    public void Match_OnlyExclude_MatchesTheRest()
    {
        var filter = new DomainFilter([], ["example.org"]);

        Assert.True(filter.Match("example.net"));
        Assert.False(filter.Match("a.example.org"));
    }

    [Fact]
    public void Match_RegexModeOverridesLists()
    {
        var filter = DomainFilter.FromRegex(@"(^|\.)example\.(org|net)$", @"^internal\.");

        Assert.True(filter.Match("a.example.org"));
        Assert.True(filter.Match("example.net"));
        Assert.False(filter.Match("internal.example.org"));
        Assert.False(filter.Match("example.com"));
        Assert.True(filter.IsConfigured);
    }

    [Fact]
    public void Match_RegexIsMatchedAgainstUnicodeForm()
    {
        Assert.True(DomainFilter.FromRegex("bücher").Match("xn--bcher-kva.example"));
    }

    [Theory]
    [InlineData("example.org", true)]
    [InlineData("org", true)]
    [InlineData("sub.example.org", false)]
    [InlineData("other.org", false)]
    public void MatchParent_FindsZonesAboveIncludeFilters(string zone, bool expected)
    {
        Assert.Equal(expected, new DomainFilter(["sub.example.org"]).MatchParent(zone));
    }
}
