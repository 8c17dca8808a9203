using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Planning;

/// <summary>Everything the planner needs for one calculation.</summary>
public sealed record PlanInput
{
    /// <summary>The current records, read through the registry (with ownership labels).</summary>
    public required IReadOnlyList<DnsEndpoint> Current { get; init; }

    /// <summary>The desired endpoints, after the provider's <c>AdjustEndpoints</c>.</summary>
    public required IReadOnlyList<DnsEndpoint> Desired { get; init; }

    /// <summary>Policies applied in order to the calculated changes. <value>The default is none (full sync).</value></summary>
    public IReadOnlyList<IPlanPolicy> Policies { get; init; } = [];

    /// <summary>Filters a name must match, all of them, to be planned. <value>The default is none (every name).</value></summary>
    public IReadOnlyList<DomainFilter> DomainFilters { get; init; } = [];

    /// <summary>Record types the planner manages. <value>The default is A, AAAA and CNAME.</value></summary>
    public IReadOnlyCollection<RecordType> ManagedRecordTypes { get; init; } = RecordType.DefaultManaged;

    /// <summary>Record types excluded even when listed as managed. <value>The default is none.</value></summary>
    public IReadOnlyCollection<RecordType> ExcludedRecordTypes { get; init; } = [];

    /// <summary>The owner id; empty disables ownership checks (noop registry). <value>The default is empty.</value></summary>
    public string OwnerId { get; init; } = string.Empty;

    /// <summary>A previous owner id whose records are migrated to <see cref="OwnerId"/>. <value>The default is empty.</value></summary>
    public string OldOwnerId { get; init; } = string.Empty;
}
