using Ccx.Dns.Endpoints;
using Ccx.Dns.Route53.Internal;

namespace Ccx.Dns.Route53.Tests.Internal;

public sealed class Route53ChangeBatcherTests
{
    private static PendingChange Change(ChangeAction action, string name, string type = "A", int values = 1, string? ownedRecord = null, string value = "192.0.2.1")
    {
        var endpoint = new DnsEndpoint(name, new RecordType(type), value);
        if (ownedRecord is not null)
        {
            endpoint = endpoint.WithLabel(EndpointLabels.OwnedRecordKey, ownedRecord);
        }

        return new PendingChange(
            new RecordSetChange(action, new ResourceRecordSet { Name = name, Type = type, Ttl = 300, Values = [.. Enumerable.Repeat(value, values)] }),
            endpoint);
    }

    [Fact]
    public void PendingChange_Upsert_CountsValuesAndCharactersTwice()
    {
        var create = Change(ChangeAction.Create, "a.example.com", values: 3);
        var upsert = Change(ChangeAction.Upsert, "a.example.com", values: 3);

        Assert.Equal((3, 27), (create.Values, create.Characters));
        Assert.Equal((6, 54), (upsert.Values, upsert.Characters));
    }

    [Fact]
    public void Pack_EverythingFits_OneBatch()
    {
        var (batches, oversized) = Route53ChangeBatcher.Pack([.. Enumerable.Range(0, 1000).Select(i => Change(ChangeAction.Create, $"h{i}.example.com"))], new BatchLimits(1000, 1000, 32000));

        Assert.Single(batches);
        Assert.Empty(oversized);
    }

    [Fact]
    public void Pack_OneOverTheLimit_TwoBatches()
    {
        var (batches, _) = Route53ChangeBatcher.Pack([.. Enumerable.Range(0, 1001).Select(i => Change(ChangeAction.Create, $"h{i:D4}.example.com"))], new BatchLimits(1000, 1000, 32000));

        Assert.Equal([1000, 1], batches.Select(b => b.Sum(g => g.Changes.Count)));
    }

    [Fact]
    public void Pack_500Upserts_FillTheValueLimitExactly()
    {
        var (batches, _) = Route53ChangeBatcher.Pack([.. Enumerable.Range(0, 501).Select(i => Change(ChangeAction.Upsert, $"h{i:D4}.example.com"))], new BatchLimits(1000, 1000, 32000));

        Assert.Equal([500, 1], batches.Select(b => b.Sum(g => g.Changes.Count)));
    }

    [Fact]
    public void Pack_CharacterLimit_Respected()
    {
        var value = new string('v', 100);
        var (batches, _) = Route53ChangeBatcher.Pack([.. Enumerable.Range(0, 330).Select(i => Change(ChangeAction.Create, $"t{i:D3}.example.com", "TXT", value: value))], new BatchLimits(1000, 1000, 32000));

        Assert.Equal([320, 10], batches.Select(b => b.Sum(g => g.Changes.Count)));
        Assert.All(batches, b => Assert.True(b.Sum(g => g.Characters) <= 32000));
    }

    [Fact]
    public void Pack_OwnershipTxt_JoinsItsRecordsGroup()
    {
        var changes = new[]
        {
            Change(ChangeAction.Create, "a.example.com"),
            Change(ChangeAction.Create, "b.example.com"),
            Change(ChangeAction.Create, "a-a.example.com", "TXT", ownedRecord: "a.example.com", value: "\"heritage=external-dns\""),
            Change(ChangeAction.Create, "a-b.example.com", "TXT", ownedRecord: "b.example.com", value: "\"heritage=external-dns\""),
        };

        var (batches, _) = Route53ChangeBatcher.Pack(changes, new BatchLimits(3, 1000, 32000));

        Assert.Equal(2, batches.Count);
        Assert.All(batches, b => Assert.Equal(2, Assert.Single(b).Changes.Count));
    }

    [Fact]
    public void Pack_GroupsWithDeletes_ComeFirst()
    {
        var changes = new[] { Change(ChangeAction.Create, "a.example.com"), Change(ChangeAction.Delete, "z.example.com") };

        var (batches, _) = Route53ChangeBatcher.Pack(changes, new BatchLimits(1, 1000, 32000));

        Assert.Equal(["z.example.com", "a.example.com"], batches.Select(b => b[0].Key));
    }

    [Fact]
    public void Order_WithinBatch_DeleteThenUpsertThenCreate()
    {
        var changes = new[] { Change(ChangeAction.Create, "a.example.com"), Change(ChangeAction.Upsert, "b.example.com"), Change(ChangeAction.Delete, "c.example.com") };
        var (batches, _) = Route53ChangeBatcher.Pack(changes, new BatchLimits(1000, 1000, 32000));

        var ordered = Route53ChangeBatcher.Order(batches[0]);

        Assert.Equal([ChangeAction.Delete, ChangeAction.Upsert, ChangeAction.Create], ordered.Select(c => c.Action));
    }
}
