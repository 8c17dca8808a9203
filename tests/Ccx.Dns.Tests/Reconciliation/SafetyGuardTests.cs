using Ccx.Dns.Endpoints;
using Ccx.Dns.Hosting;
using Ccx.Dns.Planning;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using static Ccx.Dns.Tests.TestSupport.ReconcilerHarness;

namespace Ccx.Dns.Tests.Reconciliation;

public sealed class SafetyGuardTests
{
    private static DnsEndpoint[] Owned(int count) => [.. Enumerable.Range(0, count).Select(i => A($"db{i}", $"10.0.0.{i + 1}"))];

    private static async Task<ReconcilerHarness> SeededAsync(int owned, Action<DnsReconcilerOptions>? configure = null)
    {
        var h = new ReconcilerHarness(configure);
        await h.Registry.SeedAsync("test-owner", Owned(owned));
        return h;
    }

    [Theory]
    [InlineData(3, ReconcileOutcome.Applied)] // 30% of 10: at the limit
    [InlineData(4, ReconcileOutcome.Withheld)] // 40%: over it
    public async Task RunOnce_DeleteShareAroundMaxDeletePercent_WithheldOnlyAbove(int deletes, ReconcileOutcome expected)
    {
        await using var h = await SeededAsync(10);
        h.Source.ReplaceAll(Owned(10).Skip(deletes));

        var result = await h.RunAsync();

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(deletes, result.Changes.Delete.Count);
        Assert.Equal(expected == ReconcileOutcome.Applied ? 10 - deletes : 10, (await h.Provider.GetRecordsAsync()).Count);
    }

    [Theory]
    [InlineData(3, ReconcileOutcome.Applied)]
    [InlineData(4, ReconcileOutcome.Withheld)]
    public async Task RunOnce_GuardTargetChanges_UpdateShareAroundMaxUpdatePercent_WithheldOnlyAbove(int updates, ReconcileOutcome expected)
    {
        await using var h = await SeededAsync(10, o => o.Guard.GuardTargetChanges = true);
        h.Source.ReplaceAll(Owned(10).Select((e, i) => i < updates ? e with { Targets = [$"10.1.0.{i + 1}"] } : e));

        var result = await h.RunAsync();

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(updates, result.Changes.UpdateNew.Count);
        if (expected == ReconcileOutcome.Withheld)
        {
            Assert.Contains("MaxUpdatePercent", result.WithheldReason);
            Assert.Equal(0, h.Registry.ApplyCount);
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(10)]
    public async Task RunOnce_TargetChangesOfDesiredNamesByDefault_AppliedHoweverMany(int updates)
    {
        // Failovers: the names stay desired, only their targets move. Withholding them would leave DNS on dead primaries.
        await using var h = await SeededAsync(10);
        h.Source.ReplaceAll(Owned(10).Select((e, i) => i < updates ? e with { Targets = [$"10.1.0.{i + 1}"] } : e));

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        Assert.Equal(updates, result.AppliedChanges.UpdateNew.Count);
        Assert.Equal(updates, (await h.Provider.GetRecordsAsync()).Count(r => r.Targets[0].StartsWith("10.1.", StringComparison.Ordinal)));
    }

    [Fact]
    public void Evaluate_UpdatesThatChangeTheTypeOrEmptyARecord_StayGuarded()
    {
        var options = new SafetyGuardOptions();
        var olds = Enumerable.Range(0, 4).Select(i => A($"db{i}", "10.0.0.1")).ToArray();
        var retyped = new DnsChanges { UpdateOld = olds, UpdateNew = [.. olds.Select(o => new DnsEndpoint(o.DnsName, RecordType.CNAME, "lb.example.net"))] };
        var emptied = new DnsChanges { UpdateOld = olds, UpdateNew = [.. olds.Select(o => o with { Targets = [] })] };
        var moved = new DnsChanges { UpdateOld = olds, UpdateNew = [.. olds.Select(o => o with { Targets = ["10.9.9.9"] })] };

        Assert.Contains("changes the type of, or empties, 4 of 10", SafetyGuard.Evaluate(options, ownedCount: 10, desiredCount: 10, retyped)?.Reason);
        Assert.NotNull(SafetyGuard.Evaluate(options, ownedCount: 10, desiredCount: 10, emptied));
        Assert.Null(SafetyGuard.Evaluate(options, ownedCount: 10, desiredCount: 10, moved));
    }

    [Fact]
    public async Task RunOnce_TypeChangesAtManyNames_StayGuardedAsDeletes()
    {
        // The planner turns an A -> CNAME change into a delete of the A and a create of the CNAME: the delete is guarded.
        await using var h = await SeededAsync(10);
        h.Source.ReplaceAll(Owned(10).Select((e, i) => i < 4 ? new DnsEndpoint(e.DnsName, RecordType.CNAME, "lb.example.net") : e));

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Withheld, result.Outcome);
        Assert.Contains("it deletes 4 of 10 owned records", result.WithheldReason);
    }

    [Theory]
    [InlineData(9, ReconcileOutcome.Applied)] // below MinExistingRecords: thresholds do not apply
    [InlineData(10, ReconcileOutcome.Withheld)]
    public async Task RunOnce_OwnedCountAroundMinExistingRecords_ThresholdsApplyFromTheMinimum(int owned, ReconcileOutcome expected)
    {
        await using var h = await SeededAsync(owned);
        h.Source.ReplaceAll(Owned(owned).Take(1)); // delete all but one: far over 30%

        var result = await h.RunAsync();

        Assert.Equal(expected, result.Outcome);
    }

    [Fact]
    public async Task RunOnce_WithheldPlan_ExplainsHowToApproveCountsLogsOneErrorAndIsUnhealthy()
    {
        await using var h = await SeededAsync(10);
        using var recorder = new MetricRecorder(h.Telemetry.Meter);
        h.Source.ReplaceAll(Owned(10).Take(5));

        var result = await h.RunAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await h.RunAsync(); // the same plan, withheld again on the next interval

        Assert.Equal((ReconcileOutcome.Withheld, ReconcileOutcome.Withheld), (result.Outcome, again.Outcome));
        Assert.Contains("deletes 5 of 10 owned records", result.WithheldReason);
        Assert.Contains("DnsReconciler.ApproveWithheldPlan()", result.WithheldReason);
        Assert.Contains("AllowUnsafePlans", result.WithheldReason);
        var error = Assert.Single(h.Logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("withheld", error.Message);
        Assert.Contains("ApproveWithheldPlan()", error.Message);
        Assert.Equal(2, recorder.Sum("ccx.dns.plans.withheld", "reason=thresholds"));
        Assert.Null(h.Reconciler.LastSuccessfulSyncAt);
        Assert.Equal(0, h.Provider.ApplyCount - 1); // only the seeding apply

        var check = new DnsReconcilerHealthCheck(h.Reconciler, h.Clock);
        var health = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("dns", check, HealthStatus.Unhealthy, null) });
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("ApproveWithheldPlan()", health.Description);
    }

    [Fact]
    public async Task RunOnce_DifferentPlanWithheld_LogsANewError()
    {
        await using var h = await SeededAsync(10);
        h.Source.ReplaceAll(Owned(10).Take(5));
        await h.RunAsync();
        h.Source.ReplaceAll(Owned(10).Take(4));

        await h.RunAsync();

        Assert.Equal(2, h.Logger.Entries.Count(e => e.Level == LogLevel.Error));
    }

    [Fact]
    public async Task RunOnce_AllowUnsafePlans_AppliesOverThresholds()
    {
        await using var h = await SeededAsync(10, o => o.Guard.AllowUnsafePlans = true);
        h.Source.ReplaceAll(Owned(10).Take(2));

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        Assert.Equal(2, (await h.Provider.GetRecordsAsync()).Count);
    }

    [Fact]
    public async Task RunOnce_EmptySourceWhileOwnedRecordsExist_WithholdsDeletes()
    {
        await using var h = await SeededAsync(1);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Withheld, result.Outcome);
        Assert.Contains("AllowEmptySource", result.WithheldReason);
        Assert.Single(await h.Provider.GetRecordsAsync());
    }

    [Fact]
    public async Task RunOnce_EmptySourceAllowed_DeletesOwnedRecords()
    {
        await using var h = await SeededAsync(1, o => o.Guard.AllowEmptySource = true);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        Assert.Empty(await h.Provider.GetRecordsAsync());
    }

    [Fact]
    public async Task ApproveWithheldPlan_SamePlanNextRun_AppliesItOnce()
    {
        await using var h = await SeededAsync(10);
        Assert.False(h.Reconciler.ApproveWithheldPlan()); // nothing withheld yet
        h.Source.ReplaceAll(Owned(10).Take(5));
        Assert.Equal(ReconcileOutcome.Withheld, (await h.RunAsync()).Outcome);

        Assert.True(h.Reconciler.ApproveWithheldPlan());
        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        Assert.Equal(5, (await h.Provider.GetRecordsAsync()).Count);
    }

    [Fact]
    public async Task ApproveWithheldPlan_PlanChangedSinceApproval_IsWithheldAgain()
    {
        await using var h = await SeededAsync(10);
        h.Source.ReplaceAll(Owned(10).Take(5));
        await h.RunAsync();
        Assert.True(h.Reconciler.ApproveWithheldPlan());

        h.Source.ReplaceAll(Owned(10).Take(4)); // a bigger plan than the one approved
        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Withheld, result.Outcome);
        Assert.Equal(10, (await h.Provider.GetRecordsAsync()).Count);
    }

    [Fact]
    public async Task RunOnce_DryRunOverThresholds_ReportsTheGuardVerdictWithoutApplying()
    {
        await using var h = await SeededAsync(10, o => o.DryRun = true);
        h.Source.ReplaceAll(Owned(10).Take(5));

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.DryRun, result.Outcome);
        Assert.NotNull(result.WithheldReason);
        Assert.Equal(1, h.Provider.ApplyCount); // the seeding apply only
    }

    [Fact]
    public void Evaluate_BelowMinimumOrEmptySource_JudgedByTheMatchingRule()
    {
        var options = new SafetyGuardOptions();
        var changes = new DnsChanges { Delete = [A("x", "10.0.0.1"), A("y", "10.0.0.2")] };

        Assert.Null(SafetyGuard.Evaluate(options, ownedCount: 9, desiredCount: 5, changes));
        Assert.NotNull(SafetyGuard.Evaluate(options, ownedCount: 6, desiredCount: 0, changes));
        Assert.Null(SafetyGuard.Evaluate(options, ownedCount: 0, desiredCount: 0, DnsChanges.Empty));
    }

    [Fact]
    public async Task RunOnce_ForeignRecordsInTheZone_DoNotCountAsOwned()
    {
        await using var h = new ReconcilerHarness();
        await h.Registry.SeedAsync("someone-else", [.. Enumerable.Range(0, 20).Select(i => A($"foreign{i}", "10.9.0.1"))]);
        await h.Registry.SeedAsync("test-owner", Owned(10));
        h.Source.ReplaceAll(Owned(10).Skip(4)); // 4 of 10 owned = 40%, though only 4 of 30 records in the zone

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Withheld, result.Outcome);
        Assert.Contains("of 10 owned", result.WithheldReason);
    }
}
