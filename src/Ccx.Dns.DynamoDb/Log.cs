using Ccx.Dns.Endpoints;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.DynamoDb;

/// <summary>
/// Source-generated log messages of the DynamoDB registry and lease (event ids 2300–2399). In a namespace of its own:
/// Ccx.Dns shows this assembly its internals (<c>CachingDnsProvider.CacheVersion</c>), its own <c>Ccx.Dns.Log</c>
/// included; the files that log import this one by an alias.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Debug, Message = "Serving {Count} records from the DynamoDB registry cache (read {Age} ago)")]
    public static partial void CacheHit(ILogger logger, int count, TimeSpan age);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Debug, Message = "Read {Items} ownership items from DynamoDB table {Table} in {Pages} pages, {Records} records from the provider; {Orphans} orphaned items, {Migrations} records to migrate from TXT ownership")]
    public static partial void ViewRead(ILogger logger, int items, string table, int pages, int records, int orphans, int migrations);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "{Operation} dynamodb record {Key}")]
    public static partial void StatementApplied(ILogger logger, string operation, string key);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Refused {Endpoint}: {Reason}")]
    public static partial void Refused(ILogger logger, DnsEndpoint endpoint, string reason);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Debug, Message = "The provider failed to apply the changes; the DynamoDB registry view is dropped and will be read again (ownership items written before the call stay as orphans until a later apply re-adopts or deletes them)")]
    public static partial void ProviderFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Warning, Message = "Deleting the ownership item {Key} failed; it stays as an orphan until a later apply deletes it: {Reason}")]
    public static partial void DeleteFailed(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 2306, Level = LogLevel.Information, Message = "{Count} old TXT ownership records are returned for deletion; they are deleted only when TXT is a managed record type")]
    public static partial void OldTxtPending(ILogger logger, int count);

    [LoggerMessage(EventId = 2307, Level = LogLevel.Debug, Message = "Nothing left to apply after ownership checks")]
    public static partial void NothingToApply(ILogger logger);

    [LoggerMessage(EventId = 2308, Level = LogLevel.Information, Message = "Created DynamoDB table {Table} (hash key k, on-demand billing)")]
    public static partial void TableCreated(ILogger logger, string table);

    [LoggerMessage(EventId = 2309, Level = LogLevel.Warning, Message = "DynamoDB table {Table} could not be checked at start; the first reconcile checks it again")]
    public static partial void StartupCheckDeferred(ILogger logger, string table, Exception exception);

    [LoggerMessage(EventId = 2310, Level = LogLevel.Debug, Message = "Read {Items} ownership items from DynamoDB table {Table} in {Pages} pages, unchanged; the provider's cache is unchanged since the view of its {Records} records was built: the view is kept")]
    public static partial void ViewKept(ILogger logger, int items, string table, int pages, int records);

    [LoggerMessage(EventId = 2311, Level = LogLevel.Debug, Message = "A targeted read does not ask for {Name}, where an apply changed what a read returns beside its own changes (a record migrated from TXT ownership frees its TXT record); the reconcile reads in full")]
    public static partial void UnplannedName(ILogger logger, string name);

    [LoggerMessage(EventId = 2312, Level = LogLevel.Debug, Message = "The view was read under lease grant {ViewToken} and this instance holds grant {Token} (0: none): a targeted read is not served from it; the reconcile reads in full")]
    public static partial void ViewFromAnotherGrant(ILogger logger, long viewToken, long token);

    [LoggerMessage(EventId = 2320, Level = LogLevel.Information, Message = "Leader lease {Lease} acquired by {Holder} with fencing token {Token}, valid for {Validity} on this instance's clock unless renewed")]
    public static partial void LeaseAcquired(ILogger logger, string lease, string holder, long token, TimeSpan validity);

    [LoggerMessage(EventId = 2321, Level = LogLevel.Debug, Message = "Leader lease {Lease} renewed by {Holder} (fencing token {Token}), valid for {Validity} on this instance's clock")]
    public static partial void LeaseRenewed(ILogger logger, string lease, string holder, long token, TimeSpan validity);

    [LoggerMessage(EventId = 2322, Level = LogLevel.Debug, Message = "Leader lease {Lease} is held by {Holder} (fencing token {Token}); unchanged for {UnchangedFor} as seen from here")]
    public static partial void LeaseHeldElsewhere(ILogger logger, string lease, string holder, long token, TimeSpan unchangedFor);

    [LoggerMessage(EventId = 2323, Level = LogLevel.Warning, Message = "Leader lease {Lease} lost by {Holder}: the lease item names {NewHolder} with fencing token {Token}")]
    public static partial void LeaseLost(ILogger logger, string lease, string holder, string newHolder, long token);

    [LoggerMessage(EventId = 2324, Level = LogLevel.Information, Message = "Leader lease {Lease} released by {Holder} (fencing token {Token})")]
    public static partial void LeaseReleased(ILogger logger, string lease, string holder, long token);

    [LoggerMessage(EventId = 2325, Level = LogLevel.Warning, Message = "Leader lease {Lease} could not be released; it expires on its own")]
    public static partial void LeaseReleaseFailed(ILogger logger, string lease, Exception exception);

    [LoggerMessage(EventId = 2326, Level = LogLevel.Warning, Message = "Leader lease {Lease} taken over by {Holder} with fencing token {Token}: {PreviousHolder} had not renewed it for {Duration} as seen from here")]
    public static partial void LeaseTakenOver(ILogger logger, string lease, string holder, long token, string previousHolder, TimeSpan duration);

    [LoggerMessage(EventId = 2327, Level = LogLevel.Warning, Message = "Ownership write refused: {Reason}")]
    public static partial void FencedWriteRefused(ILogger logger, string reason);
}
