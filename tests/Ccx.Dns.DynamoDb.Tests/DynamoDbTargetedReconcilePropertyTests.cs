using System.Diagnostics;
using System.Globalization;
using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Ccx.Dns.DynamoDb.Tests;

/// <summary>
/// With the DynamoDB registry, a targeted reconcile does exactly what a full one does: two identical stacks (in-memory
/// provider, optionally behind the caching provider, + DynamoDB registry on its own DynamoDB Local table + programmatic
/// source) receive the same random change sequences; one is reconciled targeted at the names each change signal named,
/// the other in full. Reports must be identical at every step, and so must the zones and the tables; the targeted
/// stack's kept view must equal what a fresh registry reads. Zones are seeded with another owner's records (items in
/// the table), unowned records, records of ours, orphaned items (ours and the other owner's) and ExternalDNS TXT
/// ownership records to migrate (typed and legacy, ours, the old owner's and the other owner's, with and without their
/// record); options vary policy, dry run, managed TXT (with forged ownership text), wildcard replacement, old owner id,
/// the registry's cache interval and a tight delete guard.
/// </summary>
[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbTargetedReconcilePropertyTests(DynamoDbLocalFixture fixture, ITestOutputHelper output)
{
    private const string Zone = "example.org";
    private const int Cases = 300;

    // "a-b" is where the TXT ownership record of b's A record lives.
    private static readonly string[] Names = ["a", "b", "c", "d", "*.w", "any.w", "x.y", "a-b"];
    private static readonly RecordType[] Types = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT];
    private static readonly string[] TxtTexts = ["x", "X", "y", "heritage=external-dns,external-dns/owner=alpha"];
    private static readonly string[] TxtOwners = ["alpha", "beta", "old"];

    /// <summary>300 fixed seeds: the same cases every run, several at a time (each on its own tables).</summary>
    [Fact]
    public async Task FixedSeeds_TargetedAndFullReconcilesAgreeAtEveryStep()
    {
        var watch = Stopwatch.StartNew();
        var totals = new Totals();
        using var client = fixture.NewClient();
        await Parallel.ForAsync(1, Cases + 1, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (seed, _) =>
        {
            var @case = FromRandom(new Random(seed));
            try
            {
                var counts = await RunAsync(@case, client);
                totals.Add(counts);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"seed {seed}: {@case}", e);
            }
        });

        output.WriteLine($"{Cases} fixed seeds, {totals.Steps} steps, each reconciled targeted and full; {totals.Targeted} ran targeted, "
            + $"{totals.FellBack} fell back to full after an apply freed TXT ownership records; {totals.Applied} steps applied changes, "
            + $"{totals.Migrated} records migrated from TXT ownership, {totals.MigratedTargeted} records owned through TXT ownership migrated or deleted by targeted reconciles; {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(totals.Targeted > totals.Steps / 2, $"only {totals.Targeted} of {totals.Steps} steps ran targeted");
        Assert.True(totals.Migrated > 0, "no case migrated a record from TXT ownership");
        Assert.True(totals.MigratedTargeted > 0, "no targeted reconcile migrated or deleted a record owned through TXT ownership");
        Assert.True(totals.FellBack > 0, "no case freed a TXT ownership record elsewhere (the fallback was never exercised)");
    }

    private static Case FromRandom(Random random)
    {
        TxtOwnership[] ownership = [.. Enumerable.Range(0, random.Next(6)).Select(_ => new TxtOwnership(Names[random.Next(Names.Length - 1)], Types[random.Next(3)], TxtOwners[random.Next(TxtOwners.Length)], Legacy: random.Next(4) == 0, WithRecord: random.Next(3) > 0))];

        // Half the changes are at the records of the TXT ownership records (so that targeted reconciles migrate them).
        (string Name, RecordType Type) RandomKey()
        {
            if (ownership.Length > 0 && random.Next(2) == 0)
            {
                var owned = ownership[random.Next(ownership.Length)];
                return (owned.Name, owned.Type);
            }

            return (Names[random.Next(Names.Length)], Types[random.Next(Types.Length)]);
        }

        DnsEndpoint RandomEndpoint()
        {
            var (name, type) = RandomKey();
            return Endpoint(name, type, random.Next(4), 1 + random.Next(2), random.Next(3) * 60);
        }

        SourceStep RandomRemove()
        {
            var (name, type) = RandomKey();
            return new RemoveStep(new EndpointKey(Fqdn(name), type));
        }

        var steps = new SourceStep[1 + random.Next(10)];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = random.Next(9) switch
            {
                < 5 => new UpsertStep(RandomEndpoint()),
                < 7 => RandomRemove(),
                < 8 => new ReplaceAllStep([.. Enumerable.Range(0, random.Next(6)).Select(_ => RandomEndpoint())]),
                _ => new FullStep(),
            };
        }

        // Desired at first: a few random endpoints, and some records owned through TXT ownership (so that they migrate).
        DnsEndpoint[] initial =
        [
            .. Enumerable.Range(0, random.Next(3)).Select(_ => RandomEndpoint()),
            .. ownership.Where(_ => random.Next(3) == 0).Select(o => Endpoint(o.Name, o.Type, random.Next(2), 1, 300)),
        ];
        return new Case(
            Policy: random.Next(3) switch { 0 => "sync", 1 => "upsert-only", _ => "create-only" },
            DryRun: random.Next(10) == 0,
            Caching: random.Next(2) == 0,
            CacheInterval: random.Next(4) == 0,
            ManagedTxt: random.Next(2) == 0,
            Wildcard: random.Next(3) == 0,
            OldOwner: random.Next(2) == 0,
            TightGuard: random.Next(4) == 0,
            Foreign: [.. Enumerable.Range(0, random.Next(4)).Select(_ => new Foreign(Names[random.Next(Names.Length)], Types[random.Next(3)], random.Next(4), (ForeignKind)random.Next(3)))],
            Ownership: ownership,
            Orphans: [.. Enumerable.Range(0, random.Next(3)).Select(_ => new OrphanItem(Names[random.Next(Names.Length)], Types[random.Next(3)], random.Next(2) == 0 ? "alpha" : "beta"))],
            Initial: initial,
            Steps: steps);
    }

    /// <summary>Runs a case on two fresh stacks and compares them step by step.</summary>
    private async Task<Totals> RunAsync(Case @case, Amazon.DynamoDBv2.IAmazonDynamoDB client)
    {
        await using var full = await Stack.CreateAsync(fixture, client, @case);
        await using var targeted = await Stack.CreateAsync(fixture, client, @case);
        var totals = new Totals();
        var previous = await targeted.Reconciler.RunOnceAsync();
        Compare(-1, await full.DescribeAsync(await full.Reconciler.RunOnceAsync()), await targeted.DescribeAsync(previous));
        totals.Migrated += previous.Applied ? previous.Changes.UpdateOld.Count(IsMigrating) : 0;
        for (var i = 0; i < @case.Steps.Length; i++)
        {
            var step = @case.Steps[i];
            var fullResult = await full.StepAsync(step, targeted: false);
            var targetedResult = await targeted.StepAsync(step, targeted: true);
            Compare(i, await full.DescribeAsync(fullResult), await targeted.DescribeAsync(targetedResult));
            await full.CheckKeptViewAsync(i);
            await targeted.CheckKeptViewAsync(i);

            totals.Steps++;
            totals.Applied += targetedResult.Applied ? 1 : 0;
            totals.Migrated += targetedResult.Applied ? targetedResult.Changes.UpdateOld.Count(IsMigrating) : 0;
            if (targeted.LastRequestedTargeted)
            {
                if (targetedResult.Mode == ReconcileMode.Targeted)
                {
                    totals.Targeted++;
                    totals.MigratedTargeted += targetedResult.Applied ? targetedResult.Changes.UpdateOld.Concat(targetedResult.Changes.Delete).Count(IsMigrating) : 0;
                }
                else if (targetedResult.Error is null)
                {
                    // Only right after an apply that migrated (or deleted) a record owned through TXT ownership: that
                    // frees its TXT ownership record, which a full read then returns for deletion.
                    if (!previous.Applied || !previous.Changes.UpdateOld.Concat(previous.Changes.Delete).Any(IsMigrating))
                    {
                        throw new InvalidOperationException($"step {i}: a targeted reconcile fell back to full without a reason: {targetedResult}");
                    }

                    totals.FellBack++;
                }
            }

            previous = targetedResult;
        }

        return totals;
    }

    private static bool IsMigrating(DnsEndpoint record) => record.TryGetProviderSpecific(ProviderSpecificNames.DynamoDbNeedsMigration, out _);

    private static void Compare(int step, string full, string targeted)
    {
        if (!string.Equals(full, targeted, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"step {step} differs\nfull:\n{full}\ntargeted:\n{targeted}");
        }
    }

    private static string Fqdn(string name) => name + "." + Zone;

    private static DnsEndpoint Endpoint(string name, RecordType type, int variant, int count, long ttl) =>
        TargetedReconcileCases.Endpoint(Fqdn(name), type, variant, count, ttl, TxtTexts);

    /// <summary>One provider, table, registry, source and reconciler.</summary>
    private sealed class Stack : IAsyncDisposable
    {
        private readonly DynamoDbLocalFixture _fixture;
        private readonly Amazon.DynamoDBv2.IAmazonDynamoDB _client;
        private readonly DynamoDbRegistryOptions _options;
        private HashSet<string>? _signalled = [];

        private Stack(DynamoDbLocalFixture fixture, Amazon.DynamoDBv2.IAmazonDynamoDB client, string table, Case @case)
        {
            _fixture = fixture;
            _client = client;
            Table = table;
            Source.Changed += (_, e) =>
            {
                var names = EndpointsChangedEventArgs.NamesOf(e);
                if (names is null)
                {
                    _signalled = null;
                }
                else
                {
                    _signalled?.UnionWith(names);
                }
            };

            IDnsProvider registryProvider = @case.Caching
                ? new CachingDnsProvider(Provider, new CachingDnsProviderOptions { CacheDuration = TimeSpan.FromHours(1) })
                : Provider;
            _options = Options(table, @case);
            Registry = new DynamoDbRegistry(registryProvider, client, _options, new ManualTimeProvider());
            var options = new DnsReconcilerOptions
            {
                Policy = @case.Policy,
                DryRun = @case.DryRun,
                Guard = @case.TightGuard
                    ? new SafetyGuardOptions { MaxDeletePercent = 30, MinExistingRecords = 1, AllowEmptySource = false }
                    : new SafetyGuardOptions { AllowEmptySource = true },
            };
            foreach (var type in @case.ManagedTxt ? new[] { "A", "AAAA", "CNAME", "TXT" } : ["A", "AAAA", "CNAME"])
            {
                options.ManagedRecordTypes.Add(type);
            }

            Reconciler = new DnsReconciler([Source], Registry, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
        }

        public string Table { get; }

        public InMemoryDnsProvider Provider { get; } = new([Zone]);

        public ProgrammaticEndpointSource Source { get; } = new();

        public DynamoDbRegistry Registry { get; }

        public DnsReconciler Reconciler { get; }

        /// <summary>Whether the last step asked for a targeted reconcile.</summary>
        public bool LastRequestedTargeted { get; private set; }

        public static async Task<Stack> CreateAsync(DynamoDbLocalFixture fixture, Amazon.DynamoDBv2.IAmazonDynamoDB client, Case @case)
        {
            var table = await fixture.CreateTableAsync();
            var stack = new Stack(fixture, client, table, @case);
            await stack.SeedAsync(@case);
            stack.Source.ReplaceAll(@case.Initial);
            return stack;
        }

        public async Task<ReconcileResult> StepAsync(SourceStep step, bool targeted)
        {
            _signalled = [];
            step.Apply(Source);
            LastRequestedTargeted = targeted && step is not FullStep && _signalled is not null;
            return LastRequestedTargeted ? await Reconciler.RunOnceAsync(_signalled!) : await Reconciler.RunOnceAsync();
        }

        public async Task<string> DescribeAsync(ReconcileResult result)
        {
            static string Lines(IEnumerable<object> items) => string.Join("\n  ", items.Select(i => i.ToString()).Order(StringComparer.Ordinal));
            var items = await _fixture.ItemsAsync(Table);
            var text = $"""
                outcome {result.Outcome} error {result.Error?.Stage.ToString() ?? "-"} {result.Error?.Message ?? string.Empty} withheld {result.WithheldReason ?? "-"}
                create
                  {Lines(result.Changes.Create)}
                update
                  {Lines(result.Changes.UpdateOld.Zip(result.Changes.UpdateNew, (o, n) => (object)(o + " -> " + n)))}
                delete
                  {Lines(result.Changes.Delete)}
                rejected
                  {Lines(result.Rejected)}
                mismatches
                  {Lines(result.OwnerMismatches.Select(m => (object)(m.Record.Key + " " + m.ForeignOwner)))}
                zone
                  {Lines(Provider.GetZoneRecords(Zone))}
                table
                  {Lines(items.Select(i => (object)$"{i.K} {i.O} {string.Join(",", i.L.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))}"))}
                """;
            return text.Replace(Table, "<table>", StringComparison.Ordinal);
        }

        /// <summary>The registry's kept (patched) view must be what a fresh registry reads from the zone and the table.</summary>
        public async Task CheckKeptViewAsync(int step)
        {
            var kept = Registry.KeptRecords ?? throw new InvalidOperationException($"step {step}: the registry kept no view");
            using var fresh = new DynamoDbRegistry(Provider, _client, Options(Table, _options));
            var read = await fresh.GetRecordsAsync();
            if (!string.Equals(Labelled(kept), Labelled(read), StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"step {step}: the registry's view drifted from the zone and the table\nkept:\n{Labelled(kept)}\nfresh:\n{Labelled(read)}");
            }

            if (Registry.HasPendingCleanup != fresh.HasPendingCleanup)
            {
                throw new InvalidOperationException($"step {step}: the kept view says orphans pending {Registry.HasPendingCleanup}, a fresh read {fresh.HasPendingCleanup}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            Reconciler.Dispose();
            Registry.Dispose();
            await _client.DeleteTableAsync(Table);
        }

        private static DynamoDbRegistryOptions Options(string table, Case @case) => new()
        {
            TableName = table,
            OwnerId = "alpha",
            OldOwnerId = @case.OldOwner ? "old" : null,
            TxtWildcardReplacement = @case.Wildcard ? "any" : string.Empty,
            CacheInterval = @case.CacheInterval ? TimeSpan.FromHours(1) : TimeSpan.Zero,
        };

        private static DynamoDbRegistryOptions Options(string table, DynamoDbRegistryOptions kept) => new()
        {
            TableName = table,
            OwnerId = kept.OwnerId,
            OldOwnerId = kept.OldOwnerId,
            TxtWildcardReplacement = kept.TxtWildcardReplacement,
        };

        private static string Labelled(IReadOnlyList<DnsEndpoint> records) => TargetedReconcileCases.Labelled(records);

        /// <summary>Seeds the zone and the table the same way for both stacks.</summary>
        private async Task SeedAsync(Case @case)
        {
            var keys = new HashSet<EndpointKey>();
            bool Fits(EndpointKey key)
            {
                // One record per key, and a CNAME never beside another type at its name.
                var clash = keys.Contains(key) || (key.RecordType == RecordType.CNAME
                    ? keys.Any(k => k.DnsName == key.DnsName)
                    : keys.Contains(new EndpointKey(key.DnsName, RecordType.CNAME)));
                return !clash && keys.Add(key);
            }

            var beta = new List<DnsEndpoint>();
            var unowned = new List<DnsEndpoint>();
            var ours = new List<DnsEndpoint>();
            foreach (var foreign in @case.Foreign)
            {
                var record = Endpoint(foreign.Name, foreign.Type, foreign.Variant, 1, 300);
                if (Fits(record.Key))
                {
                    (foreign.Kind switch { ForeignKind.Beta => beta, ForeignKind.Unowned => unowned, _ => ours }).Add(record);
                }
            }

            var mapper = new TxtNameMapper(wildcardReplacement: @case.Wildcard ? "any" : string.Empty);
            var codec = new TxtOwnershipCodec();
            foreach (var ownership in @case.Ownership)
            {
                var fqdn = Fqdn(ownership.Name);
                var txtName = ownership.Legacy ? fqdn : mapper.ToTxtName(fqdn, ownership.Type);
                var labels = new Dictionary<string, string> { [EndpointLabels.OwnerKey] = ownership.Owner, [EndpointLabels.ResourceKey] = "r/" + ownership.Name };
                var txt = new DnsEndpoint(txtName, RecordType.TXT, codec.Format(labels)) { Ttl = 300 };
                if (!Fits(txt.Key))
                {
                    continue;
                }

                unowned.Add(txt);
                var record = Endpoint(ownership.Name, ownership.Type, 0, 1, 300);
                if (ownership.WithRecord && Fits(record.Key))
                {
                    unowned.Add(record);
                }
            }

            if (beta.Count > 0)
            {
                using var other = new DynamoDbRegistry(Provider, _client, new DynamoDbRegistryOptions { TableName = Table, OwnerId = "beta" });
                var applied = await other.ApplyChangesAsync(new DnsChanges { Create = beta });
                Assert.Empty(applied.Rejected);
            }

            if (unowned.Count + ours.Count > 0)
            {
                await Provider.ApplyChangesAsync(new DnsChanges { Create = [.. unowned, .. ours] });
            }

            foreach (var record in ours)
            {
                await _fixture.PutItemAsync(Table, record.Key.ToString(), "alpha", new Dictionary<string, string> { [EndpointLabels.ResourceKey] = "ours" });
            }

            foreach (var orphan in @case.Orphans)
            {
                var key = new EndpointKey(Fqdn(orphan.Name), orphan.Type);
                if (keys.Add(key))
                {
                    await _fixture.PutItemAsync(Table, key.ToString(), orphan.Owner);
                }
            }
        }
    }

    private sealed class Totals
    {
        private readonly Lock _gate = new();

        public int Steps { get; set; }

        public int Targeted { get; set; }

        public int FellBack { get; set; }

        public int Applied { get; set; }

        public int Migrated { get; set; }

        public int MigratedTargeted { get; set; }

        public void Add(Totals other)
        {
            lock (_gate)
            {
                Steps += other.Steps;
                Targeted += other.Targeted;
                FellBack += other.FellBack;
                Applied += other.Applied;
                Migrated += other.Migrated;
                MigratedTargeted += other.MigratedTargeted;
            }
        }
    }

    private enum ForeignKind
    {
        Beta,
        Unowned,
        Ours,
    }

    private sealed record Foreign(string Name, RecordType Type, int Variant, ForeignKind Kind);

    /// <summary>An ExternalDNS TXT ownership record (typed, or legacy at the record's own name), with or without its record.</summary>
    private sealed record TxtOwnership(string Name, RecordType Type, string Owner, bool Legacy, bool WithRecord);

    private sealed record OrphanItem(string Name, RecordType Type, string Owner);

    private sealed record Case(
        string Policy, bool DryRun, bool Caching, bool CacheInterval, bool ManagedTxt, bool Wildcard, bool OldOwner, bool TightGuard,
        Foreign[] Foreign, TxtOwnership[] Ownership, OrphanItem[] Orphans, DnsEndpoint[] Initial, SourceStep[] Steps)
    {
        public override string ToString() =>
            $"policy {Policy}, dry run {DryRun}, caching {Caching}, cache interval {CacheInterval}, TXT managed {ManagedTxt}, wildcard replacement {Wildcard}, "
            + $"old owner {OldOwner}, tight guard {TightGuard}; foreign [{string.Join("; ", Foreign.Select(f => f.ToString()))}]; "
            + $"TXT ownership [{string.Join("; ", Ownership.Select(o => o.ToString()))}]; orphans [{string.Join("; ", Orphans.Select(o => o.ToString()))}]; "
            + $"initially desired [{string.Join(", ", Initial.Select(e => e.ToString()))}]; "
            + $"steps [{string.Join("; ", Steps.Select(s => s.ToString()))}]";
    }
}
