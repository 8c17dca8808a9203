using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Sources;

/// <summary>A source of desired endpoints, which signals when they change.</summary>
public interface IEndpointSource
{
    /// <summary>Raised when the desired endpoints may have changed; the reconciler then runs at once (debounced).</summary>
    event EventHandler? Changed;

    /// <summary>Reads the desired endpoints.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The desired endpoints.</returns>
    Task<IReadOnlyList<DnsEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default);
}
