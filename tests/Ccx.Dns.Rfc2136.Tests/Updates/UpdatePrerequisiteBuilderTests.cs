using System.Net;
using Ccx.Dns.Rfc2136.Updates;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Tests.Updates;

public sealed class UpdatePrerequisiteBuilderTests
{
    private static readonly DnsRecordData Address1 = new AddressRecordData(IPAddress.Parse("192.0.2.1"));

    private static RecordSetCondition Absent(string name, DnsRecordType type) => new(RecordSetExpectation.Absent, name, type, [], []);

    private static RecordSetCondition Exactly(string name, DnsRecordType type, params DnsRecordData[] data) =>
        new(RecordSetExpectation.Exactly, name, type, data, [.. data.Select(d => d.ToString()!)]);

    private static string[] Show(IEnumerable<DnsResourceRecord> records) =>
        [.. records.Select(r => $"{r.Name} {r.Class} {r.Type} {r.Ttl} {r.Data}".TrimEnd())];

    [Fact]
    public void Build_Create_RequiresItsSetAndAnyCnameAbsent()
    {
        var prerequisites = UpdatePrerequisiteBuilder.Build([Absent("www.example.org", DnsRecordType.A)]);

        Assert.Equal(["www.example.org None A 0", "www.example.org None CNAME 0"], Show(prerequisites));
    }

    [Fact]
    public void Build_CnameCreate_RequiresTheNameUnused()
    {
        var prerequisites = UpdatePrerequisiteBuilder.Build([Absent("alias.example.org", DnsRecordType.CNAME)]);

        Assert.Equal(["alias.example.org None CNAME 0", "alias.example.org None ANY 0"], Show(prerequisites));
    }

    [Fact]
    public void Build_UpdateOrDelete_RequiresTheExactSetWithTtlZero()
    {
        var address2 = new AddressRecordData(IPAddress.Parse("192.0.2.2"));

        var prerequisites = UpdatePrerequisiteBuilder.Build([Exactly("www.example.org", DnsRecordType.A, Address1, address2)]);

        Assert.Equal(["www.example.org IN A 0 192.0.2.1", "www.example.org IN A 0 192.0.2.2"], Show(prerequisites));
    }

    [Fact]
    public void Build_CnameReplacedByAInOneMessage_DoesNotRequireTheCnameAbsent()
    {
        var cname = new NameRecordData("target.example.net");

        var prerequisites = UpdatePrerequisiteBuilder.Build([Exactly("Swap.example.org", DnsRecordType.CNAME, cname), Absent("swap.example.org", DnsRecordType.A)]);

        Assert.Equal(["Swap.example.org IN CNAME 0 target.example.net", "swap.example.org None A 0"], Show(prerequisites));
    }

    [Fact]
    public void Build_AReplacedByCnameInOneMessage_RequiresEveryOtherWrittenTypeAbsent()
    {
        var prerequisites = UpdatePrerequisiteBuilder.Build([Exactly("swap.example.org", DnsRecordType.A, Address1), Absent("swap.example.org", DnsRecordType.CNAME)]);

        // "Name not in use" would fail on the A that the same message deletes; each other type is checked instead.
        Assert.Equal(
            ["swap.example.org IN A 0 192.0.2.1", "swap.example.org None CNAME 0", .. UpdatePrerequisiteBuilder.CnameGuardTypes.Where(t => t != DnsRecordType.A).Select(t => $"swap.example.org None {t} 0")],
            Show(prerequisites));
    }

    [Fact]
    public void Build_SameSetCreatedAndDeletedInOneMessage_KeepsOnlyTheValueCondition()
    {
        var prerequisites = UpdatePrerequisiteBuilder.Build([Exactly("www.example.org", DnsRecordType.A, Address1), Absent("WWW.example.org", DnsRecordType.A)]);

        Assert.Equal(["www.example.org IN A 0 192.0.2.1", "WWW.example.org None CNAME 0"], Show(prerequisites));
    }

    [Fact]
    public void Build_SeveralNames_EmitsEachConditionOnce()
    {
        var prerequisites = UpdatePrerequisiteBuilder.Build(
        [
            Absent("a.example.org", DnsRecordType.A),
            Absent("a.example.org", DnsRecordType.AAAA),
            Absent("a-a.example.org", DnsRecordType.TXT),
            Exactly("b.example.org", DnsRecordType.A, Address1),
            Exactly("b.example.org", DnsRecordType.A, Address1),
        ]);

        Assert.Equal(
        [
            "a.example.org None A 0", "a.example.org None CNAME 0", "a.example.org None AAAA 0",
            "a-a.example.org None TXT 0", "a-a.example.org None CNAME 0", "b.example.org IN A 0 192.0.2.1",
        ], Show(prerequisites));
    }

    [Fact]
    public void MostFor_EachCondition_IsAtLeastWhatBuildEmits()
    {
        RecordSetCondition[] conditions = [Absent("x.example.org", DnsRecordType.CNAME), Absent("x.example.org", DnsRecordType.A), Exactly("x.example.org", DnsRecordType.A, Address1)];

        foreach (var condition in conditions)
        {
            Assert.True(UpdatePrerequisiteBuilder.MostFor(condition).Count >= UpdatePrerequisiteBuilder.Build([condition]).Count, condition.ToString());
        }

        Assert.Equal(UpdatePrerequisiteBuilder.CnameGuardTypes.Length + 1, UpdatePrerequisiteBuilder.MostFor(conditions[0]).Count);
    }
}
