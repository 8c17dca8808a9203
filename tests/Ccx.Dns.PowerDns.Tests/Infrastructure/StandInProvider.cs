using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

using Ccx.Dns.Providers;

namespace Ccx.Dns.PowerDns.Tests.Infrastructure;

/// <summary>Another provider, to check that registration does not replace one added earlier.</summary>
internal sealed class StandInProvider : IDnsProvider
{
    public DomainFilter DomainFilter => DomainFilter.All;

    public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DnsEndpoint>>([]);

    public Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => endpoints;
}
