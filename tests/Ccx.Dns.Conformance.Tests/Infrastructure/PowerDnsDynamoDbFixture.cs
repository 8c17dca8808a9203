using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Ccx.Dns.PowerDns;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>A real pdns_server and a real DynamoDB Local, for PowerDNS with the DynamoDB registry; one zone and one table per scenario.</summary>
public sealed class PowerDnsDynamoDbFixture : IAsyncLifetime
{
    private readonly ConcurrentBag<PowerDnsProvider> _providers = [];

    public PowerDnsServer PowerDns { get; private set; } = null!;

    public DynamoDbLocalServer DynamoDb { get; private set; } = null!;

    /// <summary>The registry's client: the SDK's default retries, unlike <see cref="DynamoDbLocalServer.Client"/>.</summary>
    public AmazonDynamoDBClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var pdns = PowerDnsServer.StartAsync();
        var ddb = DynamoDbLocalServer.StartAsync();
        PowerDns = await pdns;
        DynamoDb = await ddb;
        Client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("AKIDCONFORMANCE", "conformance-secret"),
            new AmazonDynamoDBConfig { ServiceURL = DynamoDb.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1", Timeout = TimeSpan.FromSeconds(10) });
    }

    public static string TableFor(string zone) => "conformance-" + zone.Replace('.', '-');

    public async Task<PowerDnsProvider> CreateZoneTableAndProviderAsync(string zone, CancellationToken cancellationToken)
    {
        await PowerDns.CreateZoneAsync(zone, cancellationToken);
        await DynamoDb.CreateTableAsync(TableFor(zone), cancellationToken);
        var provider = new PowerDnsProvider(PowerDns.ProviderOptions(zone));
        _providers.Add(provider);
        return provider;
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        Client?.Dispose();
        if (PowerDns is not null)
        {
            await PowerDns.DisposeAsync();
        }

        if (DynamoDb is not null)
        {
            await DynamoDb.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PowerDnsDynamoDbServerGroup : ICollectionFixture<PowerDnsDynamoDbFixture>
{
    public const string Name = "conformance: PowerDNS + DynamoDB Local";
}
