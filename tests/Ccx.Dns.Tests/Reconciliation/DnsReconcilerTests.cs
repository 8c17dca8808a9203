using System.Text.Json;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Programmatic;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.Options;
using static Ccx.Dns.Tests.TestSupport.ReconcilerHarness;

namespace Ccx.Dns.Tests.Reconciliation;

public sealed class DnsReconcilerTests
{
    [Fact]
    public async Task RunOnce_NewDesiredEndpoints_CreatesThemOwnedByTheRegistry()
    {
        await using var h = new ReconcilerHarness();
        h.Source.ReplaceAll([A("db1", "10.0.0.1"), A("db2", "10.0.0.2")]);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        Assert.True(result.Applied);
        Assert.Equal(2, result.Changes.Create.Count);
        Assert.Equal(2, result.AppliedChanges.Create.Count);
        Assert.Equal(2, result.SourceEndpointCount);
        var records = await h.Registry.GetRecordsAsync();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.True(r.IsOwnedBy("test-owner")));
    }

    [Fact]
    public async Task RunOnce_DryRun_ReportsThePlanAndAppliesNothing()
    {
        await using var h = new ReconcilerHarness(o => o.DryRun = true);
        h.Source.ReplaceAll([A("db1", "10.0.0.1")]);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.DryRun, result.Outcome);
        Assert.True(result.DryRun);
        Assert.False(result.Applied);
        Assert.Single(result.Changes.Create);
        Assert.Equal(0, h.Provider.ApplyCount);
        Assert.Equal(0, h.Registry.ApplyCount);
        Assert.Empty(await h.Provider.GetRecordsAsync());
    }

    [Fact]
    public async Task RunOnce_RecordsAlreadyMatch_DoesNotCallApply()
    {
        await using var h = new ReconcilerHarness();
        h.Source.ReplaceAll([A("db1", "10.0.0.1")]);
        await h.RunAsync();
        var applies = h.Registry.ApplyCount;

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.NoChanges, result.Outcome);
        Assert.False(result.Changes.HasChanges);
        Assert.Equal(applies, h.Registry.ApplyCount);
    }

    [Fact]
    public async Task RunOnce_SameEndpointFromTwoSources_IsDeduplicated()
    {
        var first = new ProgrammaticEndpointSource();
        var second = new ProgrammaticEndpointSource();
        first.ReplaceAll([new DnsEndpoint($"db.{Zone}", RecordType.A, "10.0.0.1", "10.0.0.2")]);
        second.ReplaceAll([new DnsEndpoint($"DB.{Zone}.", RecordType.A, "10.0.0.2", "10.0.0.1"), A("other", "10.0.0.3")]);
        await using var h = new ReconcilerHarness(sources: [first, second]);

        var result = await h.RunAsync();

        Assert.Equal(2, result.SourceEndpointCount);
        Assert.Equal(2, result.AppliedChanges.Create.Count);
        Assert.Empty(result.Rejected);
    }

    [Fact]
    public async Task RunOnce_OneSourceWhoseNextListRepeatsAnEndpoint_IsDeduplicatedAsAFreshMergeWould()
    {
        // One source's lists pass through unmerged while no key repeats; a later list that changes one position to
        // repeat an endpoint (another instance, same key and targets) is merged again, and the repeat collapses.
        var a = A("a", "10.0.0.1");
        var b = A("b", "10.0.0.2");
        var c = A("c", "10.0.0.3");
        var d = A("d", "10.0.0.4");
        var e = A("e", "10.0.0.5");
        var source = new ListSource([a, b, c, d, e]);
        await using var h = new ReconcilerHarness(sources: [source]);
        Assert.Equal(5, (await h.RunAsync()).SourceEndpointCount);

        source.Endpoints = [a, b, c, d, A("e", "10.0.0.6")];
        var moved = await h.RunAsync();
        Assert.Equal(5, moved.SourceEndpointCount);
        Assert.Equal("10.0.0.6", Assert.Single(moved.AppliedChanges.UpdateNew).Targets[0]);

        source.Endpoints = [a, b, c, d, A("a", "10.0.0.1")];
        var repeated = await h.RunAsync();
        Assert.Equal(4, repeated.SourceEndpointCount);
        Assert.Equal($"e.{Zone}", Assert.Single(repeated.AppliedChanges.Delete).DnsName);
        Assert.Empty(repeated.Rejected);
    }

    [Fact]
    public async Task RunOnce_InvalidEndpoint_IsRejectedWithAReasonAndTheRestApplied()
    {
        await using var h = new ReconcilerHarness();
        h.Source.ReplaceAll([A("good", "10.0.0.1"), new DnsEndpoint($"bad.{Zone}", RecordType.A, "not-an-ip")]);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        Assert.Equal($"good.{Zone}", Assert.Single(result.AppliedChanges.Create).DnsName);
        var rejected = Assert.Single(result.Rejected);
        Assert.Equal($"bad.{Zone}", rejected.Endpoint.DnsName);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Reason));
        Assert.Contains(h.Logger.Entries, e => e.Message.Contains($"bad.{Zone}") && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task RunOnce_RegistryRefusesAnEndpoint_ReportsItAsRejected()
    {
        await using var h = new ReconcilerHarness();
        h.Registry.Refuse = e => e.DnsName.StartsWith("long", StringComparison.Ordinal) ? "ownership name too long" : null;
        h.Source.ReplaceAll([A("long", "10.0.0.1"), A("ok", "10.0.0.2")]);

        var result = await h.RunAsync();

        var rejected = Assert.Single(result.Rejected);
        Assert.Equal("ownership name too long", rejected.Reason);
        Assert.Single(result.AppliedChanges.Create);
    }

    [Fact]
    public async Task RunOnce_TransientRegistryFailure_ReportsATransientReadError()
    {
        await using var h = new ReconcilerHarness();
        h.Registry.FailNextReads(new DnsProviderException("throttled", isTransient: true));
        h.Source.ReplaceAll([A("db1", "10.0.0.1")]);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Failed, result.Outcome);
        Assert.Equal(new ReconcileError(ReconcileStage.ReadRegistry, "throttled", IsTransient: true), result.Error! with { Exception = null });
        Assert.Equal(1, h.Reconciler.ConsecutiveTransientFailures);
        Assert.Null(h.Reconciler.LastSuccessfulSyncAt);

        var recovered = await h.RunAsync();
        Assert.Equal(ReconcileOutcome.Applied, recovered.Outcome);
        Assert.Equal(0, h.Reconciler.ConsecutiveTransientFailures);
        Assert.NotNull(h.Reconciler.LastSuccessfulSyncAt);
    }

    [Fact]
    public async Task RunOnce_ApplyFailsPermanently_ReportsAnApplyErrorWithThePlan()
    {
        await using var h = new ReconcilerHarness();
        h.Registry.FailNextApplies(new DnsProviderException("access denied", isTransient: false));
        h.Source.ReplaceAll([A("db1", "10.0.0.1")]);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Failed, result.Outcome);
        Assert.Equal(ReconcileStage.Apply, result.Error!.Stage);
        Assert.False(result.Error.IsTransient);
        Assert.Single(result.Changes.Create);
        Assert.Equal(0, h.Reconciler.ConsecutiveTransientFailures);
    }

    [Fact]
    public async Task RunOnce_SourceThrowsAnything_ReportsAPermanentSourceError()
    {
        await using var h = new ReconcilerHarness(sources: [new ThrowingSource(new InvalidOperationException("bug in source"))]);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileStage.Source, result.Error!.Stage);
        Assert.False(result.Error.IsTransient);
        Assert.Equal("bug in source", result.Error.Message);
        Assert.Equal(0, h.Registry.ReadCount);
    }

    [Fact]
    public async Task RunOnce_CancelledToken_ThrowsOperationCanceled()
    {
        await using var h = new ReconcilerHarness();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Reconciler.RunOnceAsync(cts.Token));
    }

    [Fact]
    public async Task RunOnce_ForeignOwnedRecordAtADesiredName_IsLeftAloneAndReported()
    {
        await using var h = new ReconcilerHarness();
        await h.Registry.SeedAsync("someone-else", new DnsEndpoint($"db.{Zone}", RecordType.CNAME, "elsewhere.example.net"));
        h.Source.ReplaceAll([A("db", "10.0.0.1")]);

        var result = await h.RunAsync();

        Assert.False(result.Changes.HasChanges);
        var mismatch = Assert.Single(result.OwnerMismatches);
        Assert.Equal("someone-else", mismatch.ForeignOwner);
        Assert.Equal(RecordType.CNAME, Assert.Single(await h.Provider.GetRecordsAsync()).RecordType);
    }

    [Fact]
    public async Task RunOnce_UpsertOnlyPolicy_NeverDeletes()
    {
        await using var h = new ReconcilerHarness(o => o.Policy = "upsert-only");
        await h.Registry.SeedAsync("test-owner", A("old", "10.0.0.9"));
        h.Source.ReplaceAll([A("new", "10.0.0.1")]);

        var result = await h.RunAsync();

        Assert.Empty(result.Changes.Delete);
        Assert.Equal(2, (await h.Provider.GetRecordsAsync()).Count);
    }

    [Fact]
    public async Task RunOnce_DomainFilterFromOptions_RejectsNamesOutsideIt()
    {
        await using var h = new ReconcilerHarness(o => o.IncludeDomains.Add($"db.{Zone}"));
        h.Source.ReplaceAll([A("x.db", "10.0.0.1"), A("www", "10.0.0.2")]);

        var result = await h.RunAsync();

        Assert.Equal($"x.db.{Zone}", Assert.Single(result.AppliedChanges.Create).DnsName);
        Assert.Contains("domain filter", Assert.Single(result.Rejected).Reason);
    }

    [Fact]
    public async Task RunOnce_LeaseNotHeld_PlansButDoesNotApply()
    {
        var lease = new StubLease(held: false);
        await using var h = new ReconcilerHarness(lease: lease);
        h.Source.ReplaceAll([A("db1", "10.0.0.1")]);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.NotLeader, result.Outcome);
        Assert.Single(result.Changes.Create);
        Assert.Equal(0, h.Provider.ApplyCount);

        lease.Set(true);
        Assert.Equal(ReconcileOutcome.Applied, (await h.RunAsync()).Outcome);
        Assert.Equal(1, h.Provider.ApplyCount);
    }

    [Fact]
    public async Task RunOnce_LeaseStoreFails_ReportsALeaseErrorAndAppliesNothing()
    {
        var lease = new StubLease(held: true) { Failure = new DnsProviderException("lease table unavailable", isTransient: true) };
        await using var h = new ReconcilerHarness(lease: lease);
        h.Source.ReplaceAll([A("db1", "10.0.0.1")]);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileStage.Lease, result.Error!.Stage);
        Assert.True(result.Error.IsTransient);
        Assert.Equal(0, h.Provider.ApplyCount);
    }

    [Fact]
    public async Task ToMarkdownAndToJson_DescribeThePlan()
    {
        await using var h = new ReconcilerHarness();
        await h.Registry.SeedAsync("test-owner", A("moved", "10.0.0.1"), A("gone", "10.0.0.2"));
        h.Source.ReplaceAll([A("moved", "10.0.0.5"), A("new", "10.0.0.3"), new DnsEndpoint($"bad.{Zone}", RecordType.A, "nope")]);

        var result = await h.RunAsync();
        var markdown = result.ToMarkdown();
        using var json = JsonDocument.Parse(result.ToJson());

        Assert.Contains($"| create | new.{Zone} | A | 10.0.0.3 |", markdown);
        Assert.Contains($"| update | moved.{Zone} | A | 10.0.0.1 → 10.0.0.5 |", markdown);
        Assert.Contains($"| delete | gone.{Zone} | A | 10.0.0.2 |", markdown);
        Assert.Contains($"| bad.{Zone} | A | nope |", markdown);
        var root = json.RootElement;
        Assert.Equal("Applied", root.GetProperty("outcome").GetString());
        Assert.True(root.GetProperty("applied").GetBoolean());
        Assert.Equal($"new.{Zone}", root.GetProperty("changes").GetProperty("create")[0].GetProperty("dnsName").GetString());
        Assert.Equal(1, root.GetProperty("changes").GetProperty("delete").GetArrayLength());
        Assert.Equal($"bad.{Zone}", root.GetProperty("rejected")[0].GetProperty("endpoint").GetProperty("dnsName").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryError()
    {
        var options = new DnsReconcilerOptions { Policy = "yolo", Interval = TimeSpan.Zero };
        options.ManagedRecordTypes.Add("BOGUS");

        var ex = Assert.Throws<OptionsValidationException>(() => new DnsReconciler(
            [], new OwnerLabelRegistry(new Ccx.Dns.Providers.InMemory.InMemoryDnsProvider([Zone])), Options.Create(options), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<DnsReconciler>.Instance));

        Assert.Equal(3, ex.Failures.Count());
    }

    [Fact]
    public void Constructor_NegativeLeaseApplyMargin_Throws()
    {
        var options = new DnsReconcilerOptions { LeaseApplyMargin = TimeSpan.FromSeconds(-1) };

        var ex = Assert.Throws<OptionsValidationException>(() => new DnsReconciler(
            [], new OwnerLabelRegistry(new Ccx.Dns.Providers.InMemory.InMemoryDnsProvider([Zone])), Options.Create(options), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<DnsReconciler>.Instance));

        Assert.Equal("LeaseApplyMargin must not be negative (was -00:00:01).", Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task RunOnce_ConcurrentCalls_RunOneAtATime()
    {
        var source = new ControlledSource { Endpoints = [A("db1", "10.0.0.1")] };
        await using var h = new ReconcilerHarness(sources: [source]);
        var entered = source.HoldNextRead();
        var first = h.Reconciler.RunOnceAsync();
        await entered;

        var second = h.Reconciler.RunOnceAsync();
        Assert.False(second.IsCompleted);
        Assert.Equal(0, h.Registry.ReadCount);
        source.Release();
        var results = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([ReconcileOutcome.Applied, ReconcileOutcome.NoChanges], results.Select(r => r.Outcome));
    }

    [Fact]
    public async Task RunOnce_ReconciledHandlerThrows_ResultStillReturnedAndFailureLogged()
    {
        await using var h = new ReconcilerHarness();
        h.Reconciler.Reconciled += (_, _) => throw new InvalidOperationException("handler bug");
        h.Source.ReplaceAll([A("db1", "10.0.0.1")]);

        var result = await h.RunAsync();

        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        Assert.Contains(h.Logger.Entries, e => e.EventId == 1012);
    }

    private sealed class ListSource(IReadOnlyList<DnsEndpoint> endpoints) : Ccx.Dns.Sources.IEndpointSource
    {
        public event EventHandler? Changed { add { } remove { } }

        public IReadOnlyList<DnsEndpoint> Endpoints { get; set; } = endpoints;

        public Task<IReadOnlyList<DnsEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Endpoints);
    }

    private sealed class ThrowingSource(Exception exception) : Ccx.Dns.Sources.IEndpointSource
    {
        public event EventHandler? Changed { add { } remove { } }

        public Task<IReadOnlyList<DnsEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default) =>
            Task.FromException<IReadOnlyList<DnsEndpoint>>(exception);
    }
}
