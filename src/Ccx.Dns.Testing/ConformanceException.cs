namespace Ccx.Dns.Testing;

/// <summary>A provider failed a conformance scenario; the message says which target, scenario and step, and what differed.</summary>
public sealed class ConformanceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConformanceException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public ConformanceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public ConformanceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
