using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Reconciliation;

namespace Ccx.Dns.Diagnostics;

/// <summary>
/// The reconciler's metrics (one <see cref="Meter"/> named <c>Ccx.Dns</c>, ExternalDNS's controller set in
/// OpenTelemetry naming) and its <see cref="ActivitySource"/> (one span per reconcile).
/// </summary>
/// <remarks>
/// Instruments: <c>ccx.dns.source.endpoints</c> and <c>ccx.dns.registry.endpoints</c> (gauges),
/// <c>ccx.dns.source.errors</c> and <c>ccx.dns.registry.errors</c> (counters),
/// <c>ccx.dns.changes.applied</c> (counter, tag <c>kind</c> = create|update|delete),
/// <c>ccx.dns.last_sync.timestamp</c> and <c>ccx.dns.last_reconcile.timestamp</c> (gauges, Unix seconds),
/// <c>ccx.dns.reconcile.duration</c> (histogram, seconds, tag <c>outcome</c>),
/// <c>ccx.dns.consecutive_soft_errors</c> (gauge), <c>ccx.dns.no_op_runs</c> (counter),
/// <c>ccx.dns.owner_mismatches</c> and <c>ccx.dns.invalid_endpoints</c> (counters, tag <c>record_type</c>),
/// <c>ccx.dns.plans.withheld</c> (counter, tag <c>reason</c> = thresholds|empty_source). The instruments of a named
/// reconciler (<c>AddDnsReconciler("public")</c>) carry the tag <c>ccx.dns.reconciler</c> = its name on every measurement.
/// </remarks>
public sealed class DnsTelemetry : IDisposable
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Ccx.Dns";

    /// <summary>The tag naming a named reconciler on its measurements.</summary>
    public const string ReconcilerTag = "ccx.dns.reconciler";

    private static readonly string? Version = typeof(DnsTelemetry).Assembly.GetName().Version?.ToString();

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Gauge<long> _sourceEndpoints;
    private readonly Gauge<long> _registryEndpoints;
    private readonly Counter<long> _sourceErrors;
    private readonly Counter<long> _registryErrors;
    private readonly Counter<long> _changesApplied;
    private readonly Gauge<double> _lastSync;
    private readonly Gauge<double> _lastReconcile;
    private readonly Histogram<double> _duration;
    private readonly Gauge<long> _consecutiveSoftErrors;
    private readonly Counter<long> _noOpRuns;
    private readonly Counter<long> _ownerMismatches;
    private readonly Counter<long> _invalidEndpoints;
    private readonly Counter<long> _withheldPlans;
    private readonly string? _reconcilerName;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of its own when none is given.</summary>
    /// <param name="meterFactory">The host's meter factory (OpenTelemetry and <c>dotnet-counters</c> find meters through it).</param>
    public DnsTelemetry(IMeterFactory? meterFactory = null)
        : this(meterFactory, reconcilerName: null)
    {
    }

    /// <summary>Creates the instruments for a named reconciler: every measurement carries <see cref="ReconcilerTag"/> = <paramref name="reconcilerName"/>.</summary>
    /// <param name="meterFactory">The host's meter factory, or <see langword="null"/> for a meter of its own.</param>
    /// <param name="reconcilerName">The reconciler's name; <see langword="null"/> for the unnamed reconciler (no tag).</param>
    public DnsTelemetry(IMeterFactory? meterFactory, string? reconcilerName)
    {
        _reconcilerName = reconcilerName;
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(Name, Version) ?? new Meter(Name, Version);
        _sourceEndpoints = _meter.CreateGauge<long>("ccx.dns.source.endpoints", "{endpoint}", "Desired endpoints read from the sources in the last reconcile.");
        _registryEndpoints = _meter.CreateGauge<long>("ccx.dns.registry.endpoints", "{endpoint}", "Records read through the registry in the last reconcile.");
        _sourceErrors = _meter.CreateCounter<long>("ccx.dns.source.errors", "{error}", "Failures reading the sources.");
        _registryErrors = _meter.CreateCounter<long>("ccx.dns.registry.errors", "{error}", "Failures reading or writing through the registry.");
        _changesApplied = _meter.CreateCounter<long>("ccx.dns.changes.applied", "{change}", "Record changes applied, by kind (create, update, delete).");
        _lastSync = _meter.CreateGauge<double>("ccx.dns.last_sync.timestamp", "s", "Unix time of the last successful reconcile.");
        _lastReconcile = _meter.CreateGauge<double>("ccx.dns.last_reconcile.timestamp", "s", "Unix time of the last reconcile attempt.");
        _duration = _meter.CreateHistogram<double>("ccx.dns.reconcile.duration", "s", "Duration of reconciles, by outcome.");
        _consecutiveSoftErrors = _meter.CreateGauge<long>("ccx.dns.consecutive_soft_errors", "{error}", "Consecutive reconciles that failed transiently.");
        _noOpRuns = _meter.CreateCounter<long>("ccx.dns.no_op_runs", "{run}", "Reconciles that found nothing to change.");
        _ownerMismatches = _meter.CreateCounter<long>("ccx.dns.owner_mismatches", "{record}", "Records owned by someone else that blocked a create, by record type.");
        _invalidEndpoints = _meter.CreateCounter<long>("ccx.dns.invalid_endpoints", "{endpoint}", "Desired endpoints rejected (invalid, outside the filters, refused by the registry), by record type.");
        _withheldPlans = _meter.CreateCounter<long>("ccx.dns.plans.withheld", "{plan}", "Plans withheld by the safety guard, by reason.");
    }

    /// <summary>The activity source: one <c>ccx.dns.reconcile</c> span per reconcile.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, Version);

    internal Meter Meter => _meter;

    internal void ReconcileStarted(DateTimeOffset now) => _lastReconcile.Record(now.ToUnixTimeMilliseconds() / 1000d, Tags());

    internal void Synced(DateTimeOffset now) => _lastSync.Record(now.ToUnixTimeMilliseconds() / 1000d, Tags());

    internal void SourceEndpoints(int count) => _sourceEndpoints.Record(count, Tags());

    internal void RegistryEndpoints(int count) => _registryEndpoints.Record(count, Tags());

    internal void SourceError() => _sourceErrors.Add(1, Tags());

    internal void RegistryError() => _registryErrors.Add(1, Tags());

    internal void ConsecutiveSoftErrors(long count) => _consecutiveSoftErrors.Record(count, Tags());

    internal void NoOpRun() => _noOpRuns.Add(1, Tags());

    internal void Withheld(string reason) => _withheldPlans.Add(1, Tags("reason", reason));

    internal void Duration(TimeSpan duration, ReconcileOutcome outcome) =>
        _duration.Record(duration.TotalSeconds, Tags("outcome", OutcomeTag(outcome)));

    internal void Applied(DnsChanges changes)
    {
        if (changes.Create.Count > 0)
        {
            _changesApplied.Add(changes.Create.Count, Tags("kind", "create"));
        }

        if (changes.UpdateNew.Count > 0)
        {
            _changesApplied.Add(changes.UpdateNew.Count, Tags("kind", "update"));
        }

        if (changes.Delete.Count > 0)
        {
            _changesApplied.Add(changes.Delete.Count, Tags("kind", "delete"));
        }
    }

    internal void OwnerMismatches(IReadOnlyList<OwnerMismatch> mismatches)
    {
        foreach (var mismatch in mismatches)
        {
            _ownerMismatches.Add(1, Tags("record_type", TypeTag(mismatch.Record.RecordType)));
        }
    }

    internal void InvalidEndpoints(IReadOnlyList<RejectedEndpoint> rejected)
    {
        foreach (var item in rejected)
        {
            _invalidEndpoints.Add(1, Tags("record_type", TypeTag(item.Endpoint.RecordType)));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>The reconciler's tag, if named.</summary>
    private TagList Tags()
    {
        var tags = default(TagList);
        if (_reconcilerName is not null)
        {
            tags.Add(ReconcilerTag, _reconcilerName);
        }

        return tags;
    }

    /// <summary>The reconciler's tag, if named, and one more.</summary>
    private TagList Tags(string key, object? value)
    {
        var tags = Tags();
        tags.Add(key, value);
        return tags;
    }

#pragma warning disable CA1308 // metric tag values are lower-case by convention (ExternalDNS does the same)
    private static string TypeTag(RecordType type) => type.Value.ToLowerInvariant();
#pragma warning restore CA1308

    private static string OutcomeTag(ReconcileOutcome outcome) => outcome switch
    {
        ReconcileOutcome.Applied => "applied",
        ReconcileOutcome.NoChanges => "no_changes",
        ReconcileOutcome.DryRun => "dry_run",
        ReconcileOutcome.Withheld => "withheld",
        ReconcileOutcome.NotLeader => "not_leader",
        _ => "failed",
    };
}
