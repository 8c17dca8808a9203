using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ccx.Dns.Diagnostics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Tests.TestSupport;
using static Ccx.Dns.Tests.TestSupport.ReconcilerHarness;

namespace Ccx.Dns.Tests.Diagnostics;

public sealed class DnsTelemetryTests
{
    [Fact]
    public async Task RunOnce_AppliedThenNoOp_RecordsCountsChangesTimestampsAndDuration()
    {
        await using var h = new ReconcilerHarness();
        using var recorder = new MetricRecorder(h.Telemetry.Meter);
        await h.Registry.SeedAsync("test-owner", A("old", "10.0.0.9"), A("moved", "10.0.0.8"));
        h.Source.ReplaceAll([A("db1", "10.0.0.1"), A("db2", "10.0.0.2"), A("moved", "10.0.0.7")]);

        await h.RunAsync();
        await h.RunAsync();

        Assert.Equal(2, recorder.Sum("ccx.dns.changes.applied", "kind=create"));
        Assert.Equal(1, recorder.Sum("ccx.dns.changes.applied", "kind=update"));
        Assert.Equal(1, recorder.Sum("ccx.dns.changes.applied", "kind=delete"));
        Assert.Equal(3, recorder.Last("ccx.dns.source.endpoints"));
        Assert.Equal(3, recorder.Last("ccx.dns.registry.endpoints"));
        Assert.Equal(1, recorder.Sum("ccx.dns.no_op_runs"));
        Assert.Equal(h.Start.ToUnixTimeSeconds(), recorder.Last("ccx.dns.last_sync.timestamp"));
        Assert.Equal(h.Start.ToUnixTimeSeconds(), recorder.Last("ccx.dns.last_reconcile.timestamp"));
        Assert.Equal(1, recorder.Measurements.Count(m => m.Name == "ccx.dns.reconcile.duration" && m.Tags == "outcome=applied,mode=full"));
        Assert.Equal(1, recorder.Measurements.Count(m => m.Name == "ccx.dns.reconcile.duration" && m.Tags == "outcome=no_changes,mode=full"));
    }

    [Fact]
    public async Task RunOnce_Failures_CountSourceAndRegistryErrorsAndConsecutiveSoftErrors()
    {
        var source = new ControlledSource { Endpoints = [A("db1", "10.0.0.1")] };
        await using var h = new ReconcilerHarness(sources: [source]);
        using var recorder = new MetricRecorder(h.Telemetry.Meter);
        var throttled = new DnsProviderException("throttled", isTransient: true);
        h.Registry.FailNextReads(throttled, throttled);
        h.Registry.FailNextApplies(new DnsProviderException("denied"));

        await h.RunAsync();
        await h.RunAsync();
        Assert.Equal(2, recorder.Last("ccx.dns.consecutive_soft_errors"));
        source.FailNext(new InvalidOperationException("bug"));
        await h.RunAsync();
        await h.RunAsync(); // apply fails permanently
        await h.RunAsync(); // succeeds

        Assert.Equal(1, recorder.Sum("ccx.dns.source.errors"));
        Assert.Equal(3, recorder.Sum("ccx.dns.registry.errors"));
        Assert.Equal(0, recorder.Last("ccx.dns.consecutive_soft_errors"));
        Assert.Equal(1, recorder.Count("ccx.dns.last_sync.timestamp"));
    }

    [Fact]
    public async Task RunOnce_RejectedMismatchedAndWithheld_AreCountedWithTags()
    {
        await using var h = new ReconcilerHarness();
        using var recorder = new MetricRecorder(h.Telemetry.Meter);
        await h.Registry.SeedAsync("someone-else", new DnsEndpoint($"taken.{Zone}", RecordType.AAAA, "2001:db8::1"));
        await h.Registry.SeedAsync("test-owner", A("mine", "10.0.0.1"));
        h.Source.ReplaceAll([A("taken", "10.0.0.2"), A("mine", "10.0.0.1"), new DnsEndpoint($"bad.{Zone}", RecordType.A, "x")]);

        await h.RunAsync();
        h.Source.Clear();
        await h.RunAsync();

        Assert.Equal(1, recorder.Sum("ccx.dns.owner_mismatches", "record_type=aaaa,owner=test-owner,foreign_owner=someone-else,domain=example.org"));
        Assert.Equal(1, recorder.Sum("ccx.dns.invalid_endpoints", "record_type=a"));
        Assert.Equal(1, recorder.Sum("ccx.dns.plans.withheld", "reason=empty_source"));
    }

    [Fact]
    public async Task RunOnce_Always_EmitsOneReconcileSpanWithTheOutcome()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DnsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var h = new ReconcilerHarness(o => o.DryRun = true);
        h.Source.ReplaceAll([A("span1", "10.0.0.1"), A("span2", "10.0.0.2"), A("span3", "10.0.0.3"), A("span4", "10.0.0.4"), A("span5", "10.0.0.5")]);

        await h.RunAsync();

        Assert.Contains(spans, s => s.OperationName == "ccx.dns.reconcile"
            && (string?)s.GetTagItem("ccx.dns.outcome") == "dry_run"
            && (int?)s.GetTagItem("ccx.dns.changes.create") == 5);
    }

    [Fact]
    public void Meter_IsNamedCcxDns()
    {
        using var telemetry = new DnsTelemetry();

        Assert.Equal("Ccx.Dns", telemetry.Meter.Name);
        Assert.Equal("Ccx.Dns", DnsTelemetry.ActivitySource.Name);
    }
}
