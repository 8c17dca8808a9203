using System.Collections.Concurrent;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Registry;

namespace Ccx.Dns.Samples.Failover;

/// <summary>
/// A stand-in registry for this sample that keeps ownership in process memory: it labels the records it created
/// as its own and only updates or deletes those. The library's TXT registry (<c>.AddTxtRegistry()</c>) replaces it
/// and keeps ownership in the zone itself, ExternalDNS-compatible.
/// </summary>
internal sealed class InMemoryOwnershipRegistry(IDnsProvider provider, string ownerId) : IRegistry
{
    private readonly ConcurrentDictionary<EndpointKey, bool> _owned = new();

    public string OwnerId => ownerId;

    public DomainFilter DomainFilter => provider.DomainFilter;

    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        var records = await provider.GetRecordsAsync(cancellationToken);
        return [.. records.Select(r => _owned.ContainsKey(r.Key) ? r.WithLabel(EndpointLabels.OwnerKey, ownerId) : r)];
    }

    public async Task<RegistryApplyResult> ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        var owned = new List<int>();
        for (var i = 0; i < changes.UpdateOld.Count; i++)
        {
            if (changes.UpdateOld[i].IsOwnedBy(ownerId))
            {
                owned.Add(i);
            }
        }

        var filtered = new DnsChanges
        {
            Create = [.. changes.Create.Select(c => c.WithLabel(EndpointLabels.OwnerKey, ownerId))],
            UpdateOld = [.. owned.Select(i => changes.UpdateOld[i])],
            UpdateNew = [.. owned.Select(i => changes.UpdateNew[i])],
            Delete = [.. changes.Delete.Where(d => d.IsOwnedBy(ownerId))],
        };
        await provider.ApplyChangesAsync(filtered, cancellationToken);
        foreach (var created in filtered.Create)
        {
            _owned[created.Key] = true;
        }

        foreach (var deleted in filtered.Delete)
        {
            _owned.TryRemove(deleted.Key, out _);
        }

        return RegistryApplyResult.AllApplied(filtered);
    }

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => provider.AdjustEndpoints(endpoints);
}
