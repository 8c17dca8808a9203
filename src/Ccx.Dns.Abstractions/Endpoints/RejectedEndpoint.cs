namespace Ccx.Dns.Endpoints;

/// <summary>A desired or applied endpoint that was refused, with the reason.</summary>
/// <param name="Endpoint">The endpoint that was refused.</param>
/// <param name="Reason">Why it was refused, in words an operator can act on.</param>
public sealed record RejectedEndpoint(DnsEndpoint Endpoint, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Endpoint}: {Reason}";
}
