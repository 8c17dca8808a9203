using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Hosting.Webhook.Internal;

/// <summary>The package's source-generated log messages. None carries a request body or header.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Serving {Provider} over the ExternalDNS webhook protocol; remote clients allowed: {AllowRemote}")]
    public static partial void Serving(ILogger logger, Ccx.Dns.Providers.IDnsProvider provider, bool allowRemote);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Webhook {Call} answered {StatusCode}: {Reason}")]
    public static partial void Refused(ILogger logger, string call, int statusCode, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Webhook {Call}: the DNS provider failed (transient: {IsTransient}, partial: {IsPartial}); answered {StatusCode}: {Reason}")]
    public static partial void ProviderFailed(ILogger logger, string call, bool isTransient, bool isPartial, int statusCode, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Webhook {Call}: unexpected failure; answered 500")]
    public static partial void UnexpectedFailure(ILogger logger, string call, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Webhook apply: {CreateCount} creates, {UpdateCount} updates, {DeleteCount} deletes applied")]
    public static partial void Applied(ILogger logger, int createCount, int updateCount, int deleteCount);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Webhook {Call} refused for the remote client {RemoteAddress}: only loopback clients are served (AllowRemoteClients is off)")]
    public static partial void RemoteRefused(ILogger logger, string call, string remoteAddress);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Webhook {Call}: the client went away before the answer")]
    public static partial void ClientGone(ILogger logger, string call);
}
