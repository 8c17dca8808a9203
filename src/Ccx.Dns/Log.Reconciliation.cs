using Ccx.Dns.Reconciliation;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns;

/// <summary>
/// Source-generated log messages of the assembly (partial: each feature adds its own file). Event ids 1000–1099
/// belong to the reconciler, hosting and sources.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "DNS reconcile applied {Created} create(s), {Updated} update(s), {Deleted} delete(s) in {DurationMs:0.#} ms")]
    public static partial void ChangesApplied(ILogger logger, int created, int updated, int deleted, double durationMs);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "All DNS records are already up to date ({DurationMs:0.#} ms)")]
    public static partial void NoChanges(ILogger logger, double durationMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Dry run: the plan has {Created} create(s), {Updated} update(s), {Deleted} delete(s); nothing applied (safety guard: {WithheldReason})")]
    public static partial void DryRunPlan(ILogger logger, int created, int updated, int deleted, string withheldReason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "DNS plan withheld by the safety guard ({Created} create(s), {Updated} update(s), {Deleted} delete(s)): {Reason}")]
    public static partial void PlanWithheld(ILogger logger, int created, int updated, int deleted, string reason);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Debug, Message = "The same DNS plan is still withheld by the safety guard: {Reason}")]
    public static partial void PlanStillWithheld(ILogger logger, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Applying an approved DNS plan the safety guard judged unsafe: {Reason}")]
    public static partial void ApplyingApprovedPlan(ILogger logger, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "The withheld DNS plan was approved; it is applied if the next reconcile calculates the same changes")]
    public static partial void WithheldPlanApproved(ILogger logger);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Not the leader: the plan ({Created} create(s), {Updated} update(s), {Deleted} delete(s)) is left to the instance holding the lease")]
    public static partial void NotLeader(ILogger logger, int created, int updated, int deleted);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "DNS reconcile failed transiently at {Stage} (failure {Attempt} in a row): {Cause}; retrying with back-off")]
    public static partial void ReconcileFailedTransiently(ILogger logger, ReconcileStage stage, int attempt, string cause);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "DNS reconcile failed at {Stage}: {Cause}; next attempt at the next interval or change signal")]
    public static partial void ReconcileFailed(ILogger logger, ReconcileStage stage, string cause);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Debug, Message = "DNS reconcile failure at {Stage}, with the stack trace")]
    public static partial void ReconcileFailureDetail(ILogger logger, ReconcileStage stage, Exception exception);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Desired endpoint {Name} {RecordType} rejected: {Reason}")]
    public static partial void EndpointRejected(ILogger logger, string name, string recordType, string reason);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Desired endpoint {Name} {RecordType} still rejected: {Reason}")]
    public static partial void EndpointStillRejected(ILogger logger, string name, string recordType, string reason);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Debug, Message = "Record {Name} {RecordType} is still owned by '{ForeignOwner}', not us; it is left as it is")]
    public static partial void OwnerMismatch(ILogger logger, string name, string recordType, string foreignOwner);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Record {Name} {RecordType} has {ForeignOwner}, not '{OwnerId}': the desired change at that name is not applied (owner mismatch). If this control plane should own it, set the owner id it was written with, or migrate it with OldOwnerId")]
    public static partial void OwnerMismatchFound(ILogger logger, string name, string recordType, string foreignOwner, string ownerId);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Error, Message = "A Reconciled event handler failed")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "DNS reconciler started: interval {Interval}, min event sync interval {MinEventSyncInterval}, policy {Policy}, dry run {DryRun}, {SourceCount} source(s)")]
    public static partial void ReconcilerStarted(ILogger logger, TimeSpan interval, TimeSpan minEventSyncInterval, string policy, bool dryRun, int sourceCount);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "No endpoint source is registered (add one with .AddSource<T>() or .AddDatastoreNamingSource()); the sources count as empty and the safety guard withholds deletes")]
    public static partial void NoSources(ILogger logger);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Debug, Message = "Next DNS reconcile attempt in {Delay} (transient failure {Attempt})")]
    public static partial void RetryScheduled(ILogger logger, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Error, Message = "Unexpected failure in the DNS reconcile loop; it continues")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Information, Message = "DNS reconciler stopped")]
    public static partial void ReconcilerStopped(ILogger logger);

    [LoggerMessage(EventId = 1025, Level = LogLevel.Information, Message = "Leader lease acquired; this instance applies DNS changes")]
    public static partial void LeaseAcquired(ILogger logger);

    [LoggerMessage(EventId = 1026, Level = LogLevel.Warning, Message = "Leader lease lost; this instance stops applying DNS changes")]
    public static partial void LeaseLost(ILogger logger);

    [LoggerMessage(EventId = 1027, Level = LogLevel.Warning, Message = "Renewing the leader lease failed; treating it as not held: {Cause}")]
    public static partial void LeaseRenewFailed(ILogger logger, string cause);

    [LoggerMessage(EventId = 1032, Level = LogLevel.Debug, Message = "Renewing the leader lease failed, with the stack trace")]
    public static partial void LeaseRenewFailureDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1028, Level = LogLevel.Warning, Message = "The {Registry} owner id is 'default', the implicit default: records written by another deployment that also left it unset look like ours, and records written under your real owner id look foreign (every change to them is skipped as an owner mismatch). Set the owner id (TxtRegistryOptions.OwnerId / DynamoDbRegistryOptions.OwnerId, ExternalDNS --txt-owner-id) to one unique to this control plane; keep 'default' only to take over from an ExternalDNS that ran without --txt-owner-id")]
    public static partial void ImplicitOwnerId(ILogger logger, string registry);

    [LoggerMessage(EventId = 1029, Level = LogLevel.Information, Message = "DNS reconciler set up: provider {Provider}, registry {Registry}, owner id {OwnerId}, domain filters {DomainFilters}, zones found: {Zones}")]
    public static partial void SetUp(ILogger logger, string provider, string registry, string ownerId, string domainFilters, string zones);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Warning, Message = "Domain filter {Filters} matches no zone of {Provider} (zones found: {Zones}): records under it cannot be written. Create the zone on the DNS server (see docs/operations.md, \"Zones\"), or fix the domain filter")]
    public static partial void DomainFilterWithoutZone(ILogger logger, string filters, string provider, string zones);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Information, Message = "Every domain filter now matches a zone of the provider")]
    public static partial void DomainFiltersCovered(ILogger logger);

    [LoggerMessage(EventId = 1033, Level = LogLevel.Information, Message = "Run-once mode: the DNS reconcile ended {Outcome}; exit code {ExitCode}; stopping the application")]
    public static partial void RunOnceFinished(ILogger logger, ReconcileOutcome outcome, int exitCode);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Debug, Message = "The registry has no view to serve a targeted reconcile from; reconciling in full")]
    public static partial void TargetedFallsBackToFull(ILogger logger);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Information, Message = "Compacted the heap after applying {Changes} record changes: {Before} MB to {After} MB in {ElapsedMs} ms")]
    public static partial void HeapCompacted(ILogger logger, int changes, long before, long after, long elapsedMs);

    [LoggerMessage(EventId = 1042, Level = LogLevel.Debug, Message = "A full reconcile yields to {Waiting} targeted reconcile(s) before applying and starts again after them (yield {Yield} of at most {MaxYields})")]
    public static partial void FullReconcileYielded(ILogger logger, int waiting, int yield, int maxYields);

    [LoggerMessage(EventId = 1043, Level = LogLevel.Warning, Message = "A callback registered on a full reconcile's read failed when the reconcile was asked to yield")]
    public static partial void YieldRequestCallbackFailed(ILogger logger, Exception exception);
}
