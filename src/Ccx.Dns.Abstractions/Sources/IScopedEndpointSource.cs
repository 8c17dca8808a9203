using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Sources;

/// <summary>
/// A source that can read the desired endpoints of a few names without producing all of them, so that a targeted
/// reconcile costs O(changed names) instead of O(zone). Such a source should also name what changed in its
/// <see cref="IEndpointSource.Changed"/> signal (<see cref="EndpointsChangedEventArgs"/>).
/// </summary>
public interface IScopedEndpointSource : IEndpointSource
{
    /// <summary>Reads the desired endpoints at the given names.</summary>
    /// <param name="names">Normalised names (<see cref="DnsNames.Normalize"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Every endpoint whose normalised name is one of <paramref name="names"/> — exactly those a full
    /// <see cref="IEndpointSource.GetEndpointsAsync"/> would return for them at this moment — and how many endpoints a
    /// full read would return.</returns>
    Task<ScopedEndpoints> GetEndpointsAsync(IReadOnlySet<string> names, CancellationToken cancellationToken = default);
}

/// <summary>What a scoped read of a source returns.</summary>
/// <param name="Endpoints">The endpoints at the names asked for.</param>
/// <param name="TotalCount">How many endpoints a full read would return now (the safety guard's empty-source check uses it).</param>
public sealed record ScopedEndpoints(IReadOnlyList<DnsEndpoint> Endpoints, int TotalCount);
