using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;

namespace Ccx.Dns.Tests.TestDoubles;

/// <summary>
/// Wraps a real provider: records every change set it is given, can hold reads until released, and can be told
/// to fail the next apply or read.
/// </summary>
internal sealed class RecordingDnsProvider(IDnsProvider inner) : IZoneAwareDnsProvider
{
    private TaskCompletionSource? _readGate;

    public List<DnsChanges> Applied { get; } = [];

    public Exception? FailNextApply { get; set; }

    public Exception? FailNextRead { get; set; }

    public DomainFilter DomainFilter => inner.DomainFilter;

    /// <summary>Makes reads wait until <see cref="ReleaseReads"/>.</summary>
    public void HoldReads() => _readGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseReads() => _readGate?.TrySetResult();

    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        if (_readGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (FailNextRead is { } failure)
        {
            FailNextRead = null;
            throw failure;
        }

        return await inner.GetRecordsAsync(cancellationToken);
    }

    public Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        Applied.Add(changes);
        if (FailNextApply is { } failure)
        {
            FailNextApply = null;
            throw failure;
        }

        return inner.ApplyChangesAsync(changes, cancellationToken);
    }

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => inner.AdjustEndpoints(endpoints);

    public string? FindZone(string dnsName) => (inner as IZoneAwareDnsProvider)?.FindZone(dnsName);

    public IReadOnlyCollection<string>? KnownZones => (inner as IZoneAwareDnsProvider)?.KnownZones;
}
