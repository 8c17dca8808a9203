using Ccx.Dns.Endpoints;
using Ccx.Dns.Hosting;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources;
using Ccx.Dns.Sources.Datastore;
using Ccx.Dns.Sources.Programmatic;
using Ccx.Dns.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.Reconciliation;

/// <summary>When a reconcile is targeted, what it reads, and when it falls back to a full one.</summary>
public sealed class TargetedReconcileTests
{
    private const string Zone = "example.org";

    [Fact]
    public async Task RunOnce_WithNamesAfterAFullRun_IsTargetedAndReadsNothingFromTheProvider()
    {
        var (provider, source, _, reconciler) = Stack();
        source.ReplaceAll([A("a", "192.0.2.1"), A("b", "192.0.2.2")]);
        Assert.Equal(ReconcileMode.Full, (await reconciler.RunOnceAsync(["a." + Zone])).Mode); // no view yet: full
        var reads = provider.ReadCount;

        source.Upsert(A("a", "192.0.2.9"));
        var result = await reconciler.RunOnceAsync(["A.Example.ORG."]);

        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Applied), (result.Mode, result.Outcome));
        Assert.Equal(["a.example.org A [192.0.2.9]"], result.AppliedChanges.UpdateNew.Select(e => e.WithLabels(new Dictionary<string, string>()).ToString()));
        Assert.Equal(reads, provider.ReadCount);
        Assert.Equal(["192.0.2.9"], provider.GetZoneRecords(Zone).Single(r => r.DnsName == "a.example.org").Targets);
    }

    [Fact]
    public async Task RunOnce_SourceThatCannotReadByName_FallsBackToFull()
    {
        var provider = new InMemoryDnsProvider([Zone]);
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "o" });
        var plain = new PlainSource([A("a", "192.0.2.1")]);
        using var reconciler = new DnsReconciler([plain], registry, Options.Create(new DnsReconcilerOptions()), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
        await reconciler.RunOnceAsync();

        var result = await reconciler.RunOnceAsync(["a." + Zone]);

        Assert.Equal(ReconcileMode.Full, result.Mode);
    }

    [Fact]
    public async Task RunOnce_AfterAFailedRun_IsFullThenTargetedAgain()
    {
        var inner = new InMemoryDnsProvider([Zone]);
        var provider = new RecordingDnsProvider(inner);
        var source = new ProgrammaticEndpointSource();
        using var reconciler = new DnsReconciler([source], new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "o" }), Options.Create(new DnsReconcilerOptions()), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
        source.ReplaceAll([A("a", "192.0.2.1")]);
        await reconciler.RunOnceAsync();

        source.Upsert(A("a", "192.0.2.2"));
        provider.FailNextApply = new DnsProviderException("boom", isTransient: true);
        var failed = await reconciler.RunOnceAsync(["a." + Zone]);
        var next = await reconciler.RunOnceAsync(["a." + Zone]);
        source.Upsert(A("a", "192.0.2.3"));
        var after = await reconciler.RunOnceAsync(["a." + Zone]);

        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Failed), (failed.Mode, failed.Outcome));
        Assert.Equal((ReconcileMode.Full, ReconcileOutcome.Applied), (next.Mode, next.Outcome));
        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Applied), (after.Mode, after.Outcome));
    }

    [Fact]
    public async Task RunOnce_RegistryViewExpired_FallsBackToFull()
    {
        var clock = new ManualTimeProvider();
        var provider = new InMemoryDnsProvider([Zone]);
        var source = new ProgrammaticEndpointSource();
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "o", CacheInterval = TimeSpan.FromMinutes(1) }, clock);
        using var reconciler = new DnsReconciler([source], registry, Options.Create(new DnsReconcilerOptions()), clock, NullLogger<DnsReconciler>.Instance);
        source.ReplaceAll([A("a", "192.0.2.1")]);
        await reconciler.RunOnceAsync();

        clock.Advance(TimeSpan.FromSeconds(30));
        var fresh = await reconciler.RunOnceAsync(["a." + Zone]);
        clock.Advance(TimeSpan.FromSeconds(31));
        var expired = await reconciler.RunOnceAsync(["a." + Zone]);

        Assert.Equal(ReconcileMode.Targeted, fresh.Mode);
        Assert.Equal(ReconcileMode.Full, expired.Mode);
    }

    [Fact]
    public async Task RunOnce_Targeted_ReportsTheRejectionsAndMismatchesOfTheLastRunAgain()
    {
        var (provider, source, _, reconciler) = Stack();
        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("theirs", "198.51.100.1")] });
        source.ReplaceAll([A("theirs", "192.0.2.1"), new DnsEndpoint("bad." + Zone, RecordType.A, "not-an-address")]);
        var full = await reconciler.RunOnceAsync();

        source.Upsert(A("other", "192.0.2.5"));
        var targeted = await reconciler.RunOnceAsync(["other." + Zone]);

        Assert.Equal(ReconcileMode.Targeted, targeted.Mode);
        Assert.Equal(full.Rejected.Select(r => r.ToString()), targeted.Rejected.Select(r => r.ToString()));
        Assert.Equal(full.OwnerMismatches.Select(m => m.Record.Key), targeted.OwnerMismatches.Select(m => m.Record.Key));
    }

    [Fact]
    public async Task RunOnce_TargetedWithholdsAsFullWould_SafetyGuardCountsKeptUpToDate()
    {
        var (_, source, _, reconciler) = Stack(o => o.Guard = new SafetyGuardOptions { MaxDeletePercent = 40, MinExistingRecords = 1 });
        source.ReplaceAll([A("a", "192.0.2.1"), A("b", "192.0.2.2"), A("c", "192.0.2.3")]);
        await reconciler.RunOnceAsync();
        source.Upsert(A("d", "192.0.2.4"));
        Assert.Equal(ReconcileMode.Targeted, (await reconciler.RunOnceAsync(["d." + Zone])).Mode); // 4 owned now

        source.Remove(new EndpointKey("a." + Zone, RecordType.A));
        var one = await reconciler.RunOnceAsync(["a." + Zone]); // 1 of 4 = 25%: applied
        source.Remove(new EndpointKey("b." + Zone, RecordType.A));
        source.Remove(new EndpointKey("c." + Zone, RecordType.A));
        var two = await reconciler.RunOnceAsync(["b." + Zone, "c." + Zone]); // 2 of 3 = 67%: withheld

        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Applied, 4), (one.Mode, one.Outcome, one.OwnedRecordCount));
        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Withheld, 3), (two.Mode, two.Outcome, two.OwnedRecordCount));
        Assert.Contains("it deletes 2 of 3 owned records", two.WithheldReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostedService_NamedSignal_RunsTargetedAndUnnamedSignal_RunsFull()
    {
        var clock = new ManualTimeProvider();
        var provider = new InMemoryDnsProvider([Zone]);
        var datastores = new DatastoreNamingSource();
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "o" });
        using var reconciler = new DnsReconciler([datastores], registry, Options.Create(new DnsReconcilerOptions { MinEventSyncInterval = TimeSpan.Zero }), clock, NullLogger<DnsReconciler>.Instance);
        var results = System.Threading.Channels.Channel.CreateUnbounded<ReconcileResult>();
        reconciler.Reconciled += (_, r) => results.Writer.TryWrite(r);
        var id = Guid.Parse("0b7c4e1a-8c55-4f51-9b0e-000000000001");
        datastores.SetCluster(new DatastoreCluster(id, Zone, [new("10.0.0.1", DatastoreNodeRole.Primary), new("10.0.0.2", DatastoreNodeRole.Replica)]));
        using var service = new DnsReconcilerHostedService(reconciler, clock, NullLogger<DnsReconcilerHostedService>.Instance);
        await service.StartAsync(CancellationToken.None);
        var first = await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        datastores.Promote(id, "10.0.0.2");
        var failover = await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(ReconcileMode.Full, first.Mode);
        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Applied, 2), (failover.Mode, failover.Outcome, failover.AppliedChanges.UpdateNew.Count));
        Assert.Equal(["10.0.0.2"], provider.GetZoneRecords(Zone).Single(r => r.DnsName == id + "." + Zone).Targets);
    }

    [Fact]
    public async Task DatastoreNamingSource_Promote_NamesBothNamesAndReadsThemByName()
    {
        var source = new DatastoreNamingSource();
        var id = Guid.NewGuid();
        source.SetCluster(new DatastoreCluster(id, "Example.ORG", [new("10.0.0.1", DatastoreNodeRole.Primary), new("10.0.0.2", DatastoreNodeRole.Replica)]));
        source.SetCluster(new DatastoreCluster(Guid.NewGuid(), Zone, [new("10.0.0.3", DatastoreNodeRole.Primary)]));
        IReadOnlySet<string>? named = null;
        source.Changed += (_, e) => named = EndpointsChangedEventArgs.NamesOf(e);

        source.Promote(id, "10.0.0.2");
        var scoped = await source.GetEndpointsAsync(named!);

        Assert.Equal([$"{id}.example.org", $"replica.{id}.example.org"], named!.Order(StringComparer.Ordinal));
        Assert.Equal([$"{id}.example.org A 10.0.0.2", $"replica.{id}.example.org A 10.0.0.1"], scoped.Endpoints.Select(e => $"{e.DnsName} {e.RecordType} {string.Join(',', e.Targets)}").Order(StringComparer.Ordinal));
        Assert.Equal(3, scoped.TotalCount);
    }

    private static DnsEndpoint A(string name, string ip) => new($"{name}.{Zone}", RecordType.A, ip);

    private static (InMemoryDnsProvider Provider, ProgrammaticEndpointSource Source, TxtRegistry Registry, DnsReconciler Reconciler) Stack(Action<DnsReconcilerOptions>? configure = null)
    {
        var provider = new InMemoryDnsProvider([Zone]);
        var source = new ProgrammaticEndpointSource();
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "o" });
        var options = new DnsReconcilerOptions();
        configure?.Invoke(options);
        return (provider, source, registry, new DnsReconciler([source], registry, Options.Create(options), TimeProvider.System, NullLogger<DnsReconciler>.Instance));
    }

    /// <summary>A source that cannot read by name (every custom source written before scoped reads existed).</summary>
    private sealed class PlainSource(IReadOnlyList<DnsEndpoint> endpoints) : IEndpointSource
    {
        public event EventHandler? Changed;

        public Task<IReadOnlyList<DnsEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default) => Task.FromResult(endpoints);

        public void Raise() => Changed?.Invoke(this, EventArgs.Empty);
    }
}
