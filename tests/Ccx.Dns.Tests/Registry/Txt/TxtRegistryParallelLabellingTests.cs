using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Registry.Txt;
using static Ccx.Dns.Tests.Registry.Txt.TxtRegistryTestKit;

namespace Ccx.Dns.Tests.Registry.Txt;

/// <summary>
/// A large view is labelled in two halves at once: the records a full read returns (labels, order, force-update
/// markers) and the orphans it finds are exactly those of labelling one record after the other.
/// </summary>
public sealed class TxtRegistryParallelLabellingTests
{
    [Fact]
    public async Task GetRecordsAsync_LabelledInTwoHalves_ReturnsWhatLabellingInOneGoReturns()
    {
        // Every kind of record: ours, another owner's, the old owner's (migrated), unowned, a legacy untyped ownership
        // record, an owned record whose ownership record is missing, and orphaned ownership records of ours.
        var random = new Random(5);
        var records = new List<DnsEndpoint>();
        for (var i = 0; i < 3_000; i++)
        {
            var name = $"db{i.ToString(CultureInfo.InvariantCulture)}.example.org";
            var ip = "192.0.2." + (i % 250).ToString(CultureInfo.InvariantCulture);
            switch (random.Next(7))
            {
                case 0:
                    records.Add(A(name, ip));
                    break;
                case 1:
                    records.Add(A(name, ip));
                    records.Add(TxtRecord("a-" + name, OwnershipText("other", "r" + i.ToString(CultureInfo.InvariantCulture))));
                    break;
                case 2:
                    records.Add(A(name, ip));
                    records.Add(TxtRecord("a-" + name, OwnershipText("old")));
                    break;
                case 3:
                    records.Add(TxtRecord("a-" + name, OwnershipText("owner"))); // orphan
                    break;
                case 4:
                    records.Add(Cname(name, "target.example.net"));
                    records.Add(TxtRecord(name, OwnershipText("owner"))); // legacy, untyped
                    break;
                default:
                    records.Add(A(name, ip));
                    records.Add(TxtRecord("a-" + name, OwnershipText("owner", "datastore/" + i.ToString(CultureInfo.InvariantCulture))));
                    break;
            }
        }

        var provider = NewProvider();
        await SeedAsync(provider, [.. records]);
        var inOneGo = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "owner", OldOwnerId = "old" }) { ParallelLabelFrom = int.MaxValue };
        var inHalves = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "owner", OldOwnerId = "old" }) { ParallelLabelFrom = 2 };

        var want = await inOneGo.GetRecordsAsync();
        var got = await inHalves.GetRecordsAsync();

        Assert.True(want.Count > 2_000, $"{want.Count} records");
        Assert.Contains(want, r => r.Owner == "owner" && r.TryGetProviderSpecific(ProviderSpecificNames.TxtForceUpdate, out _));
        Assert.Contains(want, r => r.Owner == "other");
        Assert.Equal(want.Select(Describe), got.Select(Describe));
        Assert.True(inOneGo.HasPendingCleanup);
        Assert.True(inHalves.HasPendingCleanup);

        // The orphans found are the same: cleaning up deletes the same ownership records either way.
        var copy = NewProvider();
        await SeedAsync(copy, [.. records]);
        var inHalvesOnCopy = new TxtRegistry(copy, new TxtRegistryOptions { OwnerId = "owner", OldOwnerId = "old" }) { ParallelLabelFrom = 2 };
        await inHalvesOnCopy.GetRecordsAsync();
        await inOneGo.ApplyChangesAsync(DnsChanges.Empty);
        await inHalvesOnCopy.ApplyChangesAsync(DnsChanges.Empty);
        Assert.Equal(
            provider.GetZoneRecords(Zone).Select(r => r.ToString()).Order(StringComparer.Ordinal),
            copy.GetZoneRecords(Zone).Select(r => r.ToString()).Order(StringComparer.Ordinal));
        Assert.True(provider.GetZoneRecords(Zone).Count < records.Count, "no orphan was cleaned up");
    }

    private static string Describe(DnsEndpoint record) =>
        record + " " + string.Join(",", record.Labels.Select(l => l.Key + "=" + l.Value)) + " " + string.Join(",", record.ProviderSpecific.Select(p => p.Name + "=" + p.Value));
}
