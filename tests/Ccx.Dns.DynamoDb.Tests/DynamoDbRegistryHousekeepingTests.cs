using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Logging.Abstractions;
using static Ccx.Dns.DynamoDb.Tests.Infrastructure.RegistryKit;

namespace Ccx.Dns.DynamoDb.Tests;

/// <summary>
/// Orphaned items (ours, with no record) are deleted even when the plan has no record changes: the registry reports
/// pending clean-up and the reconciler applies an empty change set for it.
/// </summary>
[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbRegistryHousekeepingTests(DynamoDbLocalFixture fixture)
{
    [Fact]
    public async Task RunOnceAsync_OrphanedItemAndNoRecordChanges_DeletesItThenReportsNoChanges()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await fixture.PutItemAsync(kit.Table, $"gone.{Zone}#A#", "owner-a");
        await fixture.PutItemAsync(kit.Table, $"theirs.{Zone}#A#", "owner-b");
        using var reconciler = NewReconciler(kit, dryRun: false);

        var first = await reconciler.RunOnceAsync();
        var second = await reconciler.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.Applied, first.Outcome);
        Assert.False(first.Changes.HasChanges);
        Assert.Equal(ReconcileOutcome.NoChanges, second.Outcome);
        Assert.False(kit.Registry.HasPendingCleanup);
        var item = Assert.Single(await fixture.ItemsAsync(kit.Table));
        Assert.Equal("owner-b", item.O);
    }

    [Fact]
    public async Task RunOnceAsync_OrphanedItemInDryRun_LeavesIt()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await fixture.PutItemAsync(kit.Table, $"gone.{Zone}#A#", "owner-a");
        using var reconciler = NewReconciler(kit, dryRun: true);

        var result = await reconciler.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.NoChanges, result.Outcome);
        Assert.True(kit.Registry.HasPendingCleanup);
        Assert.Single(await fixture.ItemsAsync(kit.Table));
    }

    private static DnsReconciler NewReconciler(RegistryKit kit, bool dryRun) => new(
        [new ProgrammaticEndpointSource()],
        kit.Registry,
        Microsoft.Extensions.Options.Options.Create(new DnsReconcilerOptions { DryRun = dryRun, Guard = new SafetyGuardOptions { AllowEmptySource = true } }),
        TimeProvider.System,
        NullLogger<DnsReconciler>.Instance);
}
