using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Patroni.Internal;

/// <summary>Source-generated log messages of the Patroni source (event ids 2400–2499). None carries a credential: member URLs with user information are refused by the options validator.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2400, Level = LogLevel.Debug, Message = "Datastore {DatastoreId}: read {Condition} in {Elapsed} ({Detail})")]
    public static partial void ReadDone(ILogger logger, Guid datastoreId, PatroniClusterCondition condition, TimeSpan elapsed, string detail);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Datastore {DatastoreId}: publishing primary {Primary}, replicas [{Replicas}] ({Detail})")]
    public static partial void Publishing(ILogger logger, Guid datastoreId, string primary, string replicas, string detail);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Datastore {DatastoreId}: {Condition}; keeping the last published state ({Published}): {Detail}")]
    public static partial void Holding(ILogger logger, Guid datastoreId, PatroniClusterCondition condition, string published, string detail);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Information, Message = "Datastore {DatastoreId}: publishing again after keeping the last state for {HeldFor} ({Detail})")]
    public static partial void Recovered(ILogger logger, Guid datastoreId, TimeSpan heldFor, string detail);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Warning, Message = "Datastore {DatastoreId}: Patroni member REST API {Url} is not usable ({Failure}): {Reason}")]
    public static partial void MemberFailed(ILogger logger, Guid datastoreId, Uri url, PatroniReadFailure failure, string reason);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Information, Message = "Datastore {DatastoreId}: Patroni member REST API {Url} answers again")]
    public static partial void MemberRecovered(ILogger logger, Guid datastoreId, Uri url);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Warning, Message = "Datastore {DatastoreId}: member {Member} (api_url {ApiUrl}) matches none of the configured RestApiUrls, so whether it is reachable is unknown and it is not published; list the URLs as Patroni advertises them (restapi.connect_address)")]
    public static partial void MemberNotConfigured(ILogger logger, Guid datastoreId, string member, string apiUrl);

    [LoggerMessage(EventId = 2407, Level = LogLevel.Warning, Message = "Datastore {DatastoreId}: {Url} answered /cluster with member entries that cannot be used, skipped: {Reasons}")]
    public static partial void MembersSkipped(ILogger logger, Guid datastoreId, Uri url, string reasons);

    [LoggerMessage(EventId = 2408, Level = LogLevel.Information, Message = "Datastore {DatastoreId} could not be read at start ({Condition}); keeping what DNS publishes now: primary {Primary}, replicas [{Replicas}]")]
    public static partial void Seeded(ILogger logger, Guid datastoreId, PatroniClusterCondition condition, string primary, string replicas);

    [LoggerMessage(EventId = 2409, Level = LogLevel.Warning, Message = "Reading the records in DNS to keep the state of {Count} datastore(s) that could not be read at start failed; the source is not ready and the reconcile fails until it succeeds")]
    public static partial void SeedFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 2410, Level = LogLevel.Error, Message = "Datastore {DatastoreId}: reading the Patroni cluster failed unexpectedly; the next poll tries again")]
    public static partial void ReadFailed(ILogger logger, Guid datastoreId, Exception exception);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Information, Message = "Polling {Count} Patroni datastore(s) every {Interval}")]
    public static partial void PollingStarted(ILogger logger, int count, TimeSpan interval);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Information, Message = "Listening for Patroni callbacks on {Prefix} (POST {Prefix}refresh/<datastore id>)")]
    public static partial void CallbackListening(ILogger logger, string prefix);

    [LoggerMessage(EventId = 2413, Level = LogLevel.Debug, Message = "Patroni callback: refresh of datastore {DatastoreId} requested ({Details})")]
    public static partial void CallbackReceived(ILogger logger, Guid datastoreId, string details);

    [LoggerMessage(EventId = 2414, Level = LogLevel.Warning, Message = "Patroni callback request {Method} {Path} refused: {Reason}")]
    public static partial void CallbackRefused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 2415, Level = LogLevel.Error, Message = "The Patroni callback listener failed")]
    public static partial void CallbackListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2416, Level = LogLevel.Debug, Message = "Datastore {DatastoreId}: replica {Member} is healthy ({Reads} of {Needed} reads in a row before it is published again)")]
    public static partial void ReplicaPending(ILogger logger, Guid datastoreId, string member, int reads, int needed);

    [LoggerMessage(EventId = 2417, Level = LogLevel.Information, Message = "Datastore {DatastoreId}: leader changed from {Previous} to {Leader}")]
    public static partial void LeaderChanged(ILogger logger, Guid datastoreId, string previous, string leader);
}
