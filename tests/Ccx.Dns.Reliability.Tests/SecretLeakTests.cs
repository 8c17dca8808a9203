using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.PowerDns;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Reliability.Tests.Infrastructure;
using Ccx.Dns.Rfc2136;
using Ccx.Dns.Route53;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Reliability.Tests;

/// <summary>
/// Suite-level check that secrets (the PowerDNS API key, TSIG secrets, AWS access keys, the AES key) never appear in a
/// log line (any level, message, structured values, exception) or an exception (message, inner exceptions), nor in a
/// reconcile result's JSON or markdown, on success and failure paths.
/// </summary>
public sealed class SecretLeakTests
{
    private const string BindZone = "example.org";

    [Fact]
    [Trait("Category", "Integration")]
    public async Task PowerDnsProviderAndReconciler_SuccessAndFailurePaths_NeverRevealApiKeyOrAesKey()
    {
        var leaks = new LeakCheck();
        var server = await PowerDnsServer.StartAsync();
        try
        {
            var zone = await server.CreateZoneAsync();
            var aesKey = RandomAesKey();
            leaks.Secret(server.ApiKey, aesKey);
            using var logs = new CapturingLoggerProvider();
            using var factory = logs.CreateFactory();

            // Success: through the reconciler with an encrypted TXT registry, then a direct read.
            using (var provider = new PowerDnsProvider(server.ProviderOptions(zone), factory.CreateLogger<PowerDnsProvider>()))
            {
                var result = await RunReconcilerAsync(provider, zone, aesKey, factory);
                Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
                leaks.Text(result.ToJson(), result.ToMarkdown(), result.ToString());
                Assert.Contains(await provider.GetRecordsAsync(), r => r.DnsName == "app." + zone);

                // 422: a CNAME beside the A record just written.
                leaks.Exception(await Record.ExceptionAsync(() => provider.ApplyChangesAsync(new DnsChanges
                {
                    Create = [new DnsEndpoint("app." + zone, RecordType.CNAME, "elsewhere.example.net")],
                })));
            }

            // 401: a wrong key (itself a secret).
            var wrongKey = "wrong-" + Guid.NewGuid().ToString("N");
            leaks.Secret(wrongKey);
            var wrongOptions = server.ProviderOptions(zone);
            wrongOptions.ApiKey = wrongKey;
            using (var provider = new PowerDnsProvider(wrongOptions, factory.CreateLogger<PowerDnsProvider>()))
            {
                leaks.Exception(await Record.ExceptionAsync(() => provider.GetRecordsAsync()));
                var failed = await RunReconcilerAsync(provider, zone, aesKey, factory);
                Assert.False(failed.Succeeded);
                leaks.Text(failed.ToJson(), failed.ToMarkdown(), failed.ToString());
                leaks.Exception(failed.Error!.Exception);
            }

            // Connection refused, and a server that accepts but never answers (timeout).
            using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            using var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start();
            foreach (var port in new[] { ((IPEndPoint)closed.LocalEndPoint!).Port, ((IPEndPoint)silent.LocalEndpoint).Port })
            {
                var options = server.ProviderOptions(zone);
                options.ApiUrl = $"http://127.0.0.1:{port}";
                options.Timeout = TimeSpan.FromMilliseconds(500);
                using var provider = new PowerDnsProvider(options, factory.CreateLogger<PowerDnsProvider>());
                leaks.Exception(await Record.ExceptionAsync(() => provider.GetRecordsAsync()));
                leaks.Exception(await Record.ExceptionAsync(() => provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint("x." + zone, RecordType.A, "192.0.2.1")] })));
            }

            // Options validation through DI (ValidateOnStart path) with the key set and everything else wrong.
            var services = new ServiceCollection();
            services.AddLogging(b => b.AddProvider(logs));
            services.AddDnsReconciler().AddPowerDnsProvider(o =>
            {
                o.ApiUrl = "not a url " + server.ApiKey[..4];
                o.ApiKey = server.ApiKey;
                o.Timeout = TimeSpan.Zero;
            });
            using (var sp = services.BuildServiceProvider())
            {
                leaks.Exception(Record.Exception(() => sp.GetRequiredService<IOptions<PowerDnsProviderOptions>>().Value));
            }

            leaks.Logs(logs);
            leaks.AssertNoLeak(minimumExceptions: 7, minimumLogs: 5);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Rfc2136Provider_SuccessAndFailurePaths_NeverRevealTsigSecrets()
    {
        var leaks = new LeakCheck();
        await using var bind = await BindServer.StartAsync([BindZone]);
        var wrongSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        leaks.Secret(bind.Secret, wrongSecret);
        using var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();

        Rfc2136DnsProvider Provider(Action<Rfc2136ProviderOptions>? configure = null)
        {
            var options = new Rfc2136ProviderOptions
            {
                Host = "127.0.0.1",
                Port = bind.Port,
                TsigKeyName = BindServer.KeyName,
                TsigSecret = bind.Secret,
                Timeout = TimeSpan.FromSeconds(5),
            };
            options.Zones.Add(BindZone);
            configure?.Invoke(options);
            return new Rfc2136DnsProvider(Options.Create(options), TimeProvider.System, factory.CreateLogger<Rfc2136DnsProvider>());
        }

        // Success: create, read back, and a reconcile through the TXT registry.
        var good = Provider();
        await good.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint("ok." + BindZone, RecordType.A, "192.0.2.5") { Ttl = 60 }] });
        Assert.Contains(await good.GetRecordsAsync(), r => r.DnsName == "ok." + BindZone);
        var aesKey = RandomAesKey();
        leaks.Secret(aesKey);
        var result = await RunReconcilerAsync(good, BindZone, aesKey, factory);
        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        leaks.Text(result.ToJson(), result.ToMarkdown());

        // A wrong secret (BADSIG / NOTAUTH), for reads and writes, also through the reconciler.
        var wrong = Provider(o => o.TsigSecret = wrongSecret);
        leaks.Exception(await Record.ExceptionAsync(() => wrong.GetRecordsAsync()));
        leaks.Exception(await Record.ExceptionAsync(() => wrong.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint("no." + BindZone, RecordType.A, "192.0.2.6")] })));
        var failed = await RunReconcilerAsync(wrong, BindZone, aesKey, factory);
        Assert.False(failed.Succeeded);
        leaks.Text(failed.ToJson(), failed.ToMarkdown());

        // Connection refused and a silent server (timeout).
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        foreach (var port in new[] { ((IPEndPoint)closed.LocalEndPoint!).Port, ((IPEndPoint)silent.LocalEndpoint).Port })
        {
            var unreachable = Provider(o =>
            {
                o.Port = port;
                o.Timeout = TimeSpan.FromMilliseconds(300);
            });
            leaks.Exception(await Record.ExceptionAsync(() => unreachable.GetRecordsAsync()));
            leaks.Exception(await Record.ExceptionAsync(() => unreachable.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint("x." + BindZone, RecordType.A, "192.0.2.1")] })));
        }

        // Options and validators: malformed secrets, a secret without a key name, a bad algorithm.
        var malformed = "not*base64*" + Guid.NewGuid().ToString("N");
        var tooShort = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        leaks.Secret(malformed, tooShort);
        var cases = new (string Name, Action<Rfc2136ProviderOptions> Configure)[]
        {
            ("malformed secret", o => o.TsigSecret = malformed),
            ("secret with a bad base64 tail", o => o.TsigSecret = tooShort + "!"),
            ("secret without key name", o => o.TsigKeyName = null),
            ("unsupported algorithm", o => o.TsigAlgorithm = "hmac-md5"),
            ("malformed secret and more", o => { o.TsigSecret = malformed; o.Host = string.Empty; o.Port = 0; }),
        };
        foreach (var (name, configure) in cases)
        {
            var validation = Record.Exception(() => Provider(configure));
            Assert.True(validation is not null, $"options with a {name} were accepted");
            leaks.Exception(validation);
        }

        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs));
        services.AddDnsReconciler().AddRfc2136Provider(o =>
        {
            o.Host = "127.0.0.1";
            o.TsigKeyName = BindServer.KeyName;
            o.TsigSecret = malformed;
        });
        using (var sp = services.BuildServiceProvider())
        {
            leaks.Exception(Record.Exception(() => sp.GetRequiredService<IOptions<Rfc2136ProviderOptions>>().Value));
        }

        leaks.Logs(logs);
        leaks.AssertNoLeak(minimumExceptions: 12, minimumLogs: 5);
    }

    [Fact]
    public async Task TxtRegistry_EncryptedOwnershipWrongKeyAndBadKeys_NeverRevealTheAesKey()
    {
        var leaks = new LeakCheck();
        var key = RandomAesKey();
        var otherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var shortKey = RandomAesKey()[..31];
        leaks.Secret(key, otherKey, shortKey);
        using var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        var provider = new InMemoryDnsProvider(["example.org"]);

        var result = await RunReconcilerAsync(provider, "example.org", key, factory);
        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        leaks.Text(result.ToJson(), result.ToMarkdown());
        leaks.Text([.. provider.GetZoneRecords("example.org").Select(r => r.ToString())]);

        // Another key cannot read the ownership records: they count as foreign text, and it must not say why with the key.
        var other = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "owner", EncryptionEnabled = true, EncryptionAesKey = otherKey },
            TimeProvider.System, factory.CreateLogger<TxtRegistry>());
        var seen = await other.GetRecordsAsync();
        Assert.All(seen, r => Assert.Null(r.Owner));
        var refused = await other.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint("app.example.org", RecordType.AAAA, "2001:db8::1")] });
        leaks.Text([.. refused.Rejected.Select(r => r.ToString())]);

        // Bad keys: too short, not base64 of 32 bytes, enabled without a key.
        foreach (var bad in new[] { shortKey, "zz" + otherKey, key + "x" })
        {
            leaks.Secret(bad);
            leaks.Exception(Record.Exception(() => new TxtRegistry(provider, new TxtRegistryOptions { EncryptionEnabled = true, EncryptionAesKey = bad })));
            leaks.Exception(Record.Exception(() => new TxtOwnershipCodec(bad, encrypt: true)));
            var validation = new TxtRegistryOptionsValidator().Validate(null, new TxtRegistryOptions { EncryptionEnabled = true, EncryptionAesKey = bad });
            Assert.True(validation.Failed);
            leaks.Text([.. validation.Failures]);
        }

        leaks.Logs(logs);
        leaks.AssertNoLeak(minimumExceptions: 6, minimumLogs: 3);
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Route53ProviderAndDynamoDbRegistry_SuccessAndFailurePaths_NeverRevealAwsKeys()
    {
        var leaks = new LeakCheck();
        var accessKey = "AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var secretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var aesKey = RandomAesKey();
        leaks.Secret(accessKey, secretKey, aesKey);
        using var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        var credentials = new Amazon.Runtime.BasicAWSCredentials(accessKey, secretKey);
        var moto = await MotoServer.StartAsync();
        DynamoDbLocalServer? dynamo = null;
        try
        {
            dynamo = await DynamoDbLocalServer.StartAsync();
            const string zone = "aws.example.org";
            await moto.CreateZoneAsync(zone);
            var table = await dynamo.CreateTableAsync();
            Route53Provider Route53(Uri endpoint, TimeSpan? timeout = null) => new(new Route53ProviderOptions
            {
                Endpoint = endpoint,
                Credentials = credentials,
                MaxAttempts = 1,
                RequestTimeout = timeout ?? TimeSpan.FromSeconds(10),
            }, TimeProvider.System, factory);
            Amazon.DynamoDBv2.AmazonDynamoDBClient Dynamo(Uri serviceUrl) => new(credentials, new Amazon.DynamoDBv2.AmazonDynamoDBConfig
            {
                ServiceURL = serviceUrl.ToString(),
                AuthenticationRegion = "us-east-1",
                MaxErrorRetry = 0,
                Timeout = TimeSpan.FromSeconds(2),
            });

            // Success: Route 53 (moto) with the DynamoDB registry (DynamoDB Local), then with the encrypted TXT registry.
            using (var route53 = Route53(moto.Endpoint))
            using (var client = Dynamo(dynamo.ServiceUrl))
            using (var registry = new Ccx.Dns.DynamoDb.DynamoDbRegistry(route53, client,
                new Ccx.Dns.DynamoDb.DynamoDbRegistryOptions { TableName = table, OwnerId = "owner" }, TimeProvider.System, factory.CreateLogger<Ccx.Dns.DynamoDb.DynamoDbRegistry>()))
            {
                var ok = await RunReconcilerAsync(registry, zone, factory);
                Assert.Equal(ReconcileOutcome.Applied, ok.Outcome);
                leaks.Text(ok.ToJson(), ok.ToMarkdown());
                var encrypted = await RunReconcilerAsync(route53, zone, aesKey, factory);
                Assert.True(encrypted.Succeeded, encrypted.ToString());

                // The DynamoDB table is gone: the registry fails (reads and the reconcile).
                await dynamo.Client.DeleteTableAsync(table);
                var noTable = await RunReconcilerAsync(registry, zone, factory);
                Assert.False(noTable.Succeeded);
                leaks.Exception(noTable.Error!.Exception);
                leaks.Text(noTable.ToJson(), noTable.ToMarkdown());
            }

            // Route 53 and DynamoDB unreachable (connection refused) and silent (timeout).
            using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            using var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start();
            foreach (var port in new[] { ((IPEndPoint)closed.LocalEndPoint!).Port, ((IPEndPoint)silent.LocalEndpoint).Port })
            {
                var endpoint = new Uri($"http://127.0.0.1:{port}");
                using var route53 = Route53(endpoint, TimeSpan.FromMilliseconds(500));
                leaks.Exception(await Record.ExceptionAsync(() => route53.GetRecordsAsync()));
                using var client = Dynamo(endpoint);
                using var registry = new Ccx.Dns.DynamoDb.DynamoDbRegistry(new InMemoryDnsProvider([zone]), client,
                    new Ccx.Dns.DynamoDb.DynamoDbRegistryOptions { TableName = "t-none", OwnerId = "owner" }, TimeProvider.System, factory.CreateLogger<Ccx.Dns.DynamoDb.DynamoDbRegistry>());
                leaks.Exception(await Record.ExceptionAsync(() => registry.GetRecordsAsync()));
            }

            // Validation: DI ValidateOnStart for Route 53 with credentials and bad values, and the DynamoDB registry's AES key.
            var services = new ServiceCollection();
            services.AddLogging(b => b.AddProvider(logs));
            services.AddDnsReconciler().AddRoute53Provider(o =>
            {
                o.Credentials = credentials;
                o.MaxAttempts = 0;
                o.RequestsPerSecond = -1;
            });
            using (var sp = services.BuildServiceProvider())
            {
                leaks.Exception(Record.Exception(() => sp.GetRequiredService<IOptions<Route53ProviderOptions>>().Value));
            }

            var badAes = aesKey[..30];
            leaks.Secret(badAes);
            var validation = new Ccx.Dns.DynamoDb.DynamoDbRegistryOptionsValidator().Validate(null, new Ccx.Dns.DynamoDb.DynamoDbRegistryOptions { TxtEncryptionAesKey = badAes });
            Assert.True(validation.Failed);
            leaks.Text([.. validation.Failures]);

            leaks.Logs(logs);
            leaks.AssertNoLeak(minimumExceptions: 6, minimumLogs: 5);
        }
        finally
        {
            await moto.DisposeAsync();
            if (dynamo is not null)
            {
                await dynamo.DisposeAsync();
            }
        }
    }

    [Fact]
    public void AssertNoLeak_TextHoldingThePieceOfASecret_Fails()
    {
        var leaks = new LeakCheck();
        leaks.Secret("s3cr3t-0123456789abcdef");
        leaks.Exception(new DnsProviderException("outer", new InvalidOperationException("inner says s3cr3t-01234 hello")));
        leaks.Text("a", "b", "c");

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => leaks.AssertNoLeak(minimumExceptions: 1, minimumLogs: 0));
    }

    private static Task<ReconcileResult> RunReconcilerAsync(IDnsProvider provider, string zone, string aesKey, ILoggerFactory factory) =>
        RunReconcilerAsync(
            new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "owner", EncryptionEnabled = true, EncryptionAesKey = aesKey }, TimeProvider.System, factory.CreateLogger<TxtRegistry>()),
            zone,
            factory);

    private static async Task<ReconcileResult> RunReconcilerAsync(Ccx.Dns.Registry.IRegistry registry, string zone, ILoggerFactory factory)
    {
        var source = new ProgrammaticEndpointSource();
        source.ReplaceAll([
            new DnsEndpoint("app." + zone, RecordType.A, "192.0.2.80") { Ttl = 60 },
            new DnsEndpoint("alias." + zone, RecordType.CNAME, "app." + zone) { Ttl = 60 },
        ]);
        using var reconciler = new DnsReconciler([source], registry, Options.Create(new DnsReconcilerOptions()), TimeProvider.System, factory.CreateLogger<DnsReconciler>());
        return await reconciler.RunOnceAsync();
    }

    private static string RandomAesKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(); // 32 characters

    /// <summary>Collects secrets and texts, then asserts no text holds a secret or a 12-character piece of its start or end.</summary>
    private sealed class LeakCheck
    {
        private readonly List<string> _secrets = [];
        private readonly List<string> _texts = [];
        private int _exceptions;
        private int _logs;

        public void Secret(params string[] secrets) => _secrets.AddRange(secrets);

        public void Text(params string[] texts) => _texts.AddRange(texts);

        public void Exception(Exception? exception)
        {
            Assert.NotNull(exception);
            _exceptions++;
            for (var e = exception; e is not null; e = e.InnerException)
            {
                _texts.Add(e.Message);
                if (e is AggregateException aggregate)
                {
                    _texts.AddRange(aggregate.InnerExceptions.Select(i => i.ToString()));
                }

                foreach (System.Collections.DictionaryEntry entry in e.Data)
                {
                    _texts.Add($"{entry.Key}={entry.Value}");
                }
            }

            _texts.Add(exception.ToString());
            if (exception is DnsProviderException dpe)
            {
                _texts.AddRange(dpe.RejectedEndpoints.Select(r => r.ToString()));
            }
        }

        public void Logs(CapturingLoggerProvider logs)
        {
            _logs += logs.Lines.Count;
            _texts.AddRange(logs.Lines);
        }

        public void AssertNoLeak(int minimumExceptions, int minimumLogs)
        {
            Assert.True(_exceptions >= minimumExceptions, $"only {_exceptions} exceptions captured; the failure paths did not run");
            Assert.True(_logs >= minimumLogs, $"only {_logs} log entries captured");
            foreach (var secret in _secrets)
            {
                var pieces = new[] { secret, secret[..Math.Min(12, secret.Length)], secret[^Math.Min(12, secret.Length)..] };
                foreach (var text in _texts)
                {
                    foreach (var piece in pieces)
                    {
                        Assert.False(text.Contains(piece, StringComparison.Ordinal), $"a secret ('{piece[..3]}…') appears in: {text}");
                    }
                }
            }
        }
    }
}
