using System.Globalization;
using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Ccx.Dns.TestServers;

/// <summary>
/// A real DynamoDB Local (<c>java -jar DynamoDBLocal.jar -inMemory -sharedDb</c>) on a free loopback port, the jar found
/// by <see cref="Prerequisites.DynamoDbLocalDirectory"/> (eng/test.sh installs it under <c>.tools/ddb</c>), ready once it
/// answers ListTables; killed by PID on dispose. It listens on all interfaces (it has no bind option); clients use
/// 127.0.0.1. Tests use a fresh table each (<see cref="CreateTableAsync"/>).
/// </summary>
public sealed class DynamoDbLocalServer : IAsyncDisposable
{
    /// <summary>The access key of <see cref="NewClient"/>'s fake credentials.</summary>
    public const string AccessKey = "AKIDLOCALTEST";

    /// <summary>The secret of <see cref="NewClient"/>'s fake credentials: distinctive, so tests can check it never leaks into messages or logs.</summary>
    public const string SecretKey = "ccx-secret-7f3b9d2e5a1c4e8f";

    private static int s_tableCounter;
    private readonly string _workDir = Directory.CreateTempSubdirectory("ccx-ddb-").FullName;
    private RunningProcess? _process;
    private AmazonDynamoDBClient? _client;

    private DynamoDbLocalServer()
    {
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The endpoint for clients.</summary>
    public Uri ServiceUrl => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}"));

    /// <summary>A plain client for test set-up and inspection.</summary>
    public AmazonDynamoDBClient Client => _client ?? throw new InvalidOperationException("DynamoDB Local is not running");

    /// <summary>Starts DynamoDB Local; fails naming the missing prerequisite (Java, the jar) and how to install it.</summary>
    /// <returns>The running server.</returns>
    public static async Task<DynamoDbLocalServer> StartAsync()
    {
        var java = Prerequisites.Java();
        var jarDir = Prerequisites.DynamoDbLocalDirectory();
        var server = new DynamoDbLocalServer();
        try
        {
            await server.StartAsync(java, jarDir).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A unique table name.</summary>
    /// <param name="prefix">The name's start.</param>
    /// <returns>The name.</returns>
    public static string NewTableName(string prefix = "t") =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Interlocked.Increment(ref s_tableCounter)}-{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>A client signed with the fake credentials (<see cref="AccessKey"/>, <see cref="SecretKey"/>), without SDK retries.</summary>
    /// <param name="handler">When given, the handler the SDK's HTTP client sends through (to count or fault calls); the caller disposes it.</param>
    /// <returns>The client.</returns>
    public AmazonDynamoDBClient NewClient(HttpMessageHandler? handler = null)
    {
        var config = new AmazonDynamoDBConfig
        {
            ServiceURL = ServiceUrl.ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(10),
        };
        if (handler is not null)
        {
            config.HttpClientFactory = new HandlerHttpClientFactory(handler);
        }

        return new AmazonDynamoDBClient(new BasicAWSCredentials(AccessKey, SecretKey), config);
    }

    /// <summary>Creates a table with ExternalDNS's schema (hash key k, string), retrying while the server warms up.</summary>
    /// <param name="name">The table name; <see cref="NewTableName"/> when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The table name.</returns>
    public async Task<string> CreateTableAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        var request = new CreateTableRequest
        {
            TableName = name ?? NewTableName(),
            AttributeDefinitions = [new AttributeDefinition("k", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("k", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await Client.CreateTableAsync(request, cancellationToken).ConfigureAwait(false);
                return request.TableName;
            }
            catch (Exception e) when (attempt < 20 && e is HttpRequestException or AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError })
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every item of a table as (k, o, labels), ordered by k.</summary>
    /// <param name="table">The table.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The items.</returns>
    public async Task<IReadOnlyList<(string K, string? O, IReadOnlyDictionary<string, string> L)>> ItemsAsync(string table, CancellationToken cancellationToken = default)
    {
        var result = new List<(string K, string? O, IReadOnlyDictionary<string, string> L)>();
        var request = new ScanRequest { TableName = table, ConsistentRead = true };
        do
        {
            var response = await Client.ScanAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                var labels = item.TryGetValue("l", out var l) && l.M is not null
                    ? l.M.ToDictionary(x => x.Key, x => x.Value.S)
                    : new Dictionary<string, string>();
                result.Add((item["k"].S, item.TryGetValue("o", out var o) ? o.S : null, labels));
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
        return [.. result.OrderBy(i => i.K, StringComparer.Ordinal)];
    }

    /// <summary>Writes an item as ExternalDNS would (k, o, l).</summary>
    /// <param name="table">The table.</param>
    /// <param name="key">The item key (k).</param>
    /// <param name="owner">The owner (o).</param>
    /// <param name="labels">The labels (l); none when null.</param>
    /// <returns>The response.</returns>
    public Task<PutItemResponse> PutItemAsync(string table, string key, string owner, IReadOnlyDictionary<string, string>? labels = null) =>
        Client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new Dictionary<string, AttributeValue>
            {
                ["k"] = new(key),
                ["o"] = new(owner),
                ["l"] = new AttributeValue { M = (labels ?? new Dictionary<string, string>()).ToDictionary(x => x.Key, x => new AttributeValue(x.Value)) },
            },
        });

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _client = null;
        _process?.Dispose();
        _process = null;
        ServerProcess.DeleteDirectory(_workDir);
        return ValueTask.CompletedTask;
    }

    private async Task StartAsync(string java, string jarDir)
    {
        string? lastError = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = LoopbackPorts.FreeTcpPort();
            _process = RunningProcess.Start(java, [
                "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.library.path=" + Path.Combine(jarDir, "DynamoDBLocal_lib"),
                "-jar", Path.Combine(jarDir, "DynamoDBLocal.jar"),
                "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Port.ToString(CultureInfo.InvariantCulture),
            ], _workDir);
            _client = NewClient();
            if (await _process.WaitReadyAsync(AnswersListTablesAsync, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)).ConfigureAwait(false))
            {
                return;
            }

            lastError = _process.OutputTail();
            _client.Dispose();
            _client = null;
            _process.Dispose();
            _process = null;
        }

        throw new InvalidOperationException($"DynamoDB Local ({jarDir}) did not start on 127.0.0.1: {lastError}");
    }

    private async Task<bool> AnswersListTablesAsync()
    {
        try
        {
            await Client.ListTablesAsync(new ListTablesRequest()).ConfigureAwait(false);
            return true;
        }
        catch (Exception)
        {
            // Not listening yet, or still starting up.
            return false;
        }
    }

    private sealed class HandlerHttpClientFactory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}
