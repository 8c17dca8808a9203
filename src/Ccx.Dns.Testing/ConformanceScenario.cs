using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Testing;

/// <summary>
/// A named sequence of desired states, each applied through the reconciler and verified against the live provider.
/// Runs wherever every requirement is met by the provider's declared capabilities.
/// </summary>
public sealed record ConformanceScenario
{
    /// <summary>A short, unique, stable name (<c>txt-long</c>); used for test names and zone labels.</summary>
    public required string Name { get; init; }

    /// <summary>What the scenario proves.</summary>
    public required string Description { get; init; }

    /// <summary>The steps, applied in order.</summary>
    public required IReadOnlyList<ConformanceStep> Steps { get; init; }

    /// <summary>The capabilities the scenario needs. <value>The default is none.</value></summary>
    public IReadOnlyList<ConformanceRequirement> Requirements { get; init; } = [];

    /// <summary>
    /// Records another owner creates (through its own reconciler and registry) before the first step; the runner
    /// checks they and their ownership records are byte-identical after every step. <value>The default is none.</value>
    /// </summary>
    public Func<ConformanceZone, IReadOnlyList<DnsEndpoint>> ForeignOwned { get; init; } = static _ => [];

    /// <summary>
    /// Records written straight to the provider, with no ownership at all, before the first step; the runner checks
    /// they are untouched after every step. <value>The default is none.</value>
    /// </summary>
    public Func<ConformanceZone, IReadOnlyList<DnsEndpoint>> Unowned { get; init; } = static _ => [];

    /// <summary>The first requirement <paramref name="capabilities"/> does not meet, or <see langword="null"/> when the scenario can run.</summary>
    /// <param name="capabilities">The provider's declaration.</param>
    /// <returns>The unmet requirement, or <see langword="null"/>.</returns>
    public ConformanceRequirement? FindUnmetRequirement(DnsProviderCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        return Requirements.FirstOrDefault(r => !r.IsMet(capabilities));
    }

    /// <summary>The record types the scenario's steps and seeds use.</summary>
    /// <param name="zone">Any zone.</param>
    /// <returns>The distinct types.</returns>
    public IReadOnlyList<RecordType> RecordTypesUsed(ConformanceZone zone) =>
        [.. Steps.SelectMany(s => s.Desired(zone)).Concat(ForeignOwned(zone)).Concat(Unowned(zone)).Select(e => e.RecordType).Distinct().Order()];

    /// <summary>Whether any step or seed writes a record at the zone apex.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns><see langword="true"/> when the apex is written.</returns>
    public bool WritesApex(ConformanceZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return Steps.SelectMany(s => s.Desired(zone)).Concat(ForeignOwned(zone)).Concat(Unowned(zone)).Any(e => DnsNames.AreEqual(e.DnsName, zone.Name));
    }

    /// <summary>Whether any step or seed writes a wildcard name.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns><see langword="true"/> when a wildcard is written.</returns>
    public bool WritesWildcard(ConformanceZone zone) =>
        Steps.SelectMany(s => s.Desired(zone)).Concat(ForeignOwned(zone)).Concat(Unowned(zone)).Any(e => e.DnsName.StartsWith("*.", StringComparison.Ordinal));

    /// <inheritdoc />
    public override string ToString() => Name;
}
