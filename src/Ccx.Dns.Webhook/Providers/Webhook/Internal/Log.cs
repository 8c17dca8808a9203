using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Providers.Webhook.Internal;

/// <summary>The package's source-generated log messages. None carries a request header, a URL's user information or a body.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Negotiated with the ExternalDNS webhook server at {Server}: domain filter {DomainFilter}")]
    public static partial void Negotiated(ILogger logger, string server, Ccx.Dns.Endpoints.DomainFilter domainFilter);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Read {RecordCount} records from the ExternalDNS webhook server")]
    public static partial void RecordsRead(ILogger logger, int recordCount);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Applied changes through the ExternalDNS webhook server: {CreateCount} creates, {UpdateCount} updates, {DeleteCount} deletes")]
    public static partial void Applied(ILogger logger, int createCount, int updateCount, int deleteCount);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Webhook call {Call} failed on try {Attempt} of {MaxAttempts} ({Reason}); trying again in {Delay}")]
    public static partial void Retrying(ILogger logger, string call, int attempt, int maxAttempts, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Webhook call {Call} failed (transient: {IsTransient}): {Reason}")]
    public static partial void CallFailed(ILogger logger, string call, bool isTransient, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "The outcome of the apply through the ExternalDNS webhook server is unknown ({Reason}); the next read of the records decides")]
    public static partial void OutcomeUnknown(ILogger logger, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "The HTTP handler given to the ExternalDNS webhook provider follows redirects: it would send the request headers on to a redirect target before the provider refuses the answer. Set AllowAutoRedirect = false on it")]
    public static partial void HandlerFollowsRedirects(ILogger logger);
}
