using System.Diagnostics.Metrics;

namespace Ccx.Dns.Patroni.Internal;

/// <summary>
/// The Patroni source's metrics, on a meter named <c>Ccx.Dns.Patroni</c>: <c>ccx.dns.patroni.reads</c> (counter, tag
/// <c>condition</c>), <c>ccx.dns.patroni.member.errors</c> (counter, tag <c>kind</c> = unreachable|timeout|http_status|malformed),
/// <c>ccx.dns.patroni.publishes</c> (counter: reads that changed the published records), <c>ccx.dns.patroni.leader_changes</c>
/// (counter), <c>ccx.dns.patroni.read.duration</c> (histogram, seconds) and <c>ccx.dns.patroni.datastores.holding</c>
/// (gauge: datastores keeping their last published state). Datastore ids are not tags (unbounded); the health check names them.
/// </summary>
internal sealed class PatroniTelemetry : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ccx.Dns.Patroni";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _reads;
    private readonly Counter<long> _memberErrors;
    private readonly Counter<long> _publishes;
    private readonly Counter<long> _leaderChanges;
    private readonly Histogram<double> _readDuration;

    public PatroniTelemetry(IMeterFactory? meterFactory, Func<int> holding)
    {
        var version = typeof(PatroniTelemetry).Assembly.GetName().Version?.ToString();
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName, version) ?? new Meter(MeterName, version);
        _reads = _meter.CreateCounter<long>("ccx.dns.patroni.reads", "{read}", "Reads of a datastore's Patroni cluster, by what they found.");
        _memberErrors = _meter.CreateCounter<long>("ccx.dns.patroni.member.errors", "{error}", "GET /cluster requests that gave no usable answer, by kind.");
        _publishes = _meter.CreateCounter<long>("ccx.dns.patroni.publishes", "{change}", "Reads that changed a datastore's published records.");
        _leaderChanges = _meter.CreateCounter<long>("ccx.dns.patroni.leader_changes", "{change}", "Changes of a datastore's published leader.");
        _readDuration = _meter.CreateHistogram<double>("ccx.dns.patroni.read.duration", "s", "Duration of a datastore read (all its members).");
        _meter.CreateObservableGauge("ccx.dns.patroni.datastores.holding", holding, "{datastore}", "Datastores keeping their last published state because the last read could not publish.");
    }

    public void Read(PatroniClusterCondition condition, TimeSpan duration)
    {
        _reads.Add(1, new KeyValuePair<string, object?>("condition", ConditionTag(condition)));
        _readDuration.Record(duration.TotalSeconds);
    }

    public void MemberError(PatroniReadFailure failure) => _memberErrors.Add(1, new KeyValuePair<string, object?>("kind", failure switch
    {
        PatroniReadFailure.Timeout => "timeout",
        PatroniReadFailure.HttpStatus => "http_status",
        PatroniReadFailure.Malformed => "malformed",
        _ => "unreachable",
    }));

    public void Published() => _publishes.Add(1);

    public void LeaderChanged() => _leaderChanges.Add(1);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    internal static string ConditionTag(PatroniClusterCondition condition) => condition switch
    {
        PatroniClusterCondition.Published => "published",
        PatroniClusterCondition.NoLeader => "no_leader",
        PatroniClusterCondition.LeaderUnreachable => "leader_unreachable",
        PatroniClusterCondition.NoReachableMember => "no_reachable_member",
        PatroniClusterCondition.ConflictingLeaders => "conflicting_leaders",
        _ => "not_read",
    };
}
