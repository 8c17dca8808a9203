using System.Net;

namespace Ccx.Dns.Providers.Webhook;

/// <summary>
/// A call to the webhook server failed: an error status (5xx and unreachable servers are transient after the retries,
/// 4xx and 3xx permanent), a timeout, an answer that breaks the protocol (wrong content type, malformed JSON, too
/// large), or an apply whose outcome is unknown because the connection dropped before the answer arrived.
/// </summary>
public sealed class ExternalDnsWebhookException : DnsProviderException
{
    /// <summary>Creates a permanent failure with a default message.</summary>
    public ExternalDnsWebhookException()
        : this("the webhook call failed", isTransient: false, statusCode: null)
    {
    }

    /// <summary>Creates a permanent failure.</summary>
    /// <param name="message">What failed.</param>
    public ExternalDnsWebhookException(string message)
        : this(message, isTransient: false, statusCode: null)
    {
    }

    /// <summary>Creates a permanent failure with a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public ExternalDnsWebhookException(string message, Exception innerException)
        : this(message, isTransient: false, statusCode: null, innerException)
    {
    }

    /// <summary>Creates a failure.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="isTransient">Whether trying again may succeed.</param>
    /// <param name="statusCode">The HTTP status the server answered, if it answered.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ExternalDnsWebhookException(string message, bool isTransient, HttpStatusCode? statusCode, Exception? innerException = null)
        : base(message, isTransient, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status the server answered; <see langword="null"/> when no answer arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>
    /// Whether the call was an apply whose outcome is unknown: the request may or may not have been carried out (the
    /// connection dropped, or the call timed out, after the changes were sent). Such a failure is transient and
    /// <see cref="DnsProviderException.IsPartial"/>: the next read of the records decides.
    /// </summary>
    public bool IsOutcomeUnknown { get; init; }
}
