namespace Ccx.Dns.Endpoints;

/// <summary>
/// Identifies a record set: normalised name (lower-case ASCII, no trailing dot), record type and set identifier.
/// </summary>
public readonly record struct EndpointKey
{
    /// <summary>Creates a key, normalising the name.</summary>
    /// <param name="dnsName">The DNS name.</param>
    /// <param name="recordType">The record type.</param>
    /// <param name="setIdentifier">The set identifier, empty when none.</param>
    public EndpointKey(string dnsName, RecordType recordType, string? setIdentifier = null)
    {
        DnsName = DnsNames.Normalize(dnsName);
        RecordType = recordType;
        SetIdentifier = setIdentifier ?? string.Empty;
    }

    /// <summary>The normalised name.</summary>
    public string DnsName { get; }

    /// <summary>The record type.</summary>
    public RecordType RecordType { get; }

    /// <summary>The set identifier (case-sensitive), empty when none.</summary>
    public string SetIdentifier { get; }

    /// <summary>The ExternalDNS DynamoDB key form <c>name#TYPE#setIdentifier</c>.</summary>
    /// <returns>The key text.</returns>
    public override string ToString() => $"{DnsName}#{RecordType}#{SetIdentifier}";
}
