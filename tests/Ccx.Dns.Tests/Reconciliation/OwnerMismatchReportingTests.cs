using Ccx.Dns.Endpoints;
using Ccx.Dns.Hosting;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources.Datastore;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.Reconciliation;

/// <summary>
/// No silent no-ops: a control plane whose owner id differs from the one its records were written with must not see
/// every failover end as <c>NoChanges</c>, healthy, unlogged and uncounted.
/// </summary>
public sealed class OwnerMismatchReportingTests
{
    private const string Domain = "db.example.org";
    private static readonly Guid ClusterId = Guid.Parse("3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01");
    private static readonly string PrimaryName = $"{ClusterId}.{Domain}";

    private static DatastoreCluster Cluster(string primary, string replica) =>
        new(ClusterId, Domain, [new(primary, DatastoreNodeRole.Primary), new(replica, DatastoreNodeRole.Replica)]);

    [Fact]
    public async Task FailoverOfRecordsWrittenUnderAnotherOwnerId_IsReportedWarnedOnceCountedWithTagsAndDegradesHealth()
    {
        var provider = new InMemoryDnsProvider([Domain]);
        var source = new DatastoreNamingSource();
        source.SetCluster(Cluster("10.0.1.10", "10.0.1.11"));
        using (var before = Reconciler(provider, source, "default", new CapturingLogger<DnsReconciler>(), new ManualTimeProvider()))
        {
            Assert.Equal(ReconcileOutcome.Applied, (await before.RunOnceAsync()).Outcome); // written by an owner-less deployment ("default")
        }

        var clock = new ManualTimeProvider();
        var logger = new CapturingLogger<DnsReconciler>();
        using var telemetry = new Ccx.Dns.Diagnostics.DnsTelemetry();
        using var recorder = new MetricRecorder(telemetry.Meter);
        using var reconciler = Reconciler(provider, source, "control-plane-eu1", logger, clock, telemetry);
        source.SetCluster(Cluster("10.0.1.11", "10.0.1.10")); // the failover

        var first = await reconciler.RunOnceAsync();
        var second = await reconciler.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.NoChanges, first.Outcome);
        var mismatch = Assert.Single(first.OwnerMismatches, m => m.Record.DnsName == PrimaryName);
        Assert.Equal("default", mismatch.ForeignOwner);
        Assert.Equal(2, first.OwnerMismatches.Count); // the replica name too
        Assert.Equal(2, second.OwnerMismatches.Count);
        var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        Assert.Equal(2, warnings.Count); // once per name, not once per reconcile
        Assert.Contains(warnings, w => w.Message.Contains(PrimaryName, StringComparison.Ordinal) && w.Message.Contains("owner 'default'", StringComparison.Ordinal) && w.Message.Contains("'control-plane-eu1'", StringComparison.Ordinal));
        Assert.Equal(2, recorder.Sum("ccx.dns.owner_mismatches", $"record_type=a,owner=control-plane-eu1,foreign_owner=default,domain={Domain}"));
        Assert.Equal(["10.0.1.10"], (await provider.GetRecordsAsync()).Single(r => r.DnsName == PrimaryName && r.RecordType == RecordType.A).Targets);

        var check = new DnsReconcilerHealthCheck(reconciler, clock);
        var health = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("dns", check, HealthStatus.Unhealthy, null) });
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains(PrimaryName, health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MismatchThatGoesAwayAndComesBack_IsWarnedAgain()
    {
        var provider = new InMemoryDnsProvider([Domain]);
        await new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "other" })
            .ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint($"taken.{Domain}", RecordType.A, "10.9.9.9")] });
        var source = new Ccx.Dns.Sources.Programmatic.ProgrammaticEndpointSource();
        var logger = new CapturingLogger<DnsReconciler>();
        using var reconciler = new DnsReconciler([source], new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "mine" }), Options.Create(new DnsReconcilerOptions()), new ManualTimeProvider(), logger);

        source.ReplaceAll([new DnsEndpoint($"taken.{Domain}", RecordType.A, "10.0.0.1")]);
        await reconciler.RunOnceAsync();
        source.Clear();
        await reconciler.RunOnceAsync();
        source.ReplaceAll([new DnsEndpoint($"taken.{Domain}", RecordType.A, "10.0.0.1")]);
        await reconciler.RunOnceAsync();

        Assert.Equal(2, logger.Entries.Count(e => e.Level == LogLevel.Warning && e.EventId == 1014));
    }

    [Fact]
    public void Calculate_ForeignRecordOfAnotherTypeAtADesiredName_SkippedDeleteIsAMismatch()
    {
        var ours = new DnsEndpoint("db.example.org", RecordType.A, "10.0.0.1").WithLabel(EndpointLabels.OwnerKey, "mine");
        var theirs = new DnsEndpoint("db.example.org", RecordType.AAAA, "fd00::9").WithLabel(EndpointLabels.OwnerKey, "other");

        var result = Planner.Instance.Calculate(new PlanInput
        {
            Current = [ours, theirs],
            Desired = [new DnsEndpoint("db.example.org", RecordType.A, "10.0.0.2")],
            OwnerId = "mine",
        });

        Assert.Empty(result.Changes.Delete);
        Assert.Single(result.Changes.UpdateNew);
        Assert.Same(theirs, Assert.Single(result.OwnerMismatches).Record);
    }

    [Fact]
    public async Task Host_ImplicitOwnerId_WarnsAtStartAndLogsTheSetUpOnceAfterTheFirstFullRead()
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddDnsReconciler(o => o.IncludeDomains.Add(Domain))
            .AddInMemoryProvider(o => o.Zones.Add(Domain))
            .AddTxtRegistry() // no owner id: the implicit "default"
            .AddDatastoreNamingSource();
        using var host = builder.Build();
        var monitor = host.Services.GetServices<IHostedService>().OfType<DnsSetupMonitor>().Single();

        await monitor.StartAsync(CancellationToken.None);
        var reconciler = host.Services.GetRequiredService<DnsReconciler>();
        await reconciler.RunOnceAsync();
        await reconciler.RunOnceAsync();
        await monitor.StopAsync(CancellationToken.None);

        var warning = Assert.Single(logs.Entries, e => e.EventId == 1028);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("'default'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("TxtRegistryOptions.OwnerId", warning.Message, StringComparison.Ordinal);
        var setUp = Assert.Single(logs.Entries, e => e.EventId == 1029);
        Assert.Equal(
            $"DNS reconciler set up: provider InMemoryDnsProvider, registry TxtRegistry, owner id 'default', domain filters {Domain}, zones found: {Domain}",
            setUp.Message);
    }

    [Fact]
    public async Task Host_ExplicitOwnerId_NoOwnerIdWarning()
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddDnsReconciler().AddInMemoryProvider(o => o.Zones.Add(Domain)).AddCaching().AddTxtRegistry(o => o.OwnerId = "cp-eu1");
        using var host = builder.Build();
        var monitor = host.Services.GetServices<IHostedService>().OfType<DnsSetupMonitor>().Single();

        await monitor.StartAsync(CancellationToken.None);
        await host.Services.GetRequiredService<DnsReconciler>().RunOnceAsync();

        Assert.DoesNotContain(logs.Entries, e => e.EventId == 1028);
        Assert.Contains("provider InMemoryDnsProvider (cached), registry TxtRegistry, owner id 'cp-eu1'", Assert.Single(logs.Entries, e => e.EventId == 1029).Message, StringComparison.Ordinal);
    }

    private static DnsReconciler Reconciler(InMemoryDnsProvider provider, DatastoreNamingSource source, string ownerId, CapturingLogger<DnsReconciler> logger, ManualTimeProvider clock, Ccx.Dns.Diagnostics.DnsTelemetry? telemetry = null) =>
        new([source], new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = ownerId }), Options.Create(new DnsReconcilerOptions()), clock, logger, telemetry);
}
