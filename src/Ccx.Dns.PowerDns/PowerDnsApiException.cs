using System.Net;
using Ccx.Dns.Providers;

namespace Ccx.Dns.PowerDns;

/// <summary>
/// A failed PowerDNS API call. <see cref="DnsProviderException.IsTransient"/> is true for timeouts, connection
/// failures, HTTP 5xx, 408 and 429; false for the other 4xx answers (422 validation errors, 401 wrong key, 404 unknown
/// zone). The message carries PowerDNS's own reason and never the API key.
/// </summary>
public sealed class PowerDnsApiException : DnsProviderException
{
    /// <summary>Creates a permanent failure with a default message.</summary>
    public PowerDnsApiException()
        : this("the PowerDNS API call failed")
    {
    }

    /// <summary>Creates a permanent failure.</summary>
    /// <param name="message">What failed.</param>
    public PowerDnsApiException(string message)
        : base(message, isTransient: false)
    {
    }

    /// <summary>Creates a permanent failure with a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public PowerDnsApiException(string message, Exception innerException)
        : base(message, isTransient: false, innerException)
    {
    }

    /// <summary>Creates a failure.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="isTransient">Whether trying again may succeed.</param>
    /// <param name="statusCode">The HTTP status, when a response arrived.</param>
    /// <param name="serverError">PowerDNS's error text, when it sent one.</param>
    /// <param name="innerException">The cause, if any.</param>
    public PowerDnsApiException(string message, bool isTransient, HttpStatusCode? statusCode, string? serverError, Exception? innerException = null)
        : base(message, isTransient, innerException)
    {
        StatusCode = statusCode;
        ServerError = serverError;
    }

    /// <summary>The HTTP status of the response; <see langword="null"/> when none arrived (connection failure, timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>PowerDNS's error text (its JSON <c>error</c> field), when it sent one.</summary>
    public string? ServerError { get; }
}
