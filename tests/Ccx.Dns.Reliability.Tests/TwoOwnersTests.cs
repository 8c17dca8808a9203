using System.Collections.Concurrent;
using Ccx.Dns.DynamoDb;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.PowerDns;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Reliability.Tests.Infrastructure;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ccx.Dns.Reliability.Tests;

/// <summary>
/// Two reconcilers with different owner ids run concurrently on one zone, each changing its own names at random and
/// both desiring a set of contested names. Every write is recorded per owner: neither may ever write the other's records.
/// </summary>
public sealed class TwoOwnersTests(ITestOutputHelper output)
{
    private static readonly string[] Owners = ["alpha", "beta"];

    [Fact]
    public async Task RunOnceAsync_TwoOwnersConcurrentlyOnInMemoryZone_NeverWriteEachOthersRecords()
    {
        var seed = ReliabilitySeed.Get(99);
        const string zone = "shared.example.org";
        var provider = new InMemoryDnsProvider([zone]);
        await ReliabilitySeed.RunAsync(seed, async () =>
        {
            // Contested names are not pre-claimed here: the in-memory provider refuses a create of an existing record
            // set, so whichever owner creates one first keeps it even when both try in the same instant.
            var figures = await RunAsync(_ => provider, zone, seed, rounds: 300, preClaim: false);
            output.WriteLine("in-memory: " + figures);
        });
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task RunOnceAsync_TwoOwnersConcurrentlyOnPowerDns_NeverWriteEachOthersRecords()
    {
        var seed = ReliabilitySeed.Get(98);
        var server = await PowerDnsServer.StartAsync();
        var providers = new List<PowerDnsProvider>();
        try
        {
            var zone = await server.CreateZoneAsync();
            await ReliabilitySeed.RunAsync(seed, async () =>
            {
                // PowerDNS writes a create as a REPLACE of the whole RRset (it has no create-if-absent), so two owners
                // creating the same new name in the same instant would overwrite each other: the contested names are
                // claimed by one owner first, as in a real takeover attempt.
                var figures = await RunAsync(
                    owner =>
                    {
                        var p = new PowerDnsProvider(server.ProviderOptions(zone));
                        lock (providers)
                        {
                            providers.Add(p);
                        }

                        return p;
                    },
                    zone,
                    seed,
                    rounds: 40,
                    preClaim: true);
                output.WriteLine("PowerDNS: " + figures);
            });
        }
        finally
        {
            providers.ForEach(p => p.Dispose());
            await server.DisposeAsync();
        }
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task RunOnceAsync_TwoOwnersConcurrentlyWithDynamoDbRegistry_NeverWriteEachOthersRecords()
    {
        var seed = ReliabilitySeed.Get(97);
        const string zone = "shared.example.org";
        var dynamoDb = await DynamoDbLocalServer.StartAsync();
        try
        {
            var table = await dynamoDb.CreateTableAsync();
            var provider = new InMemoryDnsProvider([zone]);
            await ReliabilitySeed.RunAsync(seed, async () =>
            {
                // Not claimed beforehand: DynamoDB's conditional INSERT lets exactly one owner claim a contested name.
                var figures = await RunAsync(
                    _ => provider,
                    zone,
                    seed,
                    rounds: 100,
                    preClaim: false,
                    (owner, p) => new DynamoDbRegistry(p, dynamoDb.NewClient(), new DynamoDbRegistryOptions { TableName = table, OwnerId = owner }),
                    async name => (await dynamoDb.ItemsAsync(table)).SingleOrDefault(i => i.K == $"{name}#A#").O);
                output.WriteLine("DynamoDB registry: " + figures);
            });
        }
        finally
        {
            await dynamoDb.DisposeAsync();
        }
    }

    private static async Task<string> RunAsync(
        Func<string, IDnsProvider> providerFor,
        string zone,
        int seed,
        int rounds,
        bool preClaim,
        Func<string, IDnsProvider, IRegistry>? registryFor = null,
        Func<string, Task<string?>>? ownerOf = null)
    {
        var log = new ConcurrentQueue<RecordedWrite>();
        var contested = Enumerable.Range(0, 6).Select(i => $"both{i}.{zone}").ToArray();
        registryFor ??= (owner, provider) => new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = owner });
        var sides = Owners.Select((owner, index) =>
        {
            var provider = new RecordingDnsProvider(providerFor(owner), owner, log);
            return new OwnerSide(owner, index, zone, contested, provider, registryFor(owner, provider), new Random(seed + index));
        }).ToArray();
        try
        {
            if (preClaim)
            {
                // Alpha claims the contested names first; beta wants them too, with other targets.
                var first = await sides[0].Reconciler.RunOnceAsync();
                Assert.True(first.Succeeded, first.ToString());
            }

            var results = await Task.WhenAll(sides.Select(side => Task.Run(async () =>
            {
                var outcomes = new List<ReconcileResult>();
                for (var round = 0; round < rounds; round++)
                {
                    side.Mutate();
                    outcomes.Add(await side.Reconciler.RunOnceAsync());
                }

                return outcomes;
            })));

            // Settle: each converges alone.
            foreach (var side in sides)
            {
                await side.Reconciler.RunOnceAsync();
                Assert.Equal(ReconcileOutcome.NoChanges, (await side.Reconciler.RunOnceAsync()).Outcome);
            }

            // 1. The record sets each owner wrote (or tried to) never include one the other owner wrote.
            var writes = log.ToArray();
            var byOwner = Owners.ToDictionary(o => o, o => writes.Where(w => w.Writer == o && w.Applied).Select(w => Normalize(w.Key)).ToHashSet());
            var crossed = byOwner["alpha"].Intersect(byOwner["beta"]).ToList();
            Assert.True(crossed.Count == 0, $"record sets written by both owners: {string.Join(", ", crossed.Take(10))}");

            // 2. Every contested name belongs to exactly one owner, with that owner's targets; exclusive names are as desired.
            var records = await sides[0].Provider.GetRecordsAsync();
            var winners = new Dictionary<string, int>();
            foreach (var name in contested)
            {
                var record = Assert.Single(records, r => DnsNames.AreEqual(r.DnsName, name) && r.RecordType == RecordType.A);
                var owner = Assert.Single(sides, s => s.Desired(name).Targets.SequenceEqual(record.Targets));
                winners[owner.Owner] = winners.GetValueOrDefault(owner.Owner) + 1;
                if (ownerOf is null)
                {
                    var ownership = Assert.Single(records, r => DnsNames.AreEqual(r.DnsName, "a-" + name) && r.RecordType == RecordType.TXT);
                    Assert.Contains("owner=" + owner.Owner, ownership.Targets[0], StringComparison.Ordinal);
                }
                else
                {
                    Assert.Equal(owner.Owner, await ownerOf(name));
                }

                Assert.DoesNotContain(writes, w => w.Writer != owner.Owner && w.Applied && Normalize(w.Key).StartsWith(DnsNames.Normalize(name) + "#", StringComparison.Ordinal));
            }

            foreach (var side in sides)
            {
                foreach (var wanted in side.Exclusive)
                {
                    var record = Assert.Single(records, r => r.Key == wanted.Key);
                    Assert.Equal(wanted.Targets.Order(StringComparer.Ordinal), record.Targets.Order(StringComparer.Ordinal));
                }

                Assert.DoesNotContain(records, r => r.DnsName.StartsWith(side.Owner + "-", StringComparison.Ordinal) && r.RecordType == RecordType.A
                    && !side.Exclusive.Any(w => w.Key == r.Key));
            }

            var failed = results.Sum(r => r.Count(x => !x.Succeeded));
            var errors = results.SelectMany(r => r).Where(x => x.Error is not null).GroupBy(x => x.Error!.ToString()).Select(g => $"{g.Count()}x {g.Key}");
            var mismatches = results.Sum(r => r.Sum(x => x.OwnerMismatches.Count));
            return $"seed={seed} rounds={rounds}x2 writes-recorded={writes.Length} applied-by-alpha={byOwner["alpha"].Count} applied-by-beta={byOwner["beta"].Count} "
                + $"refused-writes={writes.Count(w => !w.Applied)} failed-reconciles={failed} owner-mismatches-reported={mismatches} "
                + $"contested-won={string.Join("/", winners.Select(p => $"{p.Key}:{p.Value}"))} cross-owner-writes={crossed.Count}"
                + (failed == 0 ? string.Empty : "\nerrors: " + string.Join("\n  ", errors));
        }
        finally
        {
            foreach (var side in sides)
            {
                side.Reconciler.Dispose();
                (side.Registry as IDisposable)?.Dispose();
            }
        }
    }

    private static string Normalize(EndpointKey key) => $"{DnsNames.Normalize(key.DnsName)}#{key.RecordType}#{key.SetIdentifier}";

    private sealed class OwnerSide
    {
        private readonly Random _random;
        private readonly string _zone;
        private readonly string[] _contested;
        private readonly int _index;
        private readonly Dictionary<string, DnsEndpoint> _exclusive = new(StringComparer.Ordinal);
        private readonly ProgrammaticEndpointSource _source = new();

        public OwnerSide(string owner, int index, string zone, string[] contested, IDnsProvider provider, IRegistry registry, Random random)
        {
            Owner = owner;
            _index = index;
            _zone = zone;
            _contested = contested;
            _random = random;
            Provider = provider;
            var options = new DnsReconcilerOptions { Guard = new SafetyGuardOptions { AllowUnsafePlans = true, AllowEmptySource = true } };
            Registry = registry;
            Reconciler = new DnsReconciler([_source], registry,
                Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
            Publish();
        }

        public string Owner { get; }

        public IDnsProvider Provider { get; }

        public DnsReconciler Reconciler { get; }

        public IRegistry Registry { get; }

        public IEnumerable<DnsEndpoint> Exclusive => _exclusive.Values;

        public DnsEndpoint Desired(string contestedName) =>
            new(contestedName, RecordType.A, $"203.0.113.{(_index * 100) + Array.IndexOf(_contested, contestedName) + 1}") { Ttl = 300 };

        public void Mutate()
        {
            var name = $"{Owner}-{_random.Next(12)}.{_zone}";
            if (_exclusive.ContainsKey(name) && _random.Next(3) == 0)
            {
                _exclusive.Remove(name);
            }
            else
            {
                _exclusive[name] = new DnsEndpoint(name, RecordType.A, $"192.0.2.{_random.Next(1, 255)}") { Ttl = 60 * _random.Next(1, 4) };
            }

            Publish();
        }

        private void Publish() => _source.ReplaceAll([.. _exclusive.Values, .. _contested.Select(Desired)]);
    }
}
