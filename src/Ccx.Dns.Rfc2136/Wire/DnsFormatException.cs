namespace Ccx.Dns.Rfc2136.Wire;

/// <summary>
/// A DNS message, name or record could not be encoded or decoded: it is truncated, has a bad compression
/// pointer, a label longer than 63 bytes, a name longer than 255 bytes, or otherwise breaks RFC 1035.
/// This is the only exception the codec throws for bad input.
/// </summary>
public sealed class DnsFormatException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public DnsFormatException()
        : base("malformed DNS message")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public DnsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DnsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
