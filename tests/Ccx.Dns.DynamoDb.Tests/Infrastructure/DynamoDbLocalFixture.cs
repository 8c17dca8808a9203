using Amazon.DynamoDBv2;

namespace Ccx.Dns.DynamoDb.Tests.Infrastructure;

/// <summary>The shared real DynamoDB Local (<see cref="DynamoDbLocalServer"/>) for the DynamoDB tests; tests use a fresh table each.</summary>
public sealed class DynamoDbLocalFixture : ServerFixture<DynamoDbLocalServer>
{
    /// <summary>A plain client for test set-up and inspection (not counted).</summary>
    public AmazonDynamoDBClient Client => Server.Client;

    public Uri ServiceUrl => Server.ServiceUrl;

    /// <summary>A client signed with the server's fake credentials, optionally counting and faulting through <paramref name="handler"/>.</summary>
    public AmazonDynamoDBClient NewClient(CountingHandler? handler = null) => Server.NewClient(handler);

    /// <summary>Creates a table with ExternalDNS's schema (hash key k, string) and returns its name.</summary>
    public Task<string> CreateTableAsync(string? name = null) => Server.CreateTableAsync(name);

    /// <summary>Every item of a table as (k, o, labels).</summary>
    public Task<IReadOnlyList<(string K, string? O, IReadOnlyDictionary<string, string> L)>> ItemsAsync(string table) => Server.ItemsAsync(table);

    /// <summary>Writes an item as ExternalDNS would (k, o, l).</summary>
    public Task PutItemAsync(string table, string key, string owner, IReadOnlyDictionary<string, string>? labels = null) => Server.PutItemAsync(table, key, owner, labels);

    protected override Task<DynamoDbLocalServer> StartServerAsync() => DynamoDbLocalServer.StartAsync();
}

[CollectionDefinition(Name)]
public sealed class DynamoDbLocalGroup : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "DynamoDB Local";
}
