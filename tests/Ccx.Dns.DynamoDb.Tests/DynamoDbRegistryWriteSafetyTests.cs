using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using static Ccx.Dns.DynamoDb.Tests.Infrastructure.RegistryKit;

namespace Ccx.Dns.DynamoDb.Tests;

/// <summary>The DynamoDB registry never lets a record forge ExternalDNS TXT ownership (write-safety finding 1).</summary>
[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbRegistryWriteSafetyTests(DynamoDbLocalFixture fixture)
{
    private static readonly RecordType[] ManagedWithTxt = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT];

    [Fact]
    public async Task Reconcile_DesiredTxtWithOwnershipText_IsRefusedAndTheRestApplied()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await kit.Provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint("legacy.example.org", RecordType.A, "198.51.100.7")] });
        DnsEndpoint[] desired =
        [
            new("a-legacy.example.org", RecordType.TXT, "heritage=external-dns,external-dns/owner=owner-a"),
            A("ok", "192.0.2.1"),
        ];

        var (_, result) = await kit.ReconcileAsync(desired, ManagedWithTxt);

        var refused = Assert.Single(result!.Rejected);
        Assert.Equal("a-legacy.example.org", refused.Endpoint.DnsName);
        Assert.Contains("ownership text", refused.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(kit.Records(), r => r.StartsWith("a-legacy.example.org", StringComparison.Ordinal));
        Assert.Contains("ok.example.org A 192.0.2.1", kit.Records());
        Assert.Equal(["ok.example.org#A#"], (await fixture.ItemsAsync(kit.Table)).Select(i => i.K));

        // Nothing desired any more: the unowned record stays.
        await kit.ReconcileAsync([], ManagedWithTxt);
        Assert.Contains("legacy.example.org A 198.51.100.7", kit.Records());
    }

    [Fact]
    public async Task GetRecords_TxtRecordOwnedInTheTableWithOwnershipText_IsARecordNotOwnershipToMigrate()
    {
        // A TXT record this owner holds in the table, whose text looks like ExternalDNS ownership of "legacy" (as one
        // written before such text was refused could): it stays a record, and legacy stays unowned.
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await kit.ReconcileAsync([new DnsEndpoint("a-legacy.example.org", RecordType.TXT, "plain text")], ManagedWithTxt);
        await kit.Provider.ApplyChangesAsync(new DnsChanges
        {
            Create = [new DnsEndpoint("legacy.example.org", RecordType.A, "198.51.100.7")],
            UpdateOld = [new DnsEndpoint("a-legacy.example.org", RecordType.TXT, "plain text")],
            UpdateNew = [new DnsEndpoint("a-legacy.example.org", RecordType.TXT, "\"heritage=external-dns,external-dns/owner=owner-a\"")],
        });

        var records = await kit.Registry.GetRecordsAsync();

        Assert.Null(records.Single(r => r.DnsName == "legacy.example.org").Owner);
        Assert.False(records.Single(r => r.DnsName == "legacy.example.org").TryGetProviderSpecific(ProviderSpecificNames.DynamoDbNeedsMigration, out _));
        Assert.Equal("owner-a", records.Single(r => r.DnsName == "a-legacy.example.org").Owner);
    }
}
