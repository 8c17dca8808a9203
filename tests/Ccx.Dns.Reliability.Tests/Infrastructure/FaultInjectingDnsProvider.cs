using System.Net.Sockets;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;

namespace Ccx.Dns.Reliability.Tests.Infrastructure;

/// <summary>The faults <see cref="FaultInjectingDnsProvider"/> injects.</summary>
public enum FaultKind
{
    /// <summary>Read failed: HTTP 429/throttling before anything was read.</summary>
    ReadThrottled,

    /// <summary>Read failed: the connection dropped.</summary>
    ReadConnectionDropped,

    /// <summary>Write refused with throttling (transient) before anything was applied.</summary>
    ApplyThrottled,

    /// <summary>Write failed with a 5xx (transient) before anything was applied.</summary>
    ApplyServerError,

    /// <summary>The connection dropped before the request reached the provider (transient, nothing applied).</summary>
    ApplyConnectionDropped,

    /// <summary>The provider applied everything, then the answer timed out (transient; the caller cannot know it applied).</summary>
    ApplyThenTimeout,

    /// <summary>
    /// The ownership part (new and updated ownership records: the registry's write) was applied, then the call failed
    /// before the records themselves (the provider's write) and the ownership deletions were applied.
    /// </summary>
    RegistryWrittenThenFailed,

    /// <summary>The reconciler was cancelled (host shutdown) before the provider applied anything.</summary>
    CancelledBeforeApply,

    /// <summary>The reconciler was cancelled (host shutdown) after the provider applied, before the answer arrived.</summary>
    CancelledAfterApply,
}

/// <summary>
/// Wraps a provider and injects faults at random (seeded) while <see cref="Enabled"/>: transient errors before applying,
/// after applying, between the ownership write and the record write, and cancellation mid-apply. Counts each kind.
/// </summary>
public sealed class FaultInjectingDnsProvider(IDnsProvider inner, Random random) : IDnsProvider
{
    private readonly Dictionary<FaultKind, int> _counts = Enum.GetValues<FaultKind>().ToDictionary(k => k, _ => 0);

    /// <summary>Whether faults are injected at all.</summary>
    public bool Enabled { get; set; }

    /// <summary>Probability of a fault per read.</summary>
    public double ReadFaultRate { get; set; } = 0.1;

    /// <summary>Probability of a fault per write.</summary>
    public double ApplyFaultRate { get; set; } = 0.5;

    /// <summary>Cancels the reconcile in progress (the test's host shutdown); set per reconciler instance.</summary>
    public Action? CancelCurrentRun { get; set; }

    /// <summary>How many faults of each kind were injected.</summary>
    public IReadOnlyDictionary<FaultKind, int> Counts => _counts;

    /// <summary>Calls that reached the inner provider's ApplyChangesAsync.</summary>
    public int InnerApplies { get; private set; }

    public DomainFilter DomainFilter => inner.DomainFilter;

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => inner.AdjustEndpoints(endpoints);

    public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        if (Enabled && random.NextDouble() < ReadFaultRate)
        {
            if (random.Next(2) == 0)
            {
                _counts[FaultKind.ReadThrottled]++;
                throw new DnsProviderException("injected: rate exceeded (HTTP 429) while listing records", isTransient: true);
            }

            _counts[FaultKind.ReadConnectionDropped]++;
            throw new DnsProviderException("injected: connection reset while listing records", isTransient: true, new SocketException((int)SocketError.ConnectionReset));
        }

        return inner.GetRecordsAsync(cancellationToken);
    }

    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (!Enabled || random.NextDouble() >= ApplyFaultRate)
        {
            await ApplyInnerAsync(changes, cancellationToken);
            return;
        }

        var kind = (FaultKind)random.Next((int)FaultKind.ApplyThrottled, (int)FaultKind.CancelledAfterApply + 1);
        _counts[kind]++;
        switch (kind)
        {
            case FaultKind.ApplyThrottled:
                throw new DnsProviderException("injected: Throttling: rate exceeded (HTTP 400/429)", isTransient: true);
            case FaultKind.ApplyServerError:
                throw new DnsProviderException("injected: HTTP 503 Service Unavailable", isTransient: true);
            case FaultKind.ApplyConnectionDropped:
                throw new DnsProviderException("injected: connection refused before sending", isTransient: true, new SocketException((int)SocketError.ConnectionRefused));
            case FaultKind.ApplyThenTimeout:
                await ApplyInnerAsync(changes, cancellationToken);
                throw new DnsProviderException("injected: the request timed out after it was sent; it may have been applied", isTransient: true, new TimeoutException())
                {
                    IsPartial = true,
                };
            case FaultKind.RegistryWrittenThenFailed:
                var ownershipWrites = new DnsChanges
                {
                    Create = [.. changes.Create.Where(IsOwnershipRecord)],
                    UpdateOld = [.. changes.UpdateOld.Where((_, i) => IsOwnershipRecord(changes.UpdateNew[i]))],
                    UpdateNew = [.. changes.UpdateNew.Where(IsOwnershipRecord)],
                };
                if (ownershipWrites.Count > 0)
                {
                    await ApplyInnerAsync(ownershipWrites, cancellationToken);
                }

                throw new DnsProviderException("injected: connection reset after the ownership records were written", isTransient: true, new SocketException((int)SocketError.ConnectionReset))
                {
                    IsPartial = ownershipWrites.Count > 0,
                };
            case FaultKind.CancelledBeforeApply:
                Cancel(cancellationToken);
                break;
            default:
                await ApplyInnerAsync(changes, CancellationToken.None);
                Cancel(cancellationToken);
                break;
        }
    }

    /// <summary>An ownership record the registry wrote: a TXT carrying the owned-record label.</summary>
    public static bool IsOwnershipRecord(DnsEndpoint endpoint) =>
        endpoint.RecordType == RecordType.TXT && endpoint.Labels.ContainsKey(EndpointLabels.OwnedRecordKey);

    private Task ApplyInnerAsync(DnsChanges changes, CancellationToken cancellationToken)
    {
        InnerApplies++;
        return inner.ApplyChangesAsync(changes, cancellationToken);
    }

    private void Cancel(CancellationToken cancellationToken)
    {
        (CancelCurrentRun ?? throw new InvalidOperationException("no run to cancel"))();
        cancellationToken.ThrowIfCancellationRequested();
        throw new InvalidOperationException("cancelling the run did not cancel its token");
    }
}
