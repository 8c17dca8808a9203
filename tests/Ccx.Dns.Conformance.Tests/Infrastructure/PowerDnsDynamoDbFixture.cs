using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
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
        var request = new CreateTableRequest
        {
            TableName = TableFor(zone),
            AttributeDefinitions = [new AttributeDefinition("k", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("k", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await Client.CreateTableAsync(request, cancellationToken);
                break;
            }
            catch (Exception e) when (attempt < 20 && e is HttpRequestException or AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError })
            {
                await Task.Delay(250, cancellationToken); // DynamoDB Local may still be warming up
            }
        }

        var provider = new PowerDnsProvider(PowerDns.ProviderOptions(zone));
        _providers.Add(provider);
        return provider;
    }

    /// <summary>Every item of a table as (k, o).</summary>
    public async Task<IReadOnlyList<(string Key, string Owner)>> ItemsAsync(string table, CancellationToken cancellationToken)
    {
        var items = new List<(string, string)>();
        var request = new ScanRequest { TableName = table, ConsistentRead = true };
        do
        {
            var response = await Client.ScanAsync(request, cancellationToken);
            items.AddRange(response.Items.Select(i => (i["k"].S, i.TryGetValue("o", out var o) ? o.S : string.Empty)));
            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });
        return items;
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
