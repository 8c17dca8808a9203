using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;

namespace Ccx.Dns.Registry.Noop;

/// <summary>
/// A registry that keeps no ownership (ExternalDNS <c>--registry=noop</c>): records pass through unchanged and
/// <see cref="OwnerId"/> is empty, so the planner manages every record that matches its filters. Use it only for
/// zones that nothing else writes to.
/// </summary>
public sealed class NoopRegistry : IRegistry
{
    private readonly IDnsProvider _provider;

    /// <summary>Creates the registry over a provider.</summary>
    /// <param name="provider">The DNS provider.</param>
    public NoopRegistry(IDnsProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _provider = provider;
    }

    /// <summary>Always empty: no ownership is kept.</summary>
    public string OwnerId => string.Empty;

    /// <inheritdoc />
    public DomainFilter DomainFilter => _provider.DomainFilter;

    /// <inheritdoc />
    public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) =>
        _provider.GetRecordsAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<RegistryApplyResult> ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await _provider.ApplyChangesAsync(changes, cancellationToken).ConfigureAwait(false);
        return RegistryApplyResult.AllApplied(changes);
    }

    /// <inheritdoc />
    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => _provider.AdjustEndpoints(endpoints);
}
