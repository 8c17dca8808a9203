using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Providers;

/// <summary>
/// A provider or registry failure. <see cref="IsTransient"/> tells whether trying again may succeed
/// (throttling, 5xx, timeouts) or not (refused, invalid, unauthorised).
/// </summary>
public class DnsProviderException : Exception
{
    /// <summary>Creates a permanent failure with a default message.</summary>
    public DnsProviderException()
        : this("the DNS provider failed", isTransient: false)
    {
    }

    /// <summary>Creates a permanent failure.</summary>
    /// <param name="message">What failed.</param>
    public DnsProviderException(string message)
        : this(message, isTransient: false)
    {
    }

    /// <summary>Creates a permanent failure with a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public DnsProviderException(string message, Exception innerException)
        : this(message, isTransient: false, innerException)
    {
    }

    /// <summary>Creates a failure.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="isTransient">Whether trying again may succeed.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DnsProviderException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    /// <summary>Whether trying again may succeed.</summary>
    public bool IsTransient { get; }

    /// <summary>
    /// Endpoints the provider refused while applying the rest (a partial apply), each with the reason.
    /// Empty when nothing is known to have been applied.
    /// </summary>
    public IReadOnlyList<RejectedEndpoint> RejectedEndpoints { get; init; } = [];

    /// <summary>Whether some changes were applied before the failure (so cached views must be re-read).</summary>
    public bool IsPartial { get; init; }
}
