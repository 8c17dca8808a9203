using Amazon.DynamoDBv2;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.DynamoDb.Tests.Infrastructure;

/// <summary>
/// A replica's clock: the shared manual clock seen with a wall-clock offset and a rate (1.01 runs 1 % fast). Its
/// timestamps follow the same rate, so elapsed times measured on it drift as a real clock's would.
/// </summary>
public sealed class SkewedClock(ManualTimeProvider inner, TimeSpan offset, double rate) : TimeProvider
{
    private readonly DateTimeOffset _origin = inner.GetUtcNow();

    public TimeSpan Offset => offset;

    public double Rate => rate;

    public override DateTimeOffset GetUtcNow() => _origin + offset + ((inner.GetUtcNow() - _origin) * rate);

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}

/// <summary>
/// A provider decorator whose next apply stalls (a GC pause, a slow server) until released or until the apply's
/// cancellation token fires.
/// </summary>
public sealed class StallingProvider(IDnsProvider inner) : IDnsProvider
{
    private TaskCompletionSource? _gate;
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    /// <summary>Change sets the inner provider applied.</summary>
    public List<DnsChanges> Applied { get; } = [];

    public DomainFilter DomainFilter => inner.DomainFilter;

    public void Arm()
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => _gate?.TrySetResult();

    public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) => inner.GetRecordsAsync(cancellationToken);

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => inner.AdjustEndpoints(endpoints);

    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        if (_gate is { } gate)
        {
            _gate = null;
            _entered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        await inner.ApplyChangesAsync(changes, cancellationToken);
        Applied.Add(changes);
    }
}

/// <summary>
/// One replica with a real <see cref="DynamoDbLeaderLease"/> and a <see cref="DynamoDbRegistry"/> fenced by it (over
/// a stalling decorator of the shared zone), a reconciler gated by the lease, its own DynamoDB client (counting), and
/// its own clock.
/// </summary>
public sealed class FencedReplica : IDisposable
{
    public const string Owner = "cluster";

    public FencedReplica(DynamoDbLocalFixture fixture, string table, string holder, InMemoryDnsProvider zone, TimeProvider clock, Action<DynamoDbLeaderLeaseOptions>? configureLease = null, Action<DnsReconcilerOptions>? configureReconciler = null)
    {
        Client = fixture.NewClient(Handler);
        var leaseOptions = new DynamoDbLeaderLeaseOptions { TableName = table, LeaseName = "cluster", HolderId = holder, Duration = TimeSpan.FromSeconds(15), RenewInterval = TimeSpan.FromSeconds(5) };
        configureLease?.Invoke(leaseOptions);
        Lease = new DynamoDbLeaderLease(Client, leaseOptions, clock);
        Provider = new StallingProvider(zone);
        Registry = new DynamoDbRegistry(Provider, Client, new DynamoDbRegistryOptions { TableName = table, OwnerId = Owner }, Lease, clock);
        var reconcilerOptions = new DnsReconcilerOptions();
        configureReconciler?.Invoke(reconcilerOptions);
        Reconciler = new DnsReconciler([Source], Registry, Microsoft.Extensions.Options.Options.Create(reconcilerOptions), clock, NullLogger<DnsReconciler>.Instance, lease: Lease);
    }

    public CountingHandler Handler { get; } = new();

    public AmazonDynamoDBClient Client { get; }

    public DynamoDbLeaderLease Lease { get; }

    public StallingProvider Provider { get; }

    public DynamoDbRegistry Registry { get; }

    public ProgrammaticEndpointSource Source { get; } = new();

    public DnsReconciler Reconciler { get; }

    public void Dispose()
    {
        Reconciler.Dispose();
        Registry.Dispose();
        Lease.Dispose();
        Client.Dispose();
        Handler.Dispose();
    }
}
