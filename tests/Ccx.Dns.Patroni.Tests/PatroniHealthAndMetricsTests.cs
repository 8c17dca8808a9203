using System.Diagnostics.Metrics;
using Ccx.Dns.Patroni.Tests.Infrastructure;
using Ccx.Dns.Patroni;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ccx.Dns.Patroni.Tests;

/// <summary>How a datastore that keeps its last state shows in health and in the <c>Ccx.Dns.Patroni</c> meter.</summary>
public sealed class PatroniHealthAndMetricsTests
{
    private static Task<HealthCheckResult> CheckAsync(PatroniSource source, TimeProvider clock) =>
        new PatroniSourceHealthCheck(source, clock).CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("ccx-dns-patroni", _ => null!, HealthStatus.Unhealthy, []),
        });

    [Fact]
    public async Task Health_HealthyThenDegradedWhileHoldingThenUnhealthyWhenStale()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var source = cluster.CreateSource(o => o.HealthStaleAfter = TimeSpan.FromSeconds(30));

        var notRead = await CheckAsync(source, cluster.Clock);
        Assert.Equal(HealthStatus.Degraded, notRead.Status);
        Assert.Contains("1 not read yet", notRead.Description, StringComparison.Ordinal);

        await source.RefreshAsync(cluster.Id);
        var healthy = await CheckAsync(source, cluster.Clock);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Contains("Published (leader n1)", (string)healthy.Data[cluster.Id.ToString("D")], StringComparison.Ordinal);

        foreach (var member in cluster.Members)
        {
            member.Behave(MemberBehavior.Reset);
        }

        await source.RefreshAsync(cluster.Id);
        cluster.Clock.Advance(TimeSpan.FromSeconds(30));
        var degraded = await CheckAsync(source, cluster.Clock);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains(cluster.Id.ToString("D") + " (NoReachableMember for 30 s)", degraded.Description, StringComparison.Ordinal);

        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        var unhealthy = await CheckAsync(source, cluster.Clock);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.Contains("for more than 30 s", unhealthy.Description, StringComparison.Ordinal);
        Assert.Contains("no member gave a usable /cluster answer", (string)unhealthy.Data[cluster.Id.ToString("D")], StringComparison.Ordinal);

        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        foreach (var member in cluster.Members)
        {
            member.Behave(MemberBehavior.Answer);
        }

        await source.RefreshAsync(cluster.Id);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(source, cluster.Clock)).Status);
    }

    [Fact]
    public async Task Metrics_ReadsMemberErrorsPublishesLeaderChangesAndHolding()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var meters = new TestMeterFactory();
        using var source = cluster.CreateSource(meterFactory: meters);
        var counters = new Dictionary<string, long>();
        var holding = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Ccx.Dns.Patroni" && meters.Created(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + string.Concat(tags.ToArray().Select(t => $"|{t.Key}={t.Value}"));
            lock (counters)
            {
                counters[key] = counters.GetValueOrDefault(key) + value;
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument.Name == "ccx.dns.patroni.datastores.holding")
            {
                holding.Add(value);
            }
        });
        listener.Start();

        await source.RefreshAsync(cluster.Id);
        cluster.AnswerAll(cluster.Replica(0), cluster.Leader(1));
        await source.RefreshAsync(cluster.Id);
        cluster.Members[0].Behave(MemberBehavior.Reset);
        cluster.Members[1].Answer("not json");
        await source.RefreshAsync(cluster.Id);
        listener.RecordObservableInstruments();

        Assert.Equal(2, counters["ccx.dns.patroni.reads|condition=published"]);
        Assert.Equal(1, counters["ccx.dns.patroni.reads|condition=no_reachable_member"]);
        Assert.Equal(1, counters["ccx.dns.patroni.member.errors|kind=unreachable"]);
        Assert.Equal(1, counters["ccx.dns.patroni.member.errors|kind=malformed"]);
        Assert.Equal(2, counters["ccx.dns.patroni.publishes"]);
        Assert.Equal(1, counters["ccx.dns.patroni.leader_changes"]);
        Assert.Contains(1, holding);
    }

    /// <summary>Creates meters this test can tell apart from those of sources in tests running beside it.</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public bool Created(Meter meter)
        {
            lock (_meters)
            {
                return _meters.Contains(meter);
            }
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
