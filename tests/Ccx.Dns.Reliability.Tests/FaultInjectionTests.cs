using System.Diagnostics;
using System.Text;
using Ccx.Dns.DynamoDb;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.PowerDns;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Reliability.Tests.Infrastructure;
using Ccx.Dns.Rfc2136;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ccx.Dns.Reliability.Tests;

/// <summary>
/// Randomized, seeded fault injection: random desired changes while a fault-injecting provider throttles, fails, drops
/// connections, times out after applying, fails between the ownership write and the record write, and the reconciler is
/// cancelled mid-apply and restarted. After every round the faults stop and the zone must converge within a bound.
/// </summary>
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    /// <summary>Reconciles needed, once faults stop, until one reports no changes (that run included).</summary>
    public const int ConvergenceBound = 2;

    private const string Zone = "example.org";
    private const string OwnerId = "reliability";
    private const string AesKey = "0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData(20261121, false, false, "", "", 1000)]
    [InlineData(7, true, false, "", "", 300)]
    [InlineData(8, false, true, "", "", 300)]
    [InlineData(9, false, false, "own-%{record_type}.", "any", 300)]
    public async Task RunOnceAsync_RandomChangesUnderRandomFaults_ConvergesAndKeepsForeignRecords(
        int defaultSeed, bool encrypted, bool cached, string prefix, string wildcardReplacement, int defaultRounds)
    {
        var naming = new Naming(prefix, wildcardReplacement);
        var seed = ReliabilitySeed.Get(defaultSeed);
        var rounds = ReliabilitySeed.Rounds(defaultRounds);
        await ReliabilitySeed.RunAsync(seed, async () =>
        {
            var inner = new InMemoryDnsProvider([Zone]);
            var figures = await RunAsync(new ZoneUnderTest(Zone, inner, () => Task.FromResult(inner.GetZoneRecords(Zone))), seed, rounds, encrypted, cached, naming);
            output.WriteLine(figures.ToString());
            Assert.Equal(rounds, figures.Rounds);
            Assert.True(figures.FaultsInjected >= rounds / 2, $"too few faults injected to mean anything: {figures.FaultsInjected}");
            Assert.All(Enum.GetValues<FaultKind>(), kind => Assert.True(figures.Faults[kind] > 0, $"fault kind {kind} never injected"));
            Assert.True(figures.MaxReconcilesToConverge <= ConvergenceBound, $"converged only after {figures.MaxReconcilesToConverge} reconciles");
        });
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task RunOnceAsync_RandomChangesUnderRandomFaultsOnPowerDns_ConvergesAndKeepsForeignRecords()
    {
        var seed = ReliabilitySeed.Get(11);
        var server = await PowerDnsServer.StartAsync();
        try
        {
            var zone = await server.CreateZoneAsync();
            using var inner = new PowerDnsProvider(server.ProviderOptions(zone));
            async Task<IReadOnlyList<DnsEndpoint>> ReadAsync() =>
                [.. (await inner.GetRecordsAsync()).Where(r => r.RecordType.Value != "SOA" && !(r.RecordType == RecordType.NS && DnsNames.AreEqual(r.DnsName, zone)))];
            await ReliabilitySeed.RunAsync(seed, async () =>
            {
                // PowerDNS refuses '*' inside a label, so wildcard records need the registry's wildcard replacement.
                var figures = await RunAsync(new ZoneUnderTest(zone, inner, ReadAsync), seed, ReliabilitySeed.Rounds(200), encrypted: false, cached: false, new Naming(string.Empty, "any"));
                output.WriteLine("PowerDNS: " + figures);
                Assert.True(figures.MaxReconcilesToConverge <= ConvergenceBound, $"converged only after {figures.MaxReconcilesToConverge} reconciles");
            });
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task RunOnceAsync_RandomChangesUnderRandomFaultsOnBindRfc2136_ConvergesAndKeepsForeignRecords()
    {
        var seed = ReliabilitySeed.Get(12);
        await using var bind = await BindServer.StartAsync([Zone]);
        var options = new Rfc2136ProviderOptions
        {
            Host = "127.0.0.1",
            Port = bind.Port,
            TsigKeyName = BindServer.KeyName,
            TsigSecret = bind.Secret,
            BatchSize = 3, // small, so that a change set spans several UPDATE messages
        };
        options.Zones.Add(Zone);
        var inner = new Rfc2136DnsProvider(Microsoft.Extensions.Options.Options.Create(options));
        async Task<IReadOnlyList<DnsEndpoint>> ReadAsync() =>
            [.. (await inner.GetRecordsAsync()).Where(r => r.RecordType.Value != "SOA" && !DnsNames.AreEqual(r.DnsName, Zone) && !DnsNames.AreEqual(r.DnsName, "ns1." + Zone))];
        await ReliabilitySeed.RunAsync(seed, async () =>
        {
            var figures = await RunAsync(new ZoneUnderTest(Zone, inner, ReadAsync), seed, ReliabilitySeed.Rounds(150), encrypted: false, cached: false, new Naming(string.Empty, string.Empty));
            output.WriteLine("BIND (RFC 2136): " + figures);
            Assert.True(figures.MaxReconcilesToConverge <= ConvergenceBound, $"converged only after {figures.MaxReconcilesToConverge} reconciles");
        });
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task RunOnceAsync_RandomChangesUnderRandomFaultsWithDynamoDbRegistry_ConvergesAndKeepsForeignRecords()
    {
        var seed = ReliabilitySeed.Get(13);
        var dynamoDb = await DynamoDbLocalServer.StartAsync();
        try
        {
            var dynamo = new DynamoDbOwnership(dynamoDb, await dynamoDb.CreateTableAsync());
            var inner = new InMemoryDnsProvider([Zone]);
            await ReliabilitySeed.RunAsync(seed, async () =>
            {
                var figures = await RunAsync(
                    new ZoneUnderTest(Zone, inner, () => Task.FromResult(inner.GetZoneRecords(Zone))), seed, ReliabilitySeed.Rounds(300), encrypted: false, cached: false, new Naming(string.Empty, string.Empty), dynamo);
                output.WriteLine("DynamoDB registry: " + figures);
                Assert.True(figures.MaxReconcilesToConverge <= ConvergenceBound, $"converged only after {figures.MaxReconcilesToConverge} reconciles");
                Assert.All(Enum.GetValues<FaultKind>(), kind => Assert.True(figures.Faults[kind] > 0, $"fault kind {kind} never injected"));
            });
        }
        finally
        {
            await dynamoDb.DisposeAsync();
        }
    }

    private static async Task<FaultFigures> RunAsync(ZoneUnderTest target, int seed, int rounds, bool encrypted, bool cached, Naming naming, DynamoDbOwnership? dynamo = null)
    {
        var random = new Random(seed);
        var zone = target.Zone;
        var faulty = new FaultInjectingDnsProvider(target.Provider, random);
        var foreign = await SeedForeignAsync(target, dynamo);
        var foreignItems = dynamo is null ? [] : await dynamo.ForeignItemsAsync();
        var model = new DesiredStateModel(random, zone, poolSize: 24, [("shared0." + zone, RecordType.A), ("shared1." + zone, RecordType.CNAME)]);
        model.CollectChangedNames();
        model.Start();
        var audit = new ZoneAudit(OwnerId, new TxtNameMapper(naming.Prefix, null, naming.WildcardReplacement), new TxtOwnershipCodec(encrypted ? AesKey : null, encrypted));
        var figures = new FaultFigures();
        var watch = Stopwatch.StartNew();
        var instance = Create(faulty, model, encrypted, cached, naming, dynamo);
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                // Faulty phase: one to three reconciles, each after one to three desired changes.
                faulty.Enabled = true;
                for (var attempt = random.Next(1, 4); attempt > 0; attempt--)
                {
                    for (var changes = random.Next(1, 4); changes > 0; changes--)
                    {
                        model.Mutate();
                    }

                    instance = await RunAsync(instance, faulty, model, encrypted, cached, naming, dynamo, figures, round);
                }

                // Faults stop: the zone must converge within the bound, then every invariant must hold.
                faulty.Enabled = false;
                var runs = 0;
                ReconcileResult result;
                do
                {
                    runs++;
                    result = await instance.Reconciler.RunOnceAsync();
                    if (!result.Succeeded || result.Rejected.Count > 0)
                    {
                        throw new InvalidOperationException($"round {round}: reconcile {runs} without faults did not succeed cleanly: {result}; rejected: {string.Join("; ", result.Rejected)}");
                    }
                }
                while (result.Outcome != ReconcileOutcome.NoChanges && runs < ConvergenceBound + 3);

                if (result.Outcome != ReconcileOutcome.NoChanges)
                {
                    throw new InvalidOperationException($"round {round}: not converged after {runs} reconciles; last plan {result.Changes.ToJson()}");
                }

                figures.Converged(runs);
                var records = await target.ReadAsync();
                var problems = audit.Check(records, foreign, model.Achievable, dynamo is null ? null : await dynamo.OwnersAsync()).ToList();
                if (dynamo is not null && !(await dynamo.ForeignItemsAsync()).SequenceEqual(foreignItems))
                {
                    problems.Add("the foreign owner's DynamoDB items changed");
                }

                if (problems.Count > 0)
                {
                    throw new InvalidOperationException($"round {round}: {problems.Count} invariant violation(s):\n  " + string.Join("\n  ", problems.Take(20))
                        + "\nzone:\n  " + string.Join("\n  ", records.Select(r => r.ToString()).Order(StringComparer.Ordinal)));
                }

                figures.Rounds = round;
            }
        }
        finally
        {
            instance.Dispose();
        }

        figures.Elapsed = watch.Elapsed;
        foreach (var (kind, count) in faulty.Counts)
        {
            figures.Faults[kind] = count;
        }

        foreach (var (kind, count) in model.Counts)
        {
            figures.Changes[kind] = count;
        }

        figures.Seed = seed;
        figures.Encrypted = encrypted;
        figures.Cached = cached;
        figures.Naming = naming;
        return figures;
    }

    private static async Task<ReconcilerInstance> RunAsync(
        ReconcilerInstance instance, FaultInjectingDnsProvider faulty, DesiredStateModel model, bool encrypted, bool cached, Naming naming, DynamoDbOwnership? dynamo, FaultFigures figures, int round)
    {
        using var run = new CancellationTokenSource();
        faulty.CancelCurrentRun = run.Cancel;
        try
        {
            // Half the faulty-phase reconciles are targeted at the names the sources' signals named since the last
            // reconcile (as the hosted service runs them), interleaved with full ones.
            var names = model.TakeChangedNames();
            var result = names is not null && figures.Random.Next(2) == 0
                ? await instance.Reconciler.RunOnceAsync(names, run.Token)
                : await instance.Reconciler.RunOnceAsync(run.Token);
            figures.FaultyReconciles++;
            if (result.Mode == ReconcileMode.Targeted)
            {
                figures.TargetedReconciles++;
            }

            if (result.Error is { } error)
            {
                figures.FailedReconciles++;
                if (!error.IsTransient)
                {
                    throw new InvalidOperationException($"round {round}: an injected transient fault surfaced as permanent: {error}", error.Exception);
                }
            }

            return instance;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            // Host shutdown mid-apply: a new process starts with new registry and reconciler instances.
            figures.Restarts++;
            instance.Dispose();
            return Create(faulty, model, encrypted, cached, naming, dynamo);
        }
    }

    private static ReconcilerInstance Create(FaultInjectingDnsProvider faulty, DesiredStateModel model, bool encrypted, bool cached, Naming naming, DynamoDbOwnership? dynamo)
    {
        // Cached: a provider cache and a registry cache that never expire during the run (a new process starts
        // with empty caches), so convergence depends entirely on their invalidation after failed or partial writes.
        IDnsProvider provider = cached ? new CachingDnsProvider(faulty, new CachingDnsProviderOptions { CacheDuration = TimeSpan.FromHours(1) }) : faulty;
        IRegistry registry = dynamo is not null
            ? dynamo.NewRegistry(provider, OwnerId)
            : new TxtRegistry(provider, new TxtRegistryOptions
            {
                OwnerId = OwnerId,
                EncryptionEnabled = encrypted,
                EncryptionAesKey = encrypted ? AesKey : null,
                CacheInterval = cached ? TimeSpan.FromHours(1) : TimeSpan.Zero,
                Prefix = naming.Prefix,
                WildcardReplacement = naming.WildcardReplacement,
            });
        var options = new DnsReconcilerOptions { Guard = new SafetyGuardOptions { AllowUnsafePlans = true, AllowEmptySource = true } };
        var reconciler = new DnsReconciler(
            [model.Programmatic, model.Datastores], registry, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
        return new ReconcilerInstance(reconciler, registry as IDisposable);
    }

    /// <summary>Records of another owner (with their ownership records), an unowned record and a plain TXT; returns their snapshot.</summary>
    internal static Task<Dictionary<EndpointKey, string>> SeedForeignAsync(InMemoryDnsProvider provider) =>
        SeedForeignAsync(new ZoneUnderTest(Zone, provider, () => Task.FromResult(provider.GetZoneRecords(Zone))), dynamo: null);

    private static async Task<Dictionary<EndpointKey, string>> SeedForeignAsync(ZoneUnderTest target, DynamoDbOwnership? dynamo)
    {
        var provider = target.Provider;
        var zone = target.Zone;
        IRegistry foreign = dynamo is not null ? dynamo.NewRegistry(provider, "foreign") : new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "foreign" });
        var applied = await foreign.ApplyChangesAsync(new DnsChanges
        {
            Create =
            [
                new DnsEndpoint("shared0." + zone, RecordType.A, "198.51.100.1") { Ttl = 120 },
                new DnsEndpoint("shared1." + zone, RecordType.CNAME, "foreign.example.net") { Ttl = 120 },
                new DnsEndpoint("foreign-only." + zone, RecordType.AAAA, "2001:db8::f") { Ttl = 120 },
            ],
        });
        Assert.Empty(applied.Rejected);
        await provider.ApplyChangesAsync(new DnsChanges
        {
            Create =
            [
                new DnsEndpoint("manual." + zone, RecordType.A, "198.51.100.9") { Ttl = 60 },
                new DnsEndpoint("note." + zone, RecordType.TXT, "v=spf1 -all") { Ttl = 60 },
            ],
        });
        var snapshot = ZoneAudit.Snapshot(await target.ReadAsync());
        (foreign as IDisposable)?.Dispose();
        Assert.Equal(dynamo is null ? 8 : 5, snapshot.Count); // 3 records (+ 3 ownership records with TXT) + 2 unowned
        return snapshot;
    }

    /// <summary>The zone a run works on: its provider, and how to read it back raw (without faults or caches).</summary>
    private sealed record ZoneUnderTest(string Zone, IDnsProvider Provider, Func<Task<IReadOnlyList<DnsEndpoint>>> ReadAsync);

    /// <summary>Ownership kept in a DynamoDB Local table by the DynamoDB registry instead of TXT records.</summary>
    private sealed record DynamoDbOwnership(DynamoDbLocalServer Server, string Table)
    {
        public DynamoDbRegistry NewRegistry(IDnsProvider provider, string ownerId) =>
            new(provider, Server.NewClient(), new DynamoDbRegistryOptions { TableName = Table, OwnerId = ownerId });

        /// <summary>Every item's owned key and owner.</summary>
        public async Task<IReadOnlyDictionary<EndpointKey, string>> OwnersAsync()
        {
            var owners = new Dictionary<EndpointKey, string>();
            foreach (var (k, o, _) in await Server.ItemsAsync(Table))
            {
                var parts = k.Split('#', 3);
                owners[new EndpointKey(parts[0], new RecordType(parts[1]), parts.Length > 2 ? parts[2] : string.Empty)] = o ?? string.Empty;
            }

            return owners;
        }

        /// <summary>The foreign owner's items as text, in key order.</summary>
        public async Task<List<string>> ForeignItemsAsync() =>
            [.. (await Server.ItemsAsync(Table)).Where(i => i.O == "foreign")
                .Select(i => $"{i.K} {i.O} {string.Join(",", i.L.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))}")
                .Order(StringComparer.Ordinal)];
    }

    /// <summary>The TXT registry's naming options for a run.</summary>
    public sealed record Naming(string Prefix, string WildcardReplacement);

    private sealed class ReconcilerInstance(DnsReconciler reconciler, IDisposable? registry) : IDisposable
    {
        public DnsReconciler Reconciler { get; } = reconciler;

        public void Dispose()
        {
            Reconciler.Dispose();
            registry?.Dispose();
        }
    }

    private sealed class FaultFigures
    {
        public int Seed { get; set; }

        public bool Encrypted { get; set; }

        public bool Cached { get; set; }

        public Naming Naming { get; set; } = new(string.Empty, string.Empty);

        public int Rounds { get; set; }

        public int FaultyReconciles { get; set; }

        /// <summary>Faulty-phase reconciles that ran targeted (the rest were full, or fell back to full).</summary>
        public int TargetedReconciles { get; set; }

        /// <summary>Decides which reconciles are targeted (seeded apart from the fault schedule, which it must not shift).</summary>
        public Random Random { get; } = new(7);

        public int FailedReconciles { get; set; }

        public int Restarts { get; set; }

        public int MaxReconcilesToConverge { get; private set; }

        public Dictionary<int, int> ConvergenceHistogram { get; } = [];

        public Dictionary<FaultKind, int> Faults { get; } = [];

        public Dictionary<DesiredChangeKind, int> Changes { get; } = [];

        public int FaultsInjected => Faults.Values.Sum();

        public TimeSpan Elapsed { get; set; }

        public void Converged(int runs)
        {
            MaxReconcilesToConverge = Math.Max(MaxReconcilesToConverge, runs);
            ConvergenceHistogram[runs] = ConvergenceHistogram.GetValueOrDefault(runs) + 1;
        }

        public override string ToString()
        {
            var sb = new StringBuilder();
            sb.Append($"seed={Seed} encrypted={Encrypted} cached={Cached} prefix='{Naming.Prefix}' wildcard-replacement='{Naming.WildcardReplacement}' rounds={Rounds} faulty-reconciles={FaultyReconciles} targeted={TargetedReconciles} failed={FailedReconciles} restarts={Restarts} ")
              .Append($"elapsed={Elapsed.TotalSeconds:0.00}s max-reconciles-to-converge={MaxReconcilesToConverge}\n")
              .Append("converged after n reconciles: ").AppendJoin(", ", ConvergenceHistogram.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}")).Append('\n')
              .Append($"faults injected ({FaultsInjected}): ").AppendJoin(", ", Faults.Select(p => $"{p.Key}={p.Value}")).Append('\n')
              .Append("desired changes: ").AppendJoin(", ", Changes.Select(p => $"{p.Key}={p.Value}"));
            return sb.ToString();
        }
    }
}
