using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Testing;

/// <summary>
/// One step of a scenario: a whole desired state. The runner reconciles it, then re-plans against the live
/// provider and requires zero changes.
/// </summary>
public sealed record ConformanceStep
{
    /// <summary>Creates a step.</summary>
    /// <param name="description">What the step does, for failure messages.</param>
    /// <param name="desired">The desired endpoints in a zone (the whole desired state, not a delta).</param>
    public ConformanceStep(string description, Func<ConformanceZone, IReadOnlyList<DnsEndpoint>> desired)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(desired);
        Description = description;
        Desired = desired;
    }

    /// <summary>What the step does.</summary>
    public string Description { get; }

    /// <summary>The desired endpoints in a zone.</summary>
    public Func<ConformanceZone, IReadOnlyList<DnsEndpoint>> Desired { get; }

    /// <summary>
    /// Desired endpoints that must NOT be applied (they collide with a record someone else owns); the runner checks
    /// the live record at each of these keys is untouched instead. <value>The default is none.</value>
    /// </summary>
    public Func<ConformanceZone, IReadOnlyList<EndpointKey>> Blocked { get; init; } = static _ => [];

    /// <inheritdoc />
    public override string ToString() => Description;
}
