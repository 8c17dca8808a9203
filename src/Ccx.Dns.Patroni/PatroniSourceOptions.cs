using Ccx.Dns.Sources.Datastore;

namespace Ccx.Dns.Patroni;

/// <summary>Settings of the <see cref="PatroniSource"/>: which Patroni clusters to follow and how.</summary>
/// <remarks>
/// Bind from configuration with <c>AddPatroniSource(configuration.GetSection("Patroni"))</c>; the keys are the property
/// names, the datastores an array:
/// <code>
/// "Patroni": {
///   "PollInterval": "00:00:01",
///   "Datastores": [
///     { "Id": "6f1c…", "UserDomain": "db.example.org", "RestApiUrls": [ "http://10.0.0.11:8008", "http://10.0.0.12:8008" ] }
///   ]
/// }
/// </code>
/// </remarks>
public sealed class PatroniSourceOptions
{
    /// <summary>The datastores (one Patroni cluster each) to follow. At least one is required.</summary>
    public IList<PatroniDatastoreOptions> Datastores { get; } = [];

    /// <summary>
    /// How long to wait between two reads of a datastore's members (counted from the end of the previous read).
    /// A read is one <c>GET /cluster</c> per member. An <c>on_role_change</c> callback (<see cref="PatroniSource.RefreshAsync"/>)
    /// reads at once, between polls.
    /// </summary>
    /// <value>The default is 1 second; from 10 ms to 1 day.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long one <c>GET /cluster</c> may take. A member that has not answered by then counts as unreachable for that
    /// read (Patroni's <c>/cluster</c> hangs while Patroni cannot reach its DCS).
    /// </summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The largest replication lag, in bytes, of a replica that is published under the replica name;
    /// <see langword="null"/> publishes every running replica whatever its lag. With a limit, a replica whose lag
    /// Patroni reports as <c>unknown</c> is not published. A datastore's own
    /// <see cref="PatroniDatastoreOptions.MaxReplicaLagBytes"/> overrides it.
    /// </summary>
    /// <value>The default is <see langword="null"/> (no limit).</value>
    public long? MaxReplicaLagBytes { get; set; }

    /// <summary>
    /// How many reads in a row must find a replica healthy (running, reachable, within the lag limit) before it is
    /// published again after it was left out — so that a replica that flaps is not added and removed on every read.
    /// A replica that stops being healthy is left out at once. The first read after start publishes what it finds.
    /// </summary>
    /// <value>The default is 2.</value>
    public int ReplicaPublishAfterReads { get; set; } = 2;

    /// <summary>What the head of a Patroni standby cluster (role <c>standby_leader</c>) is published as.</summary>
    /// <value>The default is <see cref="PatroniStandbyLeaderRole.Replica"/>.</value>
    public PatroniStandbyLeaderRole StandbyLeaderRole { get; set; } = PatroniStandbyLeaderRole.Replica;

    /// <summary>
    /// Whether a cluster whose members answer but report no leader has its primary record withdrawn (its replicas
    /// are still published). By default the last published state is kept while there is no leader: during a failover
    /// the old primary's record stays until Patroni names the new leader, and the condition is reported in health and
    /// metrics.
    /// </summary>
    /// <value>The default is <see langword="false"/> (keep the last published state).</value>
    public bool WithdrawPrimaryWithoutLeader { get; set; }

    /// <summary>How many <c>GET /cluster</c> requests may be in flight at once, over all datastores.</summary>
    /// <value>The default is 32.</value>
    public int MaxConcurrentRequests { get; set; } = 32;

    /// <summary>
    /// An <c>http://host:port/path/</c> prefix on which the host listens for Patroni's callbacks
    /// (<c>POST {prefix}refresh/{datastore id}</c> reads that datastore at once), served by
    /// <see cref="PatroniCallbackListener"/>; <see langword="null"/> listens on nothing. Bind it to an address only the
    /// Patroni nodes reach: a request can only trigger a read, but anyone who reaches it can trigger reads.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? CallbackListenerPrefix { get; set; }

    /// <summary>
    /// How long a datastore may keep its last published state (no leader, leader or members unreachable) before the
    /// health check reports the failure status rather than degraded.
    /// </summary>
    /// <value>The default is 1 minute.</value>
    public TimeSpan HealthStaleAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The naming rules' options (record TTL and replica label) of the names this source publishes. The TTL defaults to
    /// 10 seconds here (not the naming source's 30): clients follow a Patroni failover once their cached answer expires.
    /// </summary>
    public DatastoreNamingSourceOptions Naming { get; set; } = new() { RecordTtl = TimeSpan.FromSeconds(10) };
}

/// <summary>One datastore: a Patroni cluster, the names it is published under and where its members' REST APIs are.</summary>
public sealed class PatroniDatastoreOptions
{
    /// <summary>The datastore's id: the first label of its names (<c>&lt;id&gt;.&lt;user domain&gt;</c>). Required, not empty.</summary>
    public Guid Id { get; set; }

    /// <summary>The domain the datastore's names are published under, for example <c>db.example.org</c>. Required.</summary>
    public string? UserDomain { get; set; }

    /// <summary>
    /// The base URLs of the REST APIs of the cluster's members (Patroni's <c>restapi.connect_address</c>), for example
    /// <c>http://10.0.0.11:8008</c>; <c>/cluster</c> is appended. At least one is required; list every member: a member
    /// is published only when its REST API answers, and members are matched to these URLs by the host and port of the
    /// <c>api_url</c> Patroni reports for them.
    /// </summary>
    public IList<string> RestApiUrls { get; } = [];

    /// <summary>This datastore's replica lag limit in bytes; <see langword="null"/> uses <see cref="PatroniSourceOptions.MaxReplicaLagBytes"/>.</summary>
    public long? MaxReplicaLagBytes { get; set; }
}

/// <summary>What the head of a Patroni standby cluster (<c>standby_leader</c>) is published as.</summary>
/// <remarks>
/// A standby cluster replicates from a primary elsewhere; its head is read-only. Patroni reports it as
/// <c>standby_leader</c> and the cluster has no <c>leader</c>. Such a cluster is a complete state, not a failure: it is
/// published (and reported healthy) either way.
/// </remarks>
public enum PatroniStandbyLeaderRole
{
    /// <summary>
    /// The standby leader is published among the replicas (its lag is not known from <c>/cluster</c>, so the lag limit
    /// does not apply to it) and the cluster publishes no primary record: a read-only server under the writable name
    /// would accept connections and then fail every write.
    /// </summary>
    Replica,

    /// <summary>The standby leader is published under the primary name (for standby clusters whose clients only read and want one name for its head).</summary>
    Primary,
}
