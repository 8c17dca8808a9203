using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ccx.Dns.Diagnostics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Tests.TestSupport;
using static Ccx.Dns.Tests.TestSupport.ReconcilerHarness;

namespace Ccx.Dns.Tests.Diagnostics;

/// <summary>Metrics that work in dashboards: useful histogram buckets, verified records, tags shared by spans and metrics, updates counted once.</summary>
public sealed class DashboardMetricsTests
{
    [Fact]
    public void ReconcileDuration_AdvisesBucketsFromMillisecondsToMinutes()
    {
        using var telemetry = new DnsTelemetry();
        Histogram<double>? histogram = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter, telemetry.Meter) && instrument.Name == "ccx.dns.reconcile.duration")
                {
                    histogram = (Histogram<double>)instrument;
                }
            },
        };
        listener.Start();

        var buckets = histogram?.Advice?.HistogramBucketBoundaries;

        Assert.NotNull(buckets);
        Assert.Equal(DnsTelemetry.DurationBuckets, buckets);
        // A 2 ms targeted reconcile, a 40 ms full one in memory and a 3 s one against a cloud API land in different buckets.
        Assert.Equal(3, new[] { 0.002, 0.04, 3.0 }.Select(d => buckets!.Count(b => b < d)).Distinct().Count());
        Assert.True(buckets![0] <= 0.001 && buckets[^1] >= 60);
    }

    [Fact]
    public async Task FullReconciles_VerifiedRecordsCountDesiredEndpointsAlreadyInTheZoneByType()
    {
        await using var h = new ReconcilerHarness();
        using var recorder = new MetricRecorder(h.Telemetry.Meter);
        h.Source.ReplaceAll([A("db1", "10.0.0.1"), A("db2", "10.0.0.2"), new DnsEndpoint($"v6.{Zone}", RecordType.AAAA, "2001:db8::1")]);

        recorder.Observe();
        Assert.DoesNotContain(recorder.Measurements, m => m.Name == "ccx.dns.verified_records"); // no full reconcile has planned yet
        await h.RunAsync(); // nothing there yet
        recorder.Observe();
        var first = recorder.Measurements.Where(m => m.Name == "ccx.dns.verified_records").ToList();
        h.Source.Upsert(A("db3", "10.0.0.3"));
        await h.RunAsync(); // the first three exist now
        recorder.Observe();

        Assert.Contains(("ccx.dns.verified_records", 0d, "record_type=a"), first);
        Assert.Contains(("ccx.dns.verified_records", 0d, "record_type=aaaa"), first);
        var second = recorder.Measurements.Where(m => m.Name == "ccx.dns.verified_records").Skip(first.Count).ToList();
        Assert.Contains(("ccx.dns.verified_records", 2d, "record_type=a"), second);
        Assert.Contains(("ccx.dns.verified_records", 1d, "record_type=aaaa"), second);
        Assert.Contains(("ccx.dns.verified_records", 0d, "record_type=cname"), second);
    }

    [Fact]
    public async Task SpanAndMetric_CarryTheSameOutcomeAndModeValues()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DnsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activityListener);
        using var telemetry = new DnsTelemetry();
        using var recorder = new MetricRecorder(telemetry.Meter);
        var source = new Ccx.Dns.Sources.Programmatic.ProgrammaticEndpointSource();
        var registry = new Ccx.Dns.Registry.Txt.TxtRegistry(new Ccx.Dns.Providers.InMemory.InMemoryDnsProvider([Zone]), new() { OwnerId = "cp" });
        using var reconciler = new Ccx.Dns.Reconciliation.DnsReconciler(
            [source], registry, Microsoft.Extensions.Options.Options.Create(new Ccx.Dns.Reconciliation.DnsReconcilerOptions()), new ManualTimeProvider(), new CapturingLogger<Ccx.Dns.Reconciliation.DnsReconciler>(), telemetry);
        source.ReplaceAll([A("tagged-a", "10.0.0.1")]);
        await reconciler.RunOnceAsync();
        source.Upsert(A("tagged-a", "10.0.0.2"));

        // The listener hears every test's reconciles (the activity source is shared): this test's span is the child of its own trace.
        using var trace = new Activity("dashboard-metrics-test").Start();
        var result = await reconciler.RunOnceAsync([$"tagged-a.{Zone}"]);

        var span = Assert.Single(spans, s => s.TraceId == trace.TraceId && (string?)s.GetTagItem("ccx.dns.mode") == "targeted");
        var metric = recorder.Measurements.Last(m => m.Name == "ccx.dns.reconcile.duration");
        Assert.Equal($"outcome={span.GetTagItem("ccx.dns.outcome")},mode={span.GetTagItem("ccx.dns.mode")}", metric.Tags);
        Assert.Equal("outcome=applied,mode=targeted", metric.Tags);
        Assert.Equal(Ccx.Dns.Reconciliation.ReconcileMode.Targeted, result.Mode);
    }

    [Fact]
    public void DnsChanges_CountsAnUpdateOnce()
    {
        var old = A("a", "10.0.0.1");
        var changes = new DnsChanges { Create = [A("b", "10.0.0.2")], UpdateOld = [old], UpdateNew = [old with { Targets = ["10.0.0.3"] }], Delete = [A("c", "10.0.0.4")] };

        Assert.Equal(3, changes.Count);
    }
}
