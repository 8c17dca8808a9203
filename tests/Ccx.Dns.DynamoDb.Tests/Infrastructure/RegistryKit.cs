using Amazon.DynamoDBv2;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Registry;

namespace Ccx.Dns.DynamoDb.Tests.Infrastructure;

/// <summary>
/// A <see cref="DynamoDbRegistry"/> over the real in-memory provider (zone example.org, behind a fault-injecting
/// decorator), talking to DynamoDB Local through a counting handler, on a manual clock.
/// </summary>
public sealed class RegistryKit : IDisposable
{
    public const string Zone = "example.org";

    public RegistryKit(DynamoDbLocalFixture fixture, string table, string ownerId = "owner-a", Action<DynamoDbRegistryOptions>? configure = null, InMemoryDnsProvider? provider = null, ManualTimeProvider? clock = null)
    {
        Fixture = fixture;
        Table = table;
        Provider = provider ?? new InMemoryDnsProvider([Zone]);
        Faulty = new FaultInjectingProvider(Provider);
        Client = fixture.NewClient(Handler);
        Clock = clock ?? new ManualTimeProvider();
        Options = new DynamoDbRegistryOptions { TableName = table, OwnerId = ownerId };
        configure?.Invoke(Options);
        Registry = new DynamoDbRegistry(Faulty, Client, Options, Clock, Logger);
    }

    public DynamoDbLocalFixture Fixture { get; }

    public string Table { get; }

    public InMemoryDnsProvider Provider { get; }

    public FaultInjectingProvider Faulty { get; }

    public CountingHandler Handler { get; } = new();

    public AmazonDynamoDBClient Client { get; }

    public ManualTimeProvider Clock { get; }

    public DynamoDbRegistryOptions Options { get; }

    public CapturingLogger<DynamoDbRegistry> Logger { get; } = new();

    public DynamoDbRegistry Registry { get; }

    public static DnsEndpoint A(string name, string ip, string? resource = null)
    {
        var endpoint = new DnsEndpoint(name.Contains('.') ? name : $"{name}.{Zone}", RecordType.A, ip);
        return resource is null ? endpoint : endpoint.WithLabel(EndpointLabels.ResourceKey, resource);
    }

    /// <summary>One reconcile by hand: read through the registry, plan (sync policy), apply when there are changes.</summary>
    public async Task<(DnsChanges Planned, RegistryApplyResult? Result)> ReconcileAsync(IEnumerable<DnsEndpoint> desired, params RecordType[] managed)
    {
        var current = await Registry.GetRecordsAsync();
        var plan = Planner.Instance.Calculate(new PlanInput
        {
            Current = current,
            Desired = Registry.AdjustEndpoints([.. desired]),
            Policies = [SyncPolicy.Instance],
            ManagedRecordTypes = managed.Length == 0 ? RecordType.DefaultManaged : managed,
            OwnerId = Registry.OwnerId,
        });
        if (!plan.Changes.HasChanges)
        {
            return (plan.Changes, null);
        }

        return (plan.Changes, await Registry.ApplyChangesAsync(plan.Changes));
    }

    /// <summary>The zone's records as the provider holds them, as "name TYPE targets" lines, sorted.</summary>
    public IReadOnlyList<string> Records() =>
        [.. Provider.GetZoneRecords(Zone).Select(r => $"{r.DnsName} {r.RecordType} {string.Join(",", r.Targets)}").Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        Registry.Dispose();
        Client.Dispose();
        Handler.Dispose();
    }
}
