using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Providers.Caching;

/// <summary>Source-generated log messages of the caching provider decorator (event ids 2200–2299).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "Serving {Count} records from the provider cache (read {Age} ago)")]
    public static partial void CacheHit(ILogger logger, int count, TimeSpan age);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Debug, Message = "Reading the records from the provider")]
    public static partial void Reading(ILogger logger);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Debug, Message = "No changes to apply; the provider is not called")]
    public static partial void NoChanges(ILogger logger);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Debug, Message = "Patched the cached records with the applied changes ({Changes})")]
    public static partial void Patched(ILogger logger, Ccx.Dns.Planning.DnsChanges changes);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Debug, Message = "The provider failed; the cached records are dropped and will be read again (the caller reports the failure)")]
    public static partial void Dropped(ILogger logger, Exception exception);
}
