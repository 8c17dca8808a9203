using System.Diagnostics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Reliability.Tests.Infrastructure;
using Ccx.Dns.Sources.Programmatic;
using Ccx.Dns.TestServers;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ccx.Dns.Reliability.Tests;

/// <summary>
/// The two-owner run of <see cref="TwoOwnersTests"/> for Route 53: two reconcilers with different owner ids (and
/// different AWS keys, so the proxy tells their writes apart on the wire) run concurrently on one hosted zone behind
/// <see cref="Route53RuleProxy"/>, each changing its own names at random, both desiring a set of contested names, with
/// a third owner's records beside them and light wire faults. Neither may ever write the other's records or the third
/// owner's, on the wire or in the zone.
/// </summary>
public sealed class Route53TwoOwnersTests(ITestOutputHelper output)
{
    private const double WireFaultRate = 0.1;
    private static readonly string[] Owners = ["alpha", "beta"];

    [Fact]
    [Trait("Category", "Integration")]
    public async Task RunOnceAsync_TwoOwnersConcurrentlyOnRoute53_NeverWriteEachOthersRecords()
    {
        var seed = ReliabilitySeed.Get(96);
        var rounds = 40;
        await using var target = await Route53ReliabilityZone.StartAsync("shared.example.org");
        await ReliabilitySeed.RunAsync(seed, async () =>
        {
            var watch = Stopwatch.StartNew();
            var zone = target.Zone;
            var proxy = target.Proxy;
            var third = await Route53FaultInjectionTests.SeedForeignAsync(target);
            var contested = Enumerable.Range(0, 6).Select(i => $"both{i}.{zone}").ToArray();
            var sides = Owners.Select((owner, index) => new OwnerSide(owner, index, zone, contested, target, new Random(seed + index))).ToArray();
            proxy.UseFaultSchedule(new Route53FaultSchedule(seed, WireFaultRate));
            proxy.FaultsEnabled = true;
            var batchesBefore = proxy.Batches.Count;
            try
            {
                // Not claimed beforehand: Route 53 refuses a CREATE of an existing record set, so whichever owner
                // creates a contested name first keeps it even when both try in the same instant.
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

                // Faults stop; each converges alone within the bound, then both stay converged.
                proxy.FaultsEnabled = false;
                foreach (var side in sides)
                {
                    var runs = 0;
                    ReconcileResult result;
                    do
                    {
                        runs++;
                        result = await side.Reconciler.RunOnceAsync();
                        Assert.True(result.Succeeded, $"{side.Owner}: settling reconcile {runs} failed: {result}");
                    }
                    while (result.Outcome != ReconcileOutcome.NoChanges && runs < FaultInjectionTests.ConvergenceBound + 3);

                    Assert.True(result.Outcome == ReconcileOutcome.NoChanges && runs <= FaultInjectionTests.ConvergenceBound, $"{side.Owner} converged only after {runs} reconciles");
                }

                foreach (var side in sides)
                {
                    Assert.Equal(ReconcileOutcome.NoChanges, (await side.Reconciler.RunOnceAsync()).Outcome);
                }

                // 1. On the wire: the record sets each owner's applied batches wrote never include one the other wrote,
                //    and no change of either (applied or refused) touched the third owner's records.
                var batches = proxy.Batches.Skip(batchesBefore).ToList();
                var written = sides.ToDictionary(
                    s => s.Owner,
                    s => batches.Where(b => b.Caller == s.Caller && b.Applied).SelectMany(b => b.Changes).Select(c => (c.Name, c.Type, c.SetIdentifier)).ToHashSet());
                var crossed = written["alpha"].Intersect(written["beta"]).ToList();
                Assert.True(crossed.Count == 0, $"record sets written by both owners on the wire: {string.Join(", ", crossed.Take(10))}");
                var thirdTouched = Route53FaultInjectionTests.Touching(batches, third.Keys);
                Assert.True(thirdTouched.Attempted == 0, $"{thirdTouched.Attempted} change(s) on the wire touched the third owner's records ({thirdTouched.Applied} applied)");

                // 2. In the zone: every contested name belongs to exactly one owner, with its targets and its ownership record.
                var records = await target.ReadAsync();
                var winners = new Dictionary<string, List<string>>(StringComparer.Ordinal) { ["alpha"] = [], ["beta"] = [] };
                foreach (var name in contested)
                {
                    var record = Assert.Single(records, r => DnsNames.AreEqual(r.DnsName, name) && r.RecordType == RecordType.A);
                    var owner = Assert.Single(sides, s => s.Desired(name).Targets.SequenceEqual(record.Targets));
                    winners[owner.Owner].Add(name);
                    var ownership = Assert.Single(records, r => DnsNames.AreEqual(r.DnsName, "a-" + name) && r.RecordType == RecordType.TXT);
                    Assert.Contains("owner=" + owner.Owner, ownership.Targets[0], StringComparison.Ordinal);
                    Assert.DoesNotContain(written[Owners.Single(o => o != owner.Owner)], k => k.Name == DnsNames.Normalize(name) || k.Name == "a-" + DnsNames.Normalize(name));
                }

                // 3. Each owner's records are exactly its desired ones, each with its ownership record (no orphans, no
                //    duplicates, CNAME rules kept), the other owner's and the third owner's records left as they are.
                var audits = new List<string>();
                foreach (var side in sides)
                {
                    var other = sides.Single(s => s != side);
                    var untouchable = new Dictionary<EndpointKey, string>(third);
                    foreach (var r in records.Where(r => other.Holds(r, winners[other.Owner])))
                    {
                        untouchable[r.Key] = r.ToString();
                    }

                    var desired = side.Exclusive.Concat(winners[side.Owner].Select(side.Desired)).ToList();
                    audits.AddRange(new ZoneAudit(side.Owner, new TxtNameMapper(), new TxtOwnershipCodec(null, false)).Check(records, untouchable, desired).Select(p => side.Owner + ": " + p));
                }

                audits.AddRange((await target.DuplicatesAsync()).Select(d => "duplicate record set at moto: " + d));
                Assert.True(audits.Count == 0, string.Join("\n", audits));
                Assert.Equal(third.OrderBy(p => p.Key.ToString()).Select(p => p.Value), records.Where(r => third.ContainsKey(r.Key)).OrderBy(r => r.Key.ToString()).Select(r => r.ToString()));
                Assert.Empty(proxy.ProxyErrors);
                Assert.DoesNotContain(batches, b => b.Outcome == Route53BatchOutcome.RefusedUpstream);

                var outcomes = results.SelectMany(r => r).ToList();
                output.WriteLine(
                    $"Route 53 two owners: seed={seed} rounds={rounds}x2 elapsed={watch.Elapsed.TotalSeconds:0.0}s "
                    + $"batches={batches.Count} applied-alpha={batches.Count(b => b.Caller == sides[0].Caller && b.Applied)} applied-beta={batches.Count(b => b.Caller == sides[1].Caller && b.Applied)} "
                    + $"refused-by-rules={batches.Count(b => b.Outcome == Route53BatchOutcome.RefusedByRules)} "
                    + $"failed-reconciles={outcomes.Count(x => !x.Succeeded)} (conflicts={outcomes.Count(x => x.Error?.Exception is DnsRecordConflictException)}) "
                    + $"owner-mismatches-reported={outcomes.Sum(x => x.OwnerMismatches.Count)} "
                    + $"wire-faults={string.Join(",", proxy.Faults.Where(p => p.Value > 0).Select(p => $"{p.Key}={p.Value}"))} "
                    + $"contested-won=alpha:{winners["alpha"].Count}/beta:{winners["beta"].Count} "
                    + $"record-sets-written-by-both={crossed.Count} third-owner-changes-on-the-wire={thirdTouched.Attempted}");
            }
            finally
            {
                proxy.FaultsEnabled = false;
                foreach (var side in sides)
                {
                    side.Reconciler.Dispose();
                }
            }
        });
    }

    private sealed class OwnerSide
    {
        private readonly Random _random;
        private readonly string _zone;
        private readonly string[] _contested;
        private readonly int _index;
        private readonly Dictionary<string, DnsEndpoint> _exclusive = new(StringComparer.Ordinal);
        private readonly ProgrammaticEndpointSource _source = new();

        public OwnerSide(string owner, int index, string zone, string[] contested, Route53ReliabilityZone target, Random random)
        {
            Owner = owner;
            Caller = "AKID" + owner.ToUpperInvariant();
            _index = index;
            _zone = zone;
            _contested = contested;
            _random = random;
            var provider = target.NewProvider(Caller, configure: o => o.MaxAttempts = 3);
            var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = owner });
            var options = new DnsReconcilerOptions { Guard = new SafetyGuardOptions { AllowUnsafePlans = true, AllowEmptySource = true } };
            Reconciler = new DnsReconciler([_source], registry, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
            Publish();
        }

        public string Owner { get; }

        public string Caller { get; }

        public DnsReconciler Reconciler { get; }

        public IEnumerable<DnsEndpoint> Exclusive => _exclusive.Values;

        public DnsEndpoint Desired(string contestedName) =>
            new(contestedName, RecordType.A, $"203.0.113.{(_index * 100) + Array.IndexOf(_contested, contestedName) + 1}") { Ttl = 300 };

        /// <summary>Whether a record (or its ownership record) is this owner's: its exclusive names and the contested names it won.</summary>
        public bool Holds(DnsEndpoint record, IEnumerable<string> won)
        {
            var name = DnsNames.Normalize(record.DnsName);
            return name.StartsWith(Owner + "-", StringComparison.Ordinal) || name.StartsWith("a-" + Owner + "-", StringComparison.Ordinal)
                || won.Any(w => name == DnsNames.Normalize(w) || name == "a-" + DnsNames.Normalize(w));
        }

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
