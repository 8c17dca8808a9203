using System.Net;
using Ccx.Dns.Providers;

namespace Ccx.Dns.Route53;

/// <summary>
/// A Route 53 API error: the error code and messages from either error layout (<c>ErrorResponse/Error</c> or the
/// <c>InvalidChangeBatch/Messages</c> root), or the HTTP status when the body is not XML. Never carries request
/// headers, so credentials cannot leak through it. Throttling, <c>PriorRequestNotComplete</c>, 5xx, 429 and
/// network failures are transient; everything else is permanent.
/// </summary>
public sealed class Route53ApiException : DnsProviderException
{
    internal Route53ApiException(string operation, HttpStatusCode? statusCode, string errorCode, IReadOnlyList<string> messages, Exception? innerException = null)
        : base(Describe(operation, statusCode, errorCode, messages), IsRetryableError(statusCode, errorCode), innerException)
    {
        Operation = operation;
        StatusCode = statusCode;
        ErrorCode = errorCode;
        Messages = messages;
    }

    /// <summary>The API operation, for example <c>ChangeResourceRecordSets</c>.</summary>
    public string Operation { get; }

    /// <summary>The HTTP status, or <see langword="null"/> when no response arrived (network failure, timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The Route 53 error code, for example <c>InvalidChangeBatch</c> or <c>Throttling</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>The error messages (several for <c>InvalidChangeBatch</c>).</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>
    /// Whether an earlier attempt of the same call went unanswered (network failure, timeout, 5xx) and so may have been
    /// applied: a refusal of the retry may then be the echo of our own write.
    /// </summary>
    internal bool EarlierAttemptUnanswered { get; set; }

    /// <summary>Whether the error is about the content of a change batch, so that splitting the batch can isolate it.</summary>
    internal bool IsBatchContentError => ErrorCode is Route53ErrorCodes.InvalidChangeBatch or Route53ErrorCodes.InvalidInput or Route53ErrorCodes.NoSuchHealthCheck;

    /// <summary>Throttling, PriorRequestNotComplete, 5xx, 429 and network failures are retried; everything else is permanent.</summary>
    internal static bool IsRetryableError(HttpStatusCode? statusCode, string errorCode) =>
        statusCode is null
        || (int)statusCode.Value >= 500
        || statusCode.Value == HttpStatusCode.TooManyRequests
        || errorCode is Route53ErrorCodes.Throttling or Route53ErrorCodes.ThrottlingException
            or Route53ErrorCodes.PriorRequestNotComplete or Route53ErrorCodes.RequestLimitExceeded;

    private static string Describe(string operation, HttpStatusCode? statusCode, string errorCode, IReadOnlyList<string> messages)
    {
        var status = statusCode is null ? "no response" : $"HTTP {(int)statusCode.Value}";
        var text = messages.Count == 0 ? string.Empty : ": " + string.Join("; ", messages);
        return $"Route 53 {operation} failed ({status}, {errorCode}){text}";
    }
}

/// <summary>Route 53 error codes the provider acts on.</summary>
internal static class Route53ErrorCodes
{
    public const string InvalidChangeBatch = "InvalidChangeBatch";
    public const string InvalidInput = "InvalidInput";
    public const string NoSuchHealthCheck = "NoSuchHealthCheck";
    public const string NoSuchHostedZone = "NoSuchHostedZone";
    public const string Throttling = "Throttling";
    public const string ThrottlingException = "ThrottlingException";
    public const string PriorRequestNotComplete = "PriorRequestNotComplete";
    public const string RequestLimitExceeded = "RequestLimitExceeded";
    public const string NetworkFailure = "NetworkFailure";
    public const string Timeout = "Timeout";
    public const string Redirect = "Redirect";
    public const string RedirectFollowed = "RedirectFollowed";
}
