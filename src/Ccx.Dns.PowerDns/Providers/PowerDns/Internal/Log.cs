using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Providers.PowerDns.Internal;

/// <summary>The package's source-generated log messages. None of them carries the API key.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Read {RecordCount} PowerDNS record sets from {ZoneCount} zones")]
    public static partial void RecordsRead(ILogger logger, int recordCount, int zoneCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Patching PowerDNS zone {Zone}: {DeleteCount} deletes, then {ReplaceCount} replaces")]
    public static partial void PatchingZone(ILogger logger, string zone, int deleteCount, int replaceCount);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Applied changes to PowerDNS zone {Zone}: {DeleteCount} record sets deleted, {ReplaceCount} replaced")]
    public static partial void ZonePatched(ILogger logger, string zone, int deleteCount, int replaceCount);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "PowerDNS refused the changes to zone {Zone} (transient: {IsTransient}): {Reason} (the caller reports the failure)")]
    public static partial void ZonePatchFailed(ILogger logger, string zone, bool isTransient, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "{Count} endpoint(s) not applied: {Reason} ({Names}) (the caller reports the failure)")]
    public static partial void EndpointsRejected(ILogger logger, int count, string reason, string names);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "CNAME {Name} → {Target} is written as a PowerDNS ALIAS record (a CNAME cannot stand at a zone apex, or it is marked alias=true). PowerDNS answers A/AAAA queries for it only when pdns_server runs with expand-alias=yes and a resolver= set; otherwise it answers with no data")]
    public static partial void WrittenAsAlias(ILogger logger, string name, string target);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Created PowerDNS zone {Zone} (CreateMissingZones; Native, api_rectify off, SOA minimum {SoaMinimum} s)")]
    public static partial void ZoneCreated(ILogger logger, string zone, long soaMinimum);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Change {Endpoint} not applied, the records at the PowerDNS server changed since they were read: {Reason}")]
    public static partial void ChangeConflicted(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "PowerDNS zone {Zone} returned {Count} malformed record set(s), skipped: {Details}")]
    public static partial void MalformedRecordSetsSkipped(ILogger logger, string zone, int count, string details);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "The HTTP handler given to the PowerDNS provider follows redirects: it would send the API key on to a redirect target before the provider refuses the answer. Set AllowAutoRedirect = false on it")]
    public static partial void HandlerFollowsRedirects(ILogger logger);
}
