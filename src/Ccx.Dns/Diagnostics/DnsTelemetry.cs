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
/// <c>ccx.dns.reconcile.duration</c> (histogram, seconds, tags <c>outcome</c> and <c>mode</c>, bucket boundaries advised:
/// <see cref="DurationBuckets"/>), <c>ccx.dns.verified_records</c> (observable gauge, tag <c>record_type</c>: counted off the reconcile's path),
/// <c>ccx.dns.consecutive_soft_errors</c> (gauge), <c>ccx.dns.no_op_runs</c> (counter),
/// <c>ccx.dns.owner_mismatches</c> (counter, tags <c>record_type</c>, <c>owner</c>, <c>foreign_owner</c>, <c>domain</c>),
/// <c>ccx.dns.invalid_endpoints</c> (counter, tag <c>record_type</c>),
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

    /// <summary>
    /// The bucket boundaries advised for <c>ccx.dns.reconcile.duration</c>, in seconds: from 0.5 ms (a targeted reconcile
    /// in memory) to 2 minutes (a full read of a very large zone through a throttled API). Without advice, exporters
    /// use boundaries meant for milliseconds (0, 5, 10, 25, … 10,000) and every reconcile lands in the first bucket.
    /// </summary>
    public static IReadOnlyList<double> DurationBuckets { get; } =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

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
    private Reconciliation.VerifiedCount? _verified;

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
        _duration = _meter.CreateHistogram(
            "ccx.dns.reconcile.duration",
            "s",
            "Duration of reconciles, by outcome and mode.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _consecutiveSoftErrors = _meter.CreateGauge<long>("ccx.dns.consecutive_soft_errors", "{error}", "Consecutive reconciles that failed transiently.");
        _noOpRuns = _meter.CreateCounter<long>("ccx.dns.no_op_runs", "{run}", "Reconciles that found nothing to change.");
        _ownerMismatches = _meter.CreateCounter<long>("ccx.dns.owner_mismatches", "{record}", "Records owned by someone else (or no one) that kept a desired create, update or delete from being applied, per reconcile.");
        _invalidEndpoints = _meter.CreateCounter<long>("ccx.dns.invalid_endpoints", "{endpoint}", "Desired endpoints rejected (invalid, outside the filters, refused by the registry), by record type.");
        _withheldPlans = _meter.CreateCounter<long>("ccx.dns.plans.withheld", "{plan}", "Plans withheld by the safety guard, by reason.");
        _meter.CreateObservableGauge("ccx.dns.verified_records", ObserveVerified, "{record}", "Desired endpoints whose name and type exist in the zone, as of the last full reconcile, by record type.");
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

    internal void Duration(TimeSpan duration, ReconcileOutcome outcome, ReconcileMode mode)
    {
        var tags = Tags("outcome", OutcomeTag(outcome));
        tags.Add("mode", ModeTag(mode));
        _duration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>Sets the verified records the gauge reports from now on (counted off the reconcile's path, or when first observed).</summary>
    internal void VerifiedRecords(Reconciliation.VerifiedCount verified) => Volatile.Write(ref _verified, verified);

    private IEnumerable<Measurement<long>> ObserveVerified()
    {
        if (Volatile.Read(ref _verified) is not { } verified)
        {
            return [];
        }

        var counts = verified.Resolve();
        var measurements = new List<Measurement<long>>(counts.Count);
        foreach (var (type, count) in counts)
        {
            measurements.Add(new Measurement<long>(count, Tags("record_type", TypeTag(type))));
        }

        return measurements;
    }

    /// <summary>
    /// ExternalDNS's <c>controller_verified_records</c>: per record type, the desired endpoints whose name and type also
    /// exist among the current records; every type in <paramref name="types"/> is reported, zero included.
    /// </summary>
    internal static Dictionary<RecordType, int> CountVerified(IReadOnlyList<DnsEndpoint> desired, IReadOnlyList<DnsEndpoint> current, IEnumerable<RecordType> types)
    {
        var counts = new Dictionary<RecordType, int>();
        foreach (var type in types)
        {
            counts[type] = 0;
        }

        var present = new HashSet<(string, RecordType)>(current.Count);
        foreach (var record in current)
        {
            if (record is not null)
            {
                present.Add((DnsNames.Normalize(record.DnsName), record.RecordType));
            }
        }

        foreach (var endpoint in desired)
        {
            if (endpoint is not null && present.Contains((DnsNames.Normalize(endpoint.DnsName), endpoint.RecordType)))
            {
                counts[endpoint.RecordType] = counts.GetValueOrDefault(endpoint.RecordType) + 1;
            }
        }

        return counts;
    }

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

    internal void OwnerMismatches(IReadOnlyList<OwnerMismatch> mismatches, string ownerId)
    {
        foreach (var mismatch in mismatches)
        {
            var tags = Tags("record_type", TypeTag(mismatch.Record.RecordType));
            tags.Add("owner", ownerId);
            tags.Add("foreign_owner", mismatch.ForeignOwner);
            tags.Add("domain", NakedDomain(mismatch.Record.DnsName));
            _ownerMismatches.Add(1, tags);
        }
    }

    /// <summary>ExternalDNS's <c>GetNakedDomain</c>: the name without its first label, unless that leaves a single label.</summary>
    /// <param name="name">The record's name.</param>
    /// <returns>The domain tag value, normalised.</returns>
    internal static string NakedDomain(string name)
    {
        var normalized = DnsNames.Normalize(name);
        var dot = normalized.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && normalized.IndexOf('.', dot + 1) > 0 ? normalized[(dot + 1)..] : normalized;
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
        // A meter from the host's factory outlives this instance: its gauge reports nothing from now on.
        Volatile.Write(ref _verified, null);
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

    /// <summary>The tag value of a mode, the same on spans (<c>ccx.dns.mode</c>) and metrics (<c>mode</c>).</summary>
    internal static string ModeTag(ReconcileMode mode) => mode == ReconcileMode.Targeted ? "targeted" : "full";

    /// <summary>The tag value of an outcome, the same on spans (<c>ccx.dns.outcome</c>) and metrics (<c>outcome</c>).</summary>
    internal static string OutcomeTag(ReconcileOutcome outcome) => outcome switch
    {
        ReconcileOutcome.Applied => "applied",
        ReconcileOutcome.NoChanges => "no_changes",
        ReconcileOutcome.DryRun => "dry_run",
        ReconcileOutcome.Withheld => "withheld",
        ReconcileOutcome.NotLeader => "not_leader",
        _ => "failed",
    };
}
