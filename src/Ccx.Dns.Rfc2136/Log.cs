using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Rfc2136;

/// <summary>Source-generated log messages of the RFC 2136 provider. None of them carries the TSIG secret.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "AXFR of zone {Zone} from {Server}: {RecordCount} records in {MessageCount} messages ({SignedCount} signed), {ElapsedMs} ms")]
    public static partial void ZoneTransferred(ILogger logger, string zone, string server, int recordCount, int messageCount, int signedCount, long elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "UPDATE of zone {Zone} on {Server}: batch {Batch} of {BatchCount} applied ({ChangeCount} changes, {RecordCount} records)")]
    public static partial void BatchApplied(ILogger logger, string zone, string server, int batch, int batchCount, int changeCount, int recordCount);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "UPDATE of zone {Zone} on {Server}: batch {Batch} of {BatchCount} failed ({Transient}): {Reason}")]
    public static partial void BatchFailed(ILogger logger, string zone, string server, int batch, int batchCount, string transient, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "UPDATE of zone {Zone} on {Server}: batch {Batch} of {BatchCount} refused with {ResponseCode}: the records changed since they were read; none of its {ChangeCount} changes was applied")]
    public static partial void BatchConflicted(ILogger logger, string zone, string server, int batch, int batchCount, string responseCode, int changeCount);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "endpoint {Endpoint} refused: {Reason}")]
    public static partial void EndpointRejected(ILogger logger, string endpoint, string reason);
}
