using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using static Ccx.Dns.DynamoDb.Tests.Infrastructure.RegistryKit;

namespace Ccx.Dns.DynamoDb.Tests;

/// <summary>
/// A failure at each cut point of an apply — DynamoDB before the provider, the provider before or after applying,
/// DynamoDB after the provider, the table gone — leaves a state the next reconcile repairs.
/// </summary>
[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbRegistryCrashTests(DynamoDbLocalFixture fixture)
{
    private static readonly DnsEndpoint[] Two = [A("www", "192.0.2.1", "svc/www"), A("api", "192.0.2.2", "svc/api")];

    [Fact]
    public async Task ApplyChanges_ProviderFailsBeforeApplying_OrphanedItemsAreReadoptedNextTime()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        kit.Faulty.Fault = ProviderFault.BeforeApply;

        await Assert.ThrowsAsync<DnsProviderException>(() => kit.ReconcileAsync(Two));

        // Cut: items claimed, no records. They are orphans of ours, not returned as records.
        Assert.Equal(2, (await fixture.ItemsAsync(kit.Table)).Count);
        Assert.Empty(kit.Records());
        Assert.Empty(await kit.Registry.GetRecordsAsync());

        kit.Faulty.Fault = ProviderFault.None;
        var (planned, result) = await kit.ReconcileAsync(Two);

        Assert.Equal(2, planned.Create.Count);
        Assert.Empty(result!.Rejected);
        Assert.Equal(2, result.Applied.Create.Count);
        Assert.Equal(["api.example.org A 192.0.2.2", "www.example.org A 192.0.2.1"], kit.Records());
        await AssertConvergedAsync(kit, Two);
    }

    [Fact]
    public async Task ApplyChanges_ProviderFailsBeforeApplyingAndTheRecordIsNoLongerWanted_OrphansAreDeletedOnALaterApply()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        kit.Faulty.Fault = ProviderFault.BeforeApply;
        await Assert.ThrowsAsync<DnsProviderException>(() => kit.ReconcileAsync(Two));
        kit.Faulty.Fault = ProviderFault.None;

        // Only "www" is wanted now: "api" stays an orphan until the apply, which deletes it.
        await kit.ReconcileAsync([Two[0]]);

        Assert.Equal(["www.example.org#A#"], (await fixture.ItemsAsync(kit.Table)).Select(i => i.K));
        Assert.Equal(["www.example.org A 192.0.2.1"], kit.Records());
    }

    [Fact]
    public async Task ApplyChanges_ProviderFailsAfterApplyingCreates_NextReconcileHasNothingToDo()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        kit.Faulty.Fault = ProviderFault.AfterApply;

        await Assert.ThrowsAsync<DnsProviderException>(() => kit.ReconcileAsync(Two));
        kit.Faulty.Fault = ProviderFault.None;

        Assert.Equal(2, kit.Records().Count);
        await AssertConvergedAsync(kit, Two);
        Assert.Single(kit.Faulty.Applied);
    }

    [Fact]
    public async Task ApplyChanges_ProviderFailsAfterApplyingDeletes_LeftoverItemsAreDeletedOnTheNextApply()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await kit.ReconcileAsync(Two);
        kit.Faulty.Fault = ProviderFault.AfterApply;

        await Assert.ThrowsAsync<DnsProviderException>(() => kit.ReconcileAsync([]));
        kit.Faulty.Fault = ProviderFault.None;

        // Cut: records deleted, items left (the release step never ran). They are orphans: not returned, and they do
        // not stop a plan.
        Assert.Empty(kit.Records());
        Assert.Equal(2, (await fixture.ItemsAsync(kit.Table)).Count);
        Assert.Empty(await kit.Registry.GetRecordsAsync());

        // The next apply (any change) deletes them.
        await kit.ReconcileAsync([A("new", "192.0.2.3")]);
        Assert.Equal(["new.example.org#A#"], (await fixture.ItemsAsync(kit.Table)).Select(i => i.K));
    }

    [Fact]
    public async Task ApplyChanges_DynamoDbUnreachableBeforeTheProvider_NothingIsAppliedAndTheNextReconcileConverges()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await kit.Registry.GetRecordsAsync();
        kit.Handler.FailWhen = op => op == "BatchExecuteStatement";

        var error = await Assert.ThrowsAsync<DnsProviderException>(() => kit.ReconcileAsync(Two));

        Assert.True(error.IsTransient);
        Assert.Empty(kit.Faulty.Applied);
        Assert.Empty(kit.Records());
        kit.Handler.FailWhen = null;
        await kit.ReconcileAsync(Two);
        await AssertConvergedAsync(kit, Two);
    }

    [Fact]
    public async Task ApplyChanges_DynamoDbStopsBetweenClaimBatches_ClaimedItemsAreReadoptedAndNothingIsRejected()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        var desired = Enumerable.Range(0, 30).Select(i => A($"h{i}", "192.0.2.1")).ToList();
        await kit.Registry.GetRecordsAsync();
        var batches = 0;
        kit.Handler.FailWhen = op => op == "BatchExecuteStatement" && ++batches > 1;

        await Assert.ThrowsAsync<DnsProviderException>(() => kit.ReconcileAsync(desired));

        // Cut: the first batch (25 items) was written, the second failed; the provider was never called.
        Assert.Equal(25, (await fixture.ItemsAsync(kit.Table)).Count);
        Assert.Empty(kit.Faulty.Applied);
        kit.Handler.FailWhen = null;

        var (_, result) = await kit.ReconcileAsync(desired);

        Assert.Empty(result!.Rejected);
        Assert.Equal(30, kit.Records().Count);
        Assert.Equal(30, (await fixture.ItemsAsync(kit.Table)).Count);
        await AssertConvergedAsync(kit, desired);
    }

    [Fact]
    public async Task ApplyChanges_DynamoDbStopsAfterTheProvider_ReportsPartialAndTheNextApplyDeletesTheLeftovers()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await kit.ReconcileAsync(Two);

        // The server "stops" while the provider applies: the release (DELETE) batch cannot be sent.
        kit.Faulty.OnApply = _ =>
        {
            kit.Handler.FailWhen = _ => true;
            return Task.CompletedTask;
        };
        var error = await Assert.ThrowsAsync<DnsProviderException>(() => kit.ReconcileAsync([Two[0]]));
        kit.Faulty.OnApply = null;
        kit.Handler.FailWhen = null;

        Assert.True(error.IsPartial);
        Assert.True(error.IsTransient);
        Assert.Contains("orphans", error.Message);
        Assert.Equal(["www.example.org A 192.0.2.1"], kit.Records());
        Assert.Equal(2, (await fixture.ItemsAsync(kit.Table)).Count);

        // A plan with no changes leaves the orphan (no apply); the next apply deletes it.
        var (planned, _) = await kit.ReconcileAsync([Two[0]]);
        Assert.False(planned.HasChanges);
        await kit.ReconcileAsync([Two[0], A("more", "192.0.2.5")]);
        Assert.Equal(["more.example.org#A#", "www.example.org#A#"], (await fixture.ItemsAsync(kit.Table)).Select(i => i.K));
    }

    [Fact]
    public async Task ApplyChanges_TableDeletedMidway_FailsClearlyAndNoRecordIsTouchedAfterwards()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await kit.ReconcileAsync(Two);
        kit.Faulty.OnApply = async _ => await fixture.Client.DeleteTableAsync(kit.Table);

        var error = await Assert.ThrowsAsync<DnsProviderException>(() => kit.ReconcileAsync([Two[0]]));
        kit.Faulty.OnApply = null;

        Assert.True(error.IsPartial);
        Assert.Contains($"DynamoDB table \"{kit.Table}\" does not exist", error.Message);
        Assert.Equal(["www.example.org A 192.0.2.1"], kit.Records());

        // Without the table, ownership is unknown: reads fail with the same clear message, nothing is deleted.
        var next = await Assert.ThrowsAsync<DnsProviderException>(() => kit.ReconcileAsync([]));
        Assert.Contains($"DynamoDB table \"{kit.Table}\" does not exist", next.Message);
        Assert.False(next.IsTransient);
        Assert.Equal(["www.example.org A 192.0.2.1"], kit.Records());
    }

    private static async Task AssertConvergedAsync(RegistryKit kit, IReadOnlyList<DnsEndpoint> desired)
    {
        var (planned, _) = await kit.ReconcileAsync(desired);
        Assert.False(planned.HasChanges, $"not converged: {planned}");
        var items = await kit.Fixture.ItemsAsync(kit.Table);
        Assert.Equal(desired.Select(d => d.Key.ToString()).Order(StringComparer.Ordinal), items.Select(i => i.K));
        Assert.All(items, i => Assert.Equal(kit.Registry.OwnerId, i.O));
        var records = await kit.Registry.GetRecordsAsync();
        Assert.All(records, r => Assert.Equal(kit.Registry.OwnerId, r.Owner));
    }
}
