using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Route53.Internal;

/// <summary>Source-generated log messages of the Route 53 provider. None of them carries credentials.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Route 53 {Operation} failed with {ErrorCode} (attempt {Attempt}); retrying in {Delay}")]
    public static partial void RetryingRequest(ILogger logger, string operation, string errorCode, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Route 53 {Operation} failed with {ErrorCode} after {Attempt} attempt(s)")]
    public static partial void RequestFailed(ILogger logger, string operation, string errorCode, int attempt);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Route 53: {Count} hosted zone(s) selected")]
    public static partial void ZonesSelected(ILogger logger, int count);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Route 53: no hosted zone serves {Name}; the change is skipped")]
    public static partial void NoZoneForName(ILogger logger, string name);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Route 53: zone {ZoneId} batch of {Count} change(s) applied")]
    public static partial void BatchApplied(ILogger logger, string zoneId, int count);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Route 53: zone {ZoneId} batch of {Groups} record group(s) refused ({ErrorCode}); splitting it to isolate the failing records")]
    public static partial void SplittingBatch(ILogger logger, string zoneId, int groups, string errorCode);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Route 53: zone {ZoneId} refused {Name}: {Reason}")]
    public static partial void RecordRejected(ILogger logger, string zoneId, string name, string reason);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Route 53: invalid value '{Value}' for {Property} on {Name}; {Fallback}")]
    public static partial void InvalidProperty(ILogger logger, string name, string property, string value, string fallback);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Route 53: hosted zone {ZoneId} no longer exists; the zones cache is cleared")]
    public static partial void ZoneVanished(ILogger logger, string zoneId);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Route 53: change {ChangeId} still not INSYNC after {Timeout}")]
    public static partial void InSyncTimeout(ILogger logger, string changeId, TimeSpan timeout);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Route 53: zone {ZoneId} refused {Name} because its records changed since they were read (a conflict; the zone is read again): {Reason}")]
    public static partial void RecordConflict(ILogger logger, string zoneId, string name, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Route 53: zone {ZoneId} batch of {Count} change(s) was refused as a conflict, but the zone already holds exactly what it wanted (an earlier attempt whose answer was lost): counted as applied")]
    public static partial void BatchFoundApplied(ILogger logger, string zoneId, int count);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Route 53: the HTTP handler given to the provider follows redirects; answers it got by following one are refused, but it will already have sent the request elsewhere. Set AllowAutoRedirect = false on it")]
    public static partial void HandlerFollowsRedirects(ILogger logger);
}
