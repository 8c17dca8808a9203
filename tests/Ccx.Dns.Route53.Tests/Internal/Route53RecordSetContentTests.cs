using Ccx.Dns.Route53.Internal;

namespace Ccx.Dns.Route53.Tests.Internal;

public sealed class Route53RecordSetContentTests
{
    private static ResourceRecordSet Set(string type = "A", long? ttl = 300, params string[] values) =>
        new() { Name = "www.example.com", Type = type, Ttl = ttl, Values = values.Length == 0 ? ["192.0.2.1", "192.0.2.2"] : values };

    [Fact]
    public void Same_ValuesInAnotherOrderAndNameInAnotherCase_AreTheSame() =>
        Assert.True(Route53RecordSetContent.Same(Set(), Set() with { Name = "WWW.example.com.", Values = ["192.0.2.2", "192.0.2.1"] }));

    [Fact]
    public void Same_OtherTtlValueOrRoutingField_Differ()
    {
        Assert.False(Route53RecordSetContent.Same(Set(), Set(ttl: 60)));
        Assert.False(Route53RecordSetContent.Same(Set(), Set(values: ["192.0.2.1"])));
        Assert.False(Route53RecordSetContent.Same(Set(), Set() with { Weight = 1, SetIdentifier = "a" }));
        Assert.False(Route53RecordSetContent.Same(Set() with { SetIdentifier = "a", Weight = 1 }, Set() with { SetIdentifier = "a", Weight = 2 }));
    }

    [Fact]
    public void Same_TxtValues_CompareExactly()
    {
        Assert.False(Route53RecordSetContent.Same(Set("TXT", 300, "\"Owner=A\""), Set("TXT", 300, "\"owner=a\"")));
        Assert.True(Route53RecordSetContent.Same(Set("CNAME", 300, "Target.example.net."), Set("CNAME", 300, "target.example.net")));
    }

    [Fact]
    public void Same_Aliases_CompareTargetAndIgnoreTtl()
    {
        var alias = new ResourceRecordSet { Name = "a.example.com", Type = "A", AliasTarget = new AliasTarget("Z1", "lb.example.net", true) };

        Assert.True(Route53RecordSetContent.Same(alias, alias with { Ttl = 0, AliasTarget = new AliasTarget("Z1", "LB.example.net.", true) }));
        Assert.False(Route53RecordSetContent.Same(alias, alias with { AliasTarget = new AliasTarget("Z1", "lb.example.net", false) }));
        Assert.False(Route53RecordSetContent.Same(alias, Set()));
    }
}
