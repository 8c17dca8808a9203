using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Registry;

/// <summary>
/// Keeps record ownership: reads the provider's records with ownership labels attached, and applies changes
/// while writing ownership, never touching records another owner holds.
/// </summary>
public interface IRegistry
{
    /// <summary>The owner id; empty for a registry that keeps no ownership.</summary>
    string OwnerId { get; }

    /// <summary>The provider's domain filter.</summary>
    DomainFilter DomainFilter { get; }

    /// <summary>Reads the provider's records with ownership labels attached; ownership records themselves are not returned.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    /// <exception cref="Providers.DnsProviderException">The provider or the ownership store failed.</exception>
    Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes ownership and forwards the record changes to the provider.</summary>
    /// <param name="changes">The planned changes.</param>
    /// <param name="cancellationToken">Cancels the apply.</param>
    /// <returns>What was applied and what was refused, with reasons.</returns>
    /// <exception cref="Providers.DnsProviderException">The provider or the ownership store failed.</exception>
    Task<RegistryApplyResult> ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default);

    /// <summary>Delegates to the provider's <see cref="Providers.IDnsProvider.AdjustEndpoints"/>.</summary>
    /// <param name="endpoints">The desired endpoints.</param>
    /// <returns>The adjusted endpoints.</returns>
    IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints);
}
