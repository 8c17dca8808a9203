using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Registry;

/// <summary>What a registry applied, and what it refused with reasons.</summary>
/// <param name="Applied">The record changes forwarded to the provider (ownership records excluded).</param>
/// <param name="Rejected">Endpoints refused, for example an ownership name that would exceed DNS limits.</param>
public sealed record RegistryApplyResult(DnsChanges Applied, IReadOnlyList<RejectedEndpoint> Rejected)
{
    /// <summary>A result for when everything was applied.</summary>
    /// <param name="applied">The changes applied.</param>
    /// <returns>The result.</returns>
    public static RegistryApplyResult AllApplied(DnsChanges applied) => new(applied, []);
}
