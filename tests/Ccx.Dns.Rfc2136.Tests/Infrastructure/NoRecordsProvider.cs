using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;

namespace Ccx.Dns.Rfc2136.Tests.Infrastructure;

/// <summary>A provider registered before ours, to check that registration does not replace it.</summary>
public sealed class NoRecordsProvider : IDnsProvider
{
    public DomainFilter DomainFilter => DomainFilter.All;

    public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DnsEndpoint>>([]);

    public Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => endpoints;
}
