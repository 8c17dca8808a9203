using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Registry.Txt;

/// <summary>Source-generated log messages of the TXT registry (event ids 2100–2199).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Error, Message = "TXT record {Name} has no targets; it is ignored")]
    public static partial void TxtWithoutTargets(ILogger logger, string name);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "A alias record {Name} is owned through the obsolete ownership record {LegacyTxtName}; {TxtName} will be written and the legacy record left in place")]
    public static partial void LegacyAliasOwnership(ILogger logger, string name, string legacyTxtName, string txtName);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Refused {Endpoint}: {Reason}")]
    public static partial void Refused(ILogger logger, Ccx.Dns.Endpoints.DnsEndpoint endpoint, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Ownership of {Endpoint} is not rewritten: {Reason}")]
    public static partial void OwnershipNotWritten(ILogger logger, Ccx.Dns.Endpoints.DnsEndpoint endpoint, string reason);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "Serving {Count} records from the TXT registry cache (read {Age} ago)")]
    public static partial void CacheHit(ILogger logger, int count, TimeSpan age);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "Read {Records} records and {OwnershipRecords} ownership records from the provider")]
    public static partial void ViewRead(ILogger logger, int records, int ownershipRecords);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Applying {RecordChanges} with ownership changes create={TxtCreates} update={TxtUpdates} delete={TxtDeletes}")]
    public static partial void Applying(ILogger logger, Ccx.Dns.Planning.DnsChanges recordChanges, int txtCreates, int txtUpdates, int txtDeletes);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Debug, Message = "The provider failed to apply the changes; the TXT registry view is dropped and will be read again (the caller reports the failure)")]
    public static partial void ApplyFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Debug, Message = "Nothing left to apply after ownership checks")]
    public static partial void NothingToApply(ILogger logger);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Information, Message = "Deleting orphaned ownership record {TxtName}: {OwnedName} {OwnedType} no longer exists")]
    public static partial void DeletingOrphan(ILogger logger, string txtName, string ownedName, string ownedType);
}
