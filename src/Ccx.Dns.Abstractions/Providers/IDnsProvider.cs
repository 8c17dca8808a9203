using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Providers;

/// <summary>A DNS provider: reads the records of its zones and applies changes to them.</summary>
public interface IDnsProvider
{
    /// <summary>The names this provider serves; names outside it are never planned.</summary>
    DomainFilter DomainFilter { get; }

    /// <summary>Reads every record in the provider's zones, ownership TXT records included.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    /// <exception cref="DnsProviderException">The provider failed.</exception>
    Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies changes. On failure nothing is assumed applied unless the exception says otherwise.</summary>
    /// <param name="changes">The changes.</param>
    /// <param name="cancellationToken">Cancels the apply.</param>
    /// <returns>A task that completes when the changes are applied.</returns>
    /// <exception cref="DnsProviderException">The provider refused or failed.</exception>
    Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Canonicalises desired endpoints before planning (provider defaults, alias rewrites, provider-specific
    /// properties) so that they compare equal to what <see cref="GetRecordsAsync"/> returns.
    /// </summary>
    /// <param name="endpoints">The desired endpoints.</param>
    /// <returns>The adjusted endpoints.</returns>
    IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints);
}
