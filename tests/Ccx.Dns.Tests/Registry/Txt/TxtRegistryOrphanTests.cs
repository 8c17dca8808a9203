using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Logging.Abstractions;
using static Ccx.Dns.Tests.Registry.Txt.TxtRegistryTestKit;

namespace Ccx.Dns.Tests.Registry.Txt;

/// <summary>
/// Ownership records of our own whose record is gone (a provider applied the ownership record but failed before the
/// record, or the record was deleted by hand) are deleted, so they neither linger nor block another owner.
/// </summary>
public sealed class TxtRegistryOrphanTests
{
    [Fact]
    public async Task ApplyChangesAsync_OwnOrphanedOwnershipRecord_DeletesItAndKeepsLiveOnes()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("live.example.org", "192.0.2.1"),
            TxtRecord("a-live.example.org", OwnershipText("owner")),
            TxtRecord("a-gone.example.org", OwnershipText("owner")),
            TxtRecord("cname-gone2.example.org", OwnershipText("owner")));
        var registry = CreateRegistry(provider);
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(DnsChanges.Empty);

        Assert.Empty(result.Rejected);
        Assert.Null(FindInZone(provider, "a-gone.example.org", RecordType.TXT));
        Assert.Null(FindInZone(provider, "cname-gone2.example.org", RecordType.TXT));
        Assert.NotNull(FindInZone(provider, "a-live.example.org", RecordType.TXT));
        Assert.NotNull(FindInZone(provider, "live.example.org", RecordType.A));
    }

    [Fact]
    public async Task ApplyChangesAsync_OrphanOfAnotherOwnerUnmanagedTypeOrUntyped_LeavesThem()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            TxtRecord("a-theirs.example.org", OwnershipText("other")),
            TxtRecord("mx-mail.example.org", OwnershipText("owner")),
            TxtRecord("untyped.example.org", OwnershipText("owner")),
            A("live.example.org", "192.0.2.1"));
        var before = provider.GetZoneRecords(Zone).Select(r => r.ToString()).Order(StringComparer.Ordinal).ToList();
        var registry = CreateRegistry(provider);
        var current = await registry.GetRecordsAsync();

        await registry.ApplyChangesAsync(DnsChanges.Empty);

        Assert.Single(current);
        Assert.Equal(before, provider.GetZoneRecords(Zone).Select(r => r.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ApplyChangesAsync_CreateReclaimingAnOrphan_KeepsTheOwnershipRecord()
    {
        var provider = NewProvider();
        await SeedAsync(provider, TxtRecord("a-back.example.org", OwnershipText("owner")));
        var registry = CreateRegistry(provider);
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A("back.example.org", "192.0.2.9")] });

        Assert.Empty(result.Rejected);
        Assert.NotNull(FindInZone(provider, "back.example.org", RecordType.A));
        Assert.NotNull(FindInZone(provider, "a-back.example.org", RecordType.TXT));
        Assert.Equal("owner", Assert.Single(await registry.GetRecordsAsync()).Owner);
    }

    [Fact]
    public async Task RunOnceAsync_OrphanAndNoRecordChanges_DeletesItOnceThenReportsNoChanges()
    {
        var provider = NewProvider();
        await SeedAsync(provider, TxtRecord("a-gone.example.org", OwnershipText("owner")));
        using var reconciler = NewReconciler(provider, dryRun: false);

        var first = await reconciler.RunOnceAsync();
        var second = await reconciler.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.Applied, first.Outcome);
        Assert.False(first.Changes.HasChanges);
        Assert.Equal(ReconcileOutcome.NoChanges, second.Outcome);
        Assert.Empty(provider.GetZoneRecords(Zone));
    }

    [Fact]
    public async Task RunOnceAsync_OrphanInDryRun_LeavesIt()
    {
        var provider = NewProvider();
        await SeedAsync(provider, TxtRecord("a-gone.example.org", OwnershipText("owner")));
        using var reconciler = NewReconciler(provider, dryRun: true);

        var result = await reconciler.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.NoChanges, result.Outcome);
        Assert.Single(provider.GetZoneRecords(Zone));
    }

    private static DnsReconciler NewReconciler(Ccx.Dns.Providers.InMemory.InMemoryDnsProvider provider, bool dryRun) => new(
        [new ProgrammaticEndpointSource()],
        CreateRegistry(provider),
        Microsoft.Extensions.Options.Options.Create(new DnsReconcilerOptions { DryRun = dryRun, Guard = new SafetyGuardOptions { AllowEmptySource = true } }),
        TimeProvider.System,
        NullLogger<DnsReconciler>.Instance);
}
