using System.Collections.Concurrent;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;

namespace Ccx.Dns.Reliability.Tests.Infrastructure;

/// <summary>One record set a writer changed: its key and what it did.</summary>
public sealed record RecordedWrite(string Writer, EndpointKey Key, string Operation, bool Applied);

/// <summary>Passes every call through and records every record set each write touched, applied or refused, under the writer's name.</summary>
public sealed class RecordingDnsProvider(IDnsProvider inner, string writer, ConcurrentQueue<RecordedWrite> log) : IDnsProvider
{
    public DomainFilter DomainFilter => inner.DomainFilter;

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => inner.AdjustEndpoints(endpoints);

    public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) => inner.GetRecordsAsync(cancellationToken);

    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var applied = false;
        try
        {
            await inner.ApplyChangesAsync(changes, cancellationToken);
            applied = true;
        }
        finally
        {
            // A failed call may still have applied part of it (IsPartial), so it is recorded as not known applied.
            foreach (var e in changes.Create)
            {
                log.Enqueue(new RecordedWrite(writer, e.Key, "create", applied));
            }

            foreach (var e in changes.UpdateOld)
            {
                log.Enqueue(new RecordedWrite(writer, e.Key, "update", applied));
            }

            foreach (var e in changes.UpdateNew)
            {
                log.Enqueue(new RecordedWrite(writer, e.Key, "update", applied));
            }

            foreach (var e in changes.Delete)
            {
                log.Enqueue(new RecordedWrite(writer, e.Key, "delete", applied));
            }
        }
    }
}
