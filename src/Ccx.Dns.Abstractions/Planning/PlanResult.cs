using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Planning;

/// <summary>The outcome of a plan calculation.</summary>
public sealed record PlanResult
{
    /// <summary>The changes to apply.</summary>
    public required DnsChanges Changes { get; init; }

    /// <summary>Desired endpoints that were refused (invalid, or discarded by a type conflict), each with a reason.</summary>
    public IReadOnlyList<RejectedEndpoint> Rejected { get; init; } = [];

    /// <summary>Current records at names we want that belong to another owner, so our creates there were suppressed.</summary>
    public IReadOnlyList<OwnerMismatch> OwnerMismatches { get; init; } = [];
}

/// <summary>A current record that blocked a create because another owner (or no owner) holds it.</summary>
/// <param name="Record">The foreign record.</param>
/// <param name="ForeignOwner">Its owner label, empty when it has none.</param>
public sealed record OwnerMismatch(DnsEndpoint Record, string ForeignOwner);
