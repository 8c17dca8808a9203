using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Registry.Txt;
using static Ccx.Dns.DynamoDb.Tests.Infrastructure.RegistryKit;

namespace Ccx.Dns.DynamoDb.Tests;

/// <summary>Migration from ExternalDNS TXT ownership records into the table.</summary>
[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbRegistryMigrationTests(DynamoDbLocalFixture fixture)
{
    private const string AesKey = "0123456789abcdef0123456789abcdef";
    private static readonly RecordType[] ManagedWithTxt = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT];

    private static readonly DnsEndpoint[] Desired =
    [
        A("foo", "192.0.2.1", "ingress/default/foo"),
        new DnsEndpoint("bar.example.org", RecordType.CNAME, "target.example.net").WithLabel(EndpointLabels.ResourceKey, "ingress/default/bar"),
        A("legacy", "192.0.2.5", "ingress/default/legacy"),
        new DnsEndpoint("v6.example.org", RecordType.AAAA, "2001:db8::1").WithLabel(EndpointLabels.ResourceKey, "ingress/default/v6"),
        A("enc", "192.0.2.6", "ingress/default/enc"),
        A("*", "192.0.2.7", "ingress/default/wild"),
    ];

    [Fact]
    public async Task Reconcile_ZoneWithExternalDnsTxtOwnership_InsertsItemsThenDeletesTheOldTxtRecords()
    {
        using var kit = NewKit();
        await SeedAsync(kit);

        // 1st reconcile: every owned record is updated once, which inserts its item; the orphaned TXT (no record) goes.
        var (planned, result) = await kit.ReconcileAsync(Desired, ManagedWithTxt);

        Assert.Equal(6, planned.UpdateNew.Count);
        Assert.All(planned.UpdateOld, u => Assert.True(u.TryGetProviderSpecific(ProviderSpecificNames.DynamoDbNeedsMigration, out _)));
        Assert.Empty(result!.Rejected);
        Assert.Equal(["a-ghost.example.org"], planned.Delete.Select(d => d.DnsName));
        var items = await fixture.ItemsAsync(kit.Table);
        Assert.Equal(
            ["*.example.org#A#", "bar.example.org#CNAME#", "enc.example.org#A#", "foo.example.org#A#", "legacy.example.org#A#", "v6.example.org#AAAA#"],
            items.Select(i => i.K));
        Assert.All(items, i => Assert.Equal("owner-a", i.O));
        Assert.Equal("ingress/default/foo", items.Single(i => i.K == "foo.example.org#A#").L["resource"]);
        Assert.All(items, i => Assert.DoesNotContain(EndpointLabels.TxtEncryptionNonceKey, i.L.Keys));

        // 2nd reconcile: the migrated TXT records are returned as ours and deleted; owner-b's stays.
        (planned, _) = await kit.ReconcileAsync(Desired, ManagedWithTxt);

        Assert.Equal(
            ["a-enc.example.org", "a-foo.example.org", "a-wild.example.org", "aaaa-v6.example.org", "cname-bar.example.org", "legacy.example.org"],
            planned.Delete.Select(d => d.DnsName).Order(StringComparer.Ordinal));
        Assert.Empty(planned.Create);
        Assert.Empty(planned.UpdateNew);
        var txts = kit.Records().Where(r => r.Contains(" TXT ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["a-theirs.example.org TXT \"heritage=external-dns,external-dns/owner=owner-b\""], txts);
        Assert.Equal(6, (await fixture.ItemsAsync(kit.Table)).Count);

        // 3rd: converged; owner-b's record keeps its owner.
        (planned, _) = await kit.ReconcileAsync(Desired, ManagedWithTxt);
        Assert.False(planned.HasChanges, planned.ToString());
        var records = await kit.Registry.GetRecordsAsync();
        Assert.Equal("owner-b", records.Single(r => r.DnsName == "theirs.example.org").Owner);
        Assert.Contains("theirs.example.org A 192.0.2.9", kit.Records());
    }

    [Fact]
    public async Task Reconcile_TxtNotManaged_MigratesItemsButLeavesTheOldTxtRecords()
    {
        using var kit = NewKit();
        await SeedAsync(kit);

        await kit.ReconcileAsync(Desired);
        var (planned, _) = await kit.ReconcileAsync(Desired);

        Assert.False(planned.HasChanges);
        Assert.Equal(6, (await fixture.ItemsAsync(kit.Table)).Count);
        Assert.Equal(8, kit.Records().Count(r => r.Contains(" TXT ", StringComparison.Ordinal)));
        Assert.Contains(kit.Logger.Lines, l => l.Contains("deleted only when TXT is a managed record type", StringComparison.Ordinal));
        Assert.All(kit.Logger.Lines, l => Assert.DoesNotContain(AesKey, l));
    }

    [Fact]
    public async Task GetRecords_TxtOwnership_LabelsTheRecordAndMarksItForMigration()
    {
        using var kit = NewKit();
        await SeedAsync(kit);

        var records = await kit.Registry.GetRecordsAsync();

        var foo = records.Single(r => r.DnsName == "foo.example.org" && r.RecordType == RecordType.A);
        Assert.Equal("owner-a", foo.Owner);
        Assert.Equal("ingress/default/foo", foo.Labels[EndpointLabels.ResourceKey]);
        Assert.True(foo.TryGetProviderSpecific(ProviderSpecificNames.DynamoDbNeedsMigration, out var marker) && marker == "true");
        Assert.Equal("owner-a", records.Single(r => r.DnsName == "enc.example.org").Owner);
        Assert.Equal("owner-a", records.Single(r => r.DnsName == "*.example.org").Owner);

        // The TXT that owns nothing is returned as ours (so the planner can delete it); consumed ones are not returned.
        var txt = Assert.Single(records, r => r.RecordType == RecordType.TXT);
        Assert.Equal(("a-ghost.example.org", "owner-a"), (txt.DnsName, txt.Owner));
    }

    private RegistryKit NewKit() => new(
        fixture,
        fixture.CreateTableAsync().GetAwaiter().GetResult(),
        configure: o =>
        {
            o.TxtEncryptionAesKey = AesKey;
            o.TxtWildcardReplacement = "wild";
        });

    /// <summary>A zone as ExternalDNS's TXT registry leaves it.</summary>
    private static async Task SeedAsync(RegistryKit kit)
    {
        var mapper = new TxtNameMapper(wildcardReplacement: "wild");
        var plain = new TxtOwnershipCodec();
        var encrypted = new TxtOwnershipCodec(AesKey, encrypt: true);
        static Dictionary<string, string> Owner(string owner, string? resource = null)
        {
            var labels = new Dictionary<string, string> { [EndpointLabels.OwnerKey] = owner };
            if (resource is not null)
            {
                labels[EndpointLabels.ResourceKey] = resource;
            }

            return labels;
        }

        DnsEndpoint Txt(string name, string text) => new(name, RecordType.TXT, text);
        var records = new List<DnsEndpoint>
        {
            Desired[0], Desired[1], Desired[2], Desired[3], Desired[4], Desired[5], A("theirs", "192.0.2.9"),
        };
        records = [.. records.Select(r => r.WithLabels(new Dictionary<string, string>()))];
        records.Add(Txt(mapper.ToTxtName("foo.example.org", RecordType.A), plain.Format(Owner("owner-a", "ingress/default/foo"))));
        records.Add(Txt(mapper.ToTxtName("bar.example.org", RecordType.CNAME), plain.Format(Owner("owner-a", "ingress/default/bar"))));
        records.Add(Txt("legacy.example.org", plain.Format(Owner("owner-a", "ingress/default/legacy")))); // the old untyped format
        records.Add(Txt(mapper.ToTxtName("v6.example.org", RecordType.AAAA), plain.Format(Owner("owner-a", "ingress/default/v6"))));
        records.Add(Txt(mapper.ToTxtName("enc.example.org", RecordType.A), encrypted.Format(Owner("owner-a", "ingress/default/enc"))));
        records.Add(Txt(mapper.ToTxtName("*.example.org", RecordType.A), plain.Format(Owner("owner-a", "ingress/default/wild"))));
        records.Add(Txt(mapper.ToTxtName("theirs.example.org", RecordType.A), plain.Format(Owner("owner-b"))));
        records.Add(Txt(mapper.ToTxtName("ghost.example.org", RecordType.A), plain.Format(Owner("owner-a"))));
        await kit.Provider.ApplyChangesAsync(new DnsChanges { Create = records });
    }
}
