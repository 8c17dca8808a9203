using Amazon.DynamoDBv2;
using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Ccx.Dns.DynamoDb.Tests.Infrastructure.RegistryKit;

namespace Ccx.Dns.DynamoDb.Tests;

/// <summary>Two hosts (the reconciler's hosted service, DynamoDB registry and lease from DI) over one zone and table.</summary>
[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbLeaderElectionHostingTests(DynamoDbLocalFixture fixture)
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Renew = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task HostedService_TwoReplicas_OnlyTheLeaderAppliesAndTheStandbyTakesOverAfterItStops()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var zone = new InMemoryDnsProvider([Zone]);
        var first = new ReplicaHost(fixture, table, "replica-1", zone, clock);
        var second = new ReplicaHost(fixture, table, "replica-2", zone, clock);
        try
        {
            first.Source.ReplaceAll([A("r0", "192.0.2.1")]);
            second.Source.ReplaceAll([A("r0", "192.0.2.1")]);
            await first.Host.StartAsync();
            await second.Host.StartAsync();
            await WaitUntilAsync(() => zone.GetZoneRecords(Zone).Count == 1, clock);

            var leader = first.Provider.Applied.Count > 0 ? first : second;
            var standby = ReferenceEquals(leader, first) ? second : first;
            for (var round = 1; round <= 3; round++)
            {
                List<DnsEndpoint> desired = [.. Enumerable.Range(0, round + 1).Select(i => A($"r{i}", "192.0.2.1"))];
                leader.Source.ReplaceAll(desired);
                standby.Source.ReplaceAll(desired);
                await WaitUntilAsync(() => zone.GetZoneRecords(Zone).Count == round + 1, clock);
            }

            Assert.Empty(standby.Provider.Applied);
            Assert.Equal(4, leader.Provider.Applied.Sum(c => c.Create.Count));

            // The leader stops without releasing (as a crash would). The standby applies within one lease duration
            // (plus its renew interval, the pace at which it tries).
            await leader.Host.StopAsync();
            var stoppedAt = clock.GetUtcNow();
            standby.Source.Upsert(A("after", "192.0.2.2"));
            await WaitUntilAsync(() => zone.GetZoneRecords(Zone).Count == 5, clock);

            Assert.InRange(clock.GetUtcNow() - stoppedAt, TimeSpan.Zero, Duration + Renew);
            Assert.Equal("after.example.org", Assert.Single(standby.Provider.Applied.SelectMany(c => c.Create)).DnsName);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }

    /// <summary>
    /// Advances the fake clock a second at a time until the condition holds (real-time limit 60 s). Each fake second
    /// leaves 100 ms of real time for the replicas' DynamoDB round trips: with less, a loaded machine lets fake time
    /// outrun them, every apply window closes before its write returns, and the takeover bound is missed for a reason
    /// that has nothing to do with the lease.
    /// </summary>
    private static Task WaitUntilAsync(Func<bool> condition, ManualTimeProvider clock) => Eventually.TrueAsync(
        async () =>
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(100);
            clock.Advance(TimeSpan.FromSeconds(1));
            return false;
        },
        "the condition, one fake second per 100 ms of real time",
        TimeSpan.FromSeconds(60),
        TimeSpan.Zero);

    private sealed class ReplicaHost : IAsyncDisposable
    {
        private readonly AmazonDynamoDBClient _client;

        public ReplicaHost(DynamoDbLocalFixture fixture, string table, string holder, InMemoryDnsProvider zone, ManualTimeProvider clock)
        {
            _client = fixture.NewClient();
            Provider = new FaultInjectingProvider(zone);
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddSingleton<IAmazonDynamoDB>(_client);
            builder.Services.AddSingleton<IDnsProvider>(Provider);
            builder.Services.AddDnsReconciler(o =>
                {
                    o.Interval = TimeSpan.FromSeconds(10);
                    o.MinEventSyncInterval = TimeSpan.FromSeconds(1);
                    o.LeaseRenewInterval = Renew;
                })
                .AddSource(_ => Source)
                .AddDynamoDbRegistry(o =>
                {
                    o.TableName = table;
                    o.OwnerId = "cluster";
                })
                .AddDynamoDbLeaderElection(o =>
                {
                    o.TableName = table;
                    o.LeaseName = "cluster";
                    o.HolderId = holder;
                    o.Duration = Duration;
                    o.RenewInterval = Renew;
                });
            Host = builder.Build();
        }

        public ProgrammaticEndpointSource Source { get; } = new();

        public FaultInjectingProvider Provider { get; }

        public IHost Host { get; }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Host.StopAsync();
            }
            catch (OperationCanceledException)
            {
            }

            if (Host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }

            _client.Dispose();
        }
    }
}
