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

    private TaskCompletionSource _readHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Makes reads wait until <see cref="ReleaseReads"/>.</summary>
    public void HoldReads()
    {
        _readHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _readGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Completes when a read is waiting at the gate <see cref="HoldReads"/> set (real-time timeout: 10 s).</summary>
    public Task ReadHeld => _readHeld.Task.WaitAsync(TimeSpan.FromSeconds(10));

    public void ReleaseReads() => _readGate?.TrySetResult();

    /// <summary>Whether a held read takes the inner provider's records before it waits (a read whose answer is already old when it returns).</summary>
    public bool ReadBeforeHold { get; set; }

    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        var early = ReadBeforeHold && _readGate is not null ? await inner.GetRecordsAsync(cancellationToken) : null;
        if (_readGate is { } gate)
        {
            _readHeld.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (early is not null)
        {
            return early;
        }

        if (FailNextRead is { } failure)
        {
            FailNextRead = null;
            throw failure;
        }

        return await inner.GetRecordsAsync(cancellationToken);
    }

    /// <summary>Awaited at the start of every apply, when set.</summary>
    public Func<Task>? BeforeApply { get; set; }

    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        if (BeforeApply is { } before)
        {
            await before();
        }

        Applied.Add(changes);
        if (FailNextApply is { } failure)
        {
            FailNextApply = null;
            throw failure;
        }

        await inner.ApplyChangesAsync(changes, cancellationToken);
    }

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => inner.AdjustEndpoints(endpoints);

    public string? FindZone(string dnsName) => (inner as IZoneAwareDnsProvider)?.FindZone(dnsName);

    public IReadOnlyCollection<string>? KnownZones => (inner as IZoneAwareDnsProvider)?.KnownZones;
}
