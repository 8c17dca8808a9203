using System.Collections.Concurrent;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Registry;

namespace Ccx.Dns.Tests.TestSupport;

/// <summary>
/// A pass-through registry test double over a real provider: remembers which record sets it owns (in memory),
/// attaches the owner label to those when reading, and applies only creates plus updates/deletes of owned records,
/// as a real registry does. Failures and refusals can be injected.
/// </summary>
internal sealed class OwnerLabelRegistry(IDnsProvider provider, string ownerId = "test-owner") : IRegistry
{
    private readonly ConcurrentDictionary<EndpointKey, string> _owners = new();
    private readonly ConcurrentQueue<Exception> _readFailures = new();
    private readonly ConcurrentQueue<Exception> _applyFailures = new();

    public string OwnerId { get; } = ownerId;

    public DomainFilter DomainFilter => provider.DomainFilter;

    public IDnsProvider Provider => provider;

    public int ReadCount;

    public int ApplyCount;

    /// <summary>Endpoints the registry refuses on apply (reported, not forwarded).</summary>
    public Func<DnsEndpoint, string?> Refuse { get; set; } = _ => null;

    /// <summary>Runs before each read (for example to block it).</summary>
    public Func<CancellationToken, Task>? BeforeRead { get; set; }

    public void FailNextReads(params Exception[] failures) => Array.ForEach(failures, _readFailures.Enqueue);

    public void FailNextApplies(params Exception[] failures) => Array.ForEach(failures, _applyFailures.Enqueue);

    /// <summary>Creates records at the provider, owned by <paramref name="owner"/> (null: no owner).</summary>
    public async Task SeedAsync(string? owner, params DnsEndpoint[] records)
    {
        await provider.ApplyChangesAsync(new DnsChanges { Create = records });
        if (owner is not null)
        {
            foreach (var record in records)
            {
                _owners[record.Key] = owner;
            }
        }
    }

    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref ReadCount);
        if (BeforeRead is not null)
        {
            await BeforeRead(cancellationToken);
        }

        if (_readFailures.TryDequeue(out var failure))
        {
            throw failure;
        }

        var records = await provider.GetRecordsAsync(cancellationToken);
        return [.. records.Select(r => _owners.TryGetValue(r.Key, out var owner) ? r.WithLabel(EndpointLabels.OwnerKey, owner) : r)];
    }

    public async Task<RegistryApplyResult> ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref ApplyCount);
        if (_applyFailures.TryDequeue(out var failure))
        {
            throw failure;
        }

        var rejected = new List<RejectedEndpoint>();
        var create = new List<DnsEndpoint>();
        foreach (var record in changes.Create)
        {
            if (Refuse(record) is { } reason)
            {
                rejected.Add(new RejectedEndpoint(record, reason));
            }
            else
            {
                create.Add(record.WithLabel(EndpointLabels.OwnerKey, OwnerId));
            }
        }

        var updateOld = new List<DnsEndpoint>();
        var updateNew = new List<DnsEndpoint>();
        for (var i = 0; i < changes.UpdateOld.Count; i++)
        {
            if (changes.UpdateOld[i].IsOwnedBy(OwnerId))
            {
                updateOld.Add(changes.UpdateOld[i]);
                updateNew.Add(changes.UpdateNew[i]);
            }
        }

        var filtered = new DnsChanges
        {
            Create = create,
            UpdateOld = updateOld,
            UpdateNew = updateNew,
            Delete = [.. changes.Delete.Where(d => d.IsOwnedBy(OwnerId))],
        };
        await provider.ApplyChangesAsync(filtered, cancellationToken);
        foreach (var record in filtered.Create)
        {
            _owners[record.Key] = OwnerId;
        }

        foreach (var record in filtered.Delete)
        {
            _owners.TryRemove(record.Key, out _);
        }

        return new RegistryApplyResult(filtered, rejected);
    }

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => provider.AdjustEndpoints(endpoints);
}
