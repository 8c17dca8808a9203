namespace Ccx.Dns.Reconciliation;

/// <summary>
/// Options of the reconciler (ExternalDNS's controller flags): scheduling, plan policy, managed record types,
/// domain filter, ownership migration, the safety guard and the health threshold. Bind from configuration with
/// <c>AddDnsReconciler(configuration.GetSection("Dns"))</c> or configure in code.
/// </summary>
public sealed class DnsReconcilerOptions
{
    /// <summary>
    /// The time between periodic reconciles (ExternalDNS <c>--interval</c>).
    /// <value>The default is one minute.</value>
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The least time between the start of one reconcile and a reconcile triggered by a source's change signal
    /// (ExternalDNS <c>--min-event-sync-interval</c>). A change signal starts a reconcile at once unless the
    /// last one started less than this long ago; bursts of signals within the window collapse into one run.
    /// <value>The default is 500 ms.</value>
    /// </summary>
    /// <remarks>
    /// ExternalDNS defaults to 5 s, too slow to follow a datastore failover within a second. 500 ms keeps the
    /// worst case, a failover signalled just after a run started, at 500 ms plus one reconcile (a few
    /// milliseconds in memory, a few hundred against a cloud API) — under a second — while capping an event
    /// storm at two reconciles a second, which stays within Route53's five requests a second per account
    /// (one list and one change batch per reconcile).
    /// </remarks>
    public TimeSpan MinEventSyncInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// After an apply of at least this many record changes (a bulk creation: the first reconcile of a large fleet, an
    /// onboarding), the reconciler runs one blocking, compacting full garbage collection, the large object heap included.
    /// The apply's short-lived structures live as long as it runs and are promoted into the oldest generation; without
    /// the compaction the process keeps the space they leave as free memory, and the next full reconcile adds to it.
    /// Zero turns it off.
    /// <value>The default is 50,000.</value>
    /// </summary>
    /// <remarks>
    /// Measured on a 2-core machine: at 100,000 datastores (a bulk creation of 200,000 records and their ownership
    /// records) the collection pauses the process for 0.34–0.48 s and the peak resident set is 378–386 MB (419–422 MB
    /// without); at 1,000,000 records the pause is 1.6–2.3 s and the peak 1.67–1.70 GB (1.82–1.85 GB without). It runs
    /// only after an apply that large (the start-up's bulk creation, a mass onboarding), never after a failover; a
    /// failover signalled during the pause waits for it. Turn it off where a pause matters more than the memory. It sets
    /// <see cref="System.Runtime.GCSettings.LargeObjectHeapCompactionMode"/> for that one collection.
    /// </remarks>
    public int CompactHeapAfterChanges { get; set; } = 50_000;

    /// <summary>
    /// When <see langword="true"/>, plans are calculated and reported but never applied (ExternalDNS
    /// <c>--dry-run</c>; enforced by the reconciler, not left to providers).
    /// <value>The default is <see langword="false"/>.</value>
    /// </summary>
    public bool DryRun { get; set; }

    /// <summary>
    /// Run-once mode (ExternalDNS <c>--once</c>): in a generic host, one full reconcile runs at start, its report is written
    /// to standard output, the exit code is set (0 when it completed, 1 when it failed or its plan was withheld; see
    /// <see cref="Hosting.DnsRunOnceOutcome"/>) and the application stops. The periodic loop does not run. Set it from
    /// the command line with <c>--Dns:Once=true</c> or the environment with <c>Dns__Once=true</c>.
    /// <value>The default is <see langword="false"/>.</value>
    /// </summary>
    public bool Once { get; set; }

    /// <summary>
    /// The plan policy: <c>sync</c> (create, update and delete), <c>upsert-only</c> (never delete) or
    /// <c>create-only</c> (ExternalDNS <c>--policy</c>).
    /// <value>The default is <c>sync</c>.</value>
    /// </summary>
    public string Policy { get; set; } = "sync";

    /// <summary>
    /// The record types the reconciler manages (ExternalDNS <c>--managed-record-types</c>). The list starts with the
    /// defaults, so <c>ManagedRecordTypes.Add("TXT")</c> — or <c>"ManagedRecordTypes": [ "TXT" ]</c> in configuration,
    /// which binding appends — manages TXT <em>as well as</em> A, AAAA and CNAME. To manage fewer types, list the others
    /// in <see cref="ExcludedRecordTypes"/> (or <c>Clear()</c> the list in code; an empty list means the defaults).
    /// <value>The default is A, AAAA and CNAME.</value>
    /// </summary>
    public IList<string> ManagedRecordTypes { get; } = ["A", "AAAA", "CNAME"];

    /// <summary>
    /// Record types never managed even when listed in <see cref="ManagedRecordTypes"/> (ExternalDNS
    /// <c>--exclude-record-types</c>).
    /// <value>The default is empty.</value>
    /// </summary>
    public IList<string> ExcludedRecordTypes { get; } = [];

    /// <summary>
    /// Domain suffixes to manage (ExternalDNS <c>--domain-filter</c>); <c>example.org</c> covers the apex and every
    /// name below it, <c>.example.org</c> only the names below.
    /// <value>The default is empty, meaning every name the provider serves.</value>
    /// </summary>
    public IList<string> IncludeDomains { get; } = [];

    /// <summary>
    /// Domain suffixes never to manage (ExternalDNS <c>--exclude-domains</c>).
    /// <value>The default is empty.</value>
    /// </summary>
    public IList<string> ExcludeDomains { get; } = [];

    /// <summary>
    /// A regular expression a name must match to be managed (ExternalDNS <c>--regex-domain-filter</c>). Cannot be
    /// combined with <see cref="IncludeDomains"/> or <see cref="ExcludeDomains"/>.
    /// <value>The default is none.</value>
    /// </summary>
    public string? RegexDomainFilter { get; set; }

    /// <summary>
    /// A regular expression that excludes a name (ExternalDNS <c>--regex-domain-exclusion</c>). Cannot be combined
    /// with <see cref="IncludeDomains"/> or <see cref="ExcludeDomains"/>.
    /// <value>The default is none.</value>
    /// </summary>
    public string? RegexDomainExclusion { get; set; }

    /// <summary>
    /// Not needed: set the registry's <c>OldOwnerId</c> (<c>TxtRegistryOptions.OldOwnerId</c> or
    /// <c>DynamoDbRegistryOptions.OldOwnerId</c>, ExternalDNS <c>--migrate-from-txt-owner</c>), which alone reads the old
    /// owner's records as ours and rewrites their ownership once. This planner-side setting (ExternalDNS's) forces an
    /// update of every owned record on every reconcile while it is set.
    /// <value>The default is empty (no migration).</value>
    /// </summary>
    [Obsolete("Set the registry's OldOwnerId (TxtRegistryOptions.OldOwnerId or DynamoDbRegistryOptions.OldOwnerId) only; it alone migrates ownership.")]
    public string OldOwnerId { get; set; } = string.Empty;

    /// <summary>The safety guard that withholds plans deleting or updating too much.</summary>
    public SafetyGuardOptions Guard { get; set; } = new();

    /// <summary>
    /// The health check reports unhealthy once the last successful reconcile is older than this many
    /// <see cref="Interval"/>s.
    /// <value>The default is 3.</value>
    /// </summary>
    public double UnhealthyAfterIntervals { get; set; } = 3;

    /// <summary>
    /// The first delay before retrying after a transient failure; it doubles with each consecutive failure up to
    /// <see cref="MaxRetryDelay"/>.
    /// <value>The default is one second.</value>
    /// </summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest delay between retries after transient failures.
    /// <value>The default is 30 seconds.</value>
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the hosted service renews the leader lease between reconciles, when an
    /// <see cref="Coordination.ILeaderLease"/> is registered. Keep it well below the lease's duration.
    /// <value>The default is 5 seconds.</value>
    /// </summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// With a leader lease: the least remaining lease time (<see cref="Coordination.ILeaderLease.RemainingTime"/>) with
    /// which an apply starts, and how long before the lease runs out an apply is cancelled. A reconcile that holds the
    /// lease with less time left applies nothing and fails transiently at the <see cref="ReconcileStage.Lease"/> stage;
    /// an apply still running when the remaining time reaches the margin is cancelled and fails the same way ("the
    /// lease ran out during the apply"). DNS provider calls cannot be fenced, so this margin (plus the lease's own
    /// safety margin) bounds how long a provider write already sent may land after the lease ran out here. Must not be
    /// negative; must be shorter than what the lease has left after a renewal answered from memory (for the DynamoDB
    /// lease <c>Duration - SafetyMargin - RenewInterval</c>, checked at start).
    /// <value>The default is 3 seconds.</value>
    /// </summary>
    public TimeSpan LeaseApplyMargin { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// The safety guard (octoDNS's thresholds, redesigned around what cannot be undone; ExternalDNS has none): a plan that
/// would delete too large a share of the records we own, or delete them because the sources returned nothing, is
/// withheld until a person approves it (<see cref="DnsReconciler.ApproveWithheldPlan"/>). Target changes of names that
/// stay desired — failovers — are never withheld by default, however many happen at once.
/// </summary>
/// <remarks>
/// A withheld plan makes the health check report <c>Unhealthy</c>, logs one error naming how to approve it, and is
/// counted by <c>ccx.dns.plans.withheld</c>. See docs/operations.md, "Safety guard".
/// </remarks>
public sealed class SafetyGuardOptions
{
    /// <summary>
    /// The percentage thresholds apply only when at least this many owned records exist.
    /// <value>The default is 10.</value>
    /// </summary>
    public int MinExistingRecords { get; set; } = 10;

    /// <summary>
    /// A plan deleting more than this percentage of the owned records is withheld (a record-type change at a name
    /// deletes the old record, so it counts too). This also guards a source that shrank (returns far fewer endpoints
    /// than before).
    /// <value>The default is 30.</value>
    /// </summary>
    public double MaxDeletePercent { get; set; } = 30;

    /// <summary>
    /// A plan whose guarded updates exceed this percentage of the owned records is withheld. Guarded updates are those
    /// that change a record's type or leave it without targets; with <see cref="GuardTargetChanges"/> every update.
    /// <value>The default is 30.</value>
    /// </summary>
    public double MaxUpdatePercent { get; set; } = 30;

    /// <summary>
    /// When <see langword="true"/>, every update counts against <see cref="MaxUpdatePercent"/> — target changes of
    /// names that stay desired (failovers) included, as octoDNS's update threshold does. Leave it off when DNS must
    /// follow failovers: an availability-zone outage fails many datastores over at once, and withholding that plan
    /// leaves DNS on the dead primaries until a person approves it.
    /// <value>The default is <see langword="false"/>.</value>
    /// </summary>
    public bool GuardTargetChanges { get; set; }

    /// <summary>
    /// When <see langword="true"/>, plans over the thresholds are applied (logged as warnings).
    /// <value>The default is <see langword="false"/>.</value>
    /// </summary>
    public bool AllowUnsafePlans { get; set; }

    /// <summary>
    /// When <see langword="true"/>, deletes are applied even when the sources returned no endpoints at all while
    /// owned records exist (normally the sign of a broken source, not of an intended wipe).
    /// <value>The default is <see langword="false"/>.</value>
    /// </summary>
    public bool AllowEmptySource { get; set; }
}
