using System.Diagnostics;
using System.Text;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Reliability.Tests.Infrastructure;
using Ccx.Dns.Route53;
using Ccx.Dns.TestServers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ccx.Dns.Reliability.Tests;

/// <summary>
/// The seeded fault rounds of <see cref="FaultInjectionTests"/> for Route 53, with the faults on the wire: the provider
/// talks over its own HTTP stack to <see cref="Route53RuleProxy"/> in front of moto, which enforces Route 53's rules and
/// answers Throttling, PriorRequestNotComplete, 500 and 503, or drops the connection before or after forwarding (the
/// change applied, the answer lost); the reconciler is also cancelled (host shutdown) right before or right after a
/// change batch is applied, and restarted. After every round the faults stop: the zone must converge within the bound,
/// every invariant must hold, and no foreign record may have been touched, in the zone or on the wire.
/// </summary>
public sealed class Route53FaultInjectionTests(ITestOutputHelper output)
{
    private const string OwnerId = "reliability";
    private const string Caller = "AKIDRELIABILITY";
    private const double WireFaultRate = 0.3;
    private const double RestartRate = 0.04;

    [Fact]
    [Trait("Category", "Integration")]
    public async Task RunOnceAsync_RandomChangesUnderWireFaultsOnRoute53_ConvergesAndKeepsForeignRecords()
    {
        var seed = ReliabilitySeed.Get(14);
        var rounds = ReliabilitySeed.Rounds(100); // moto answers in tens of milliseconds on a busy machine: 100 rounds keep the run under a minute
        await using var target = await Route53ReliabilityZone.StartAsync("faults.example.org");
        await ReliabilitySeed.RunAsync(seed, async () =>
        {
            var figures = await RunAsync(target, seed, rounds);
            output.WriteLine("Route 53 (moto behind the rule proxy): " + figures);
            Assert.Equal(rounds, figures.Rounds);
            Assert.True(figures.MaxReconcilesToConverge <= FaultInjectionTests.ConvergenceBound, $"converged only after {figures.MaxReconcilesToConverge} reconciles");
            Assert.All(Enum.GetValues<Route53FaultKind>(), kind => Assert.True(figures.Faults[kind] > 0, $"wire fault {kind} never injected"));
            Assert.True(figures.CancelledBeforeApply > 0 && figures.CancelledAfterApply > 0, "no restart both before and after an apply");
            Assert.Equal(0, figures.ForeignChangesAttempted);
            Assert.Equal(0, figures.ForeignChangesApplied);
            Assert.Empty(target.Proxy.ProxyErrors);
            Assert.DoesNotContain(target.Proxy.Batches, b => b.Outcome == Route53BatchOutcome.RefusedUpstream);
        });
    }

    /// <summary>Records of another owner (with their ownership records), an unowned record and a plain TXT; returns their snapshot.</summary>
    internal static async Task<Dictionary<EndpointKey, string>> SeedForeignAsync(Route53ReliabilityZone target)
    {
        var zone = target.Zone;
        var provider = target.NewProvider("AKIDFOREIGNOWNER");
        var foreign = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "foreign" });
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
        Assert.Equal(8, snapshot.Count); // 3 records + 3 ownership records + 2 unowned
        return snapshot;
    }

    /// <summary>Changes on the wire that touch one of <paramref name="keys"/>: (attempted, applied).</summary>
    internal static (int Attempted, int Applied) Touching(IEnumerable<Route53WireBatch> batches, IEnumerable<EndpointKey> keys)
    {
        var set = keys.Select(k => (DnsNames.Normalize(k.DnsName), k.RecordType.Value, k.SetIdentifier)).ToHashSet();
        int attempted = 0, applied = 0;
        foreach (var batch in batches)
        {
            var hits = batch.Changes.Count(c => set.Contains((c.Name, c.Type, c.SetIdentifier)));
            attempted += hits;
            applied += batch.Applied ? hits : 0;
        }

        return (attempted, applied);
    }

    private static async Task<Figures> RunAsync(Route53ReliabilityZone target, int seed, int rounds)
    {
        var random = new Random(seed);
        var restarts = new Random(seed + 1);
        var proxy = target.Proxy;
        var zone = target.Zone;
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        var foreign = await SeedForeignAsync(target);
        var model = new DesiredStateModel(random, zone, poolSize: 24, [("shared0." + zone, RecordType.A), ("shared1." + zone, RecordType.CNAME)]);
        model.Start();
        var audit = new ZoneAudit(OwnerId, new TxtNameMapper(), new TxtOwnershipCodec(null, false));
        var figures = new Figures { Seed = seed };
        var watch = Stopwatch.StartNew();
        var requestsBefore = proxy.TotalCalls;

        // Host shutdown right before or right after Route 53 applies one of our batches (seeded apart from the wire faults).
        CancellationTokenSource? run = null;
        var restartsOn = false;
        proxy.BeforeForwarding = batch =>
        {
            if (!restartsOn || batch.Caller != Caller || restarts.NextDouble() >= RestartRate)
            {
                return true;
            }

            Interlocked.Increment(ref figures.CancelledBeforeApply);
            run?.Cancel();
            return false;
        };
        proxy.AfterForwarding = batch =>
        {
            if (restartsOn && batch.Caller == Caller && restarts.NextDouble() < RestartRate)
            {
                Interlocked.Increment(ref figures.CancelledAfterApply);
                run?.Cancel();
            }
        };
        proxy.UseFaultSchedule(new Route53FaultSchedule(seed, WireFaultRate));

        var instance = Create(target, model, loggerFactory);
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                // Faulty phase: one to three reconciles, each after one to three desired changes.
                proxy.FaultsEnabled = true;
                restartsOn = true;
                for (var attempt = random.Next(1, 4); attempt > 0; attempt--)
                {
                    for (var changes = random.Next(1, 4); changes > 0; changes--)
                    {
                        model.Mutate();
                    }

                    using var cts = new CancellationTokenSource();
                    run = cts;
                    try
                    {
                        var result = await instance.Reconciler.RunOnceAsync(cts.Token);
                        figures.FaultyReconciles++;
                        if (result.Error is { } error)
                        {
                            figures.FailedReconciles++;
                            figures.ConflictsSurfaced += error.Exception is DnsRecordConflictException ? 1 : 0;
                            if (!error.IsTransient)
                            {
                                throw new InvalidOperationException($"round {round}: an injected transient fault surfaced as permanent: {error}", error.Exception);
                            }
                        }
                    }
                    catch (OperationCanceledException) when (cts.IsCancellationRequested)
                    {
                        // Host shutdown mid-apply: a new process starts with a new provider, registry and reconciler.
                        figures.Restarts++;
                        instance.Dispose();
                        instance = Create(target, model, loggerFactory);
                    }
                }

                // Faults stop: the zone must converge within the bound, then every invariant must hold.
                proxy.FaultsEnabled = false;
                restartsOn = false;
                run = null;
                var runs = 0;
                ReconcileResult converging;
                do
                {
                    runs++;
                    converging = await instance.Reconciler.RunOnceAsync();
                    if (!converging.Succeeded || converging.Rejected.Count > 0)
                    {
                        throw new InvalidOperationException($"round {round}: reconcile {runs} without faults did not succeed cleanly: {converging}; rejected: {string.Join("; ", converging.Rejected)}");
                    }
                }
                while (converging.Outcome != ReconcileOutcome.NoChanges && runs < FaultInjectionTests.ConvergenceBound + 3);

                if (converging.Outcome != ReconcileOutcome.NoChanges)
                {
                    throw new InvalidOperationException($"round {round}: not converged after {runs} reconciles; last plan {converging.Changes.ToJson()}");
                }

                figures.Converged(runs);
                var records = await target.ReadAsync();
                var problems = audit.Check(records, foreign, model.Achievable).ToList();
                problems.AddRange((await target.DuplicatesAsync()).Select(d => "duplicate record set at moto: " + d));
                var touched = Touching(proxy.Batches.Where(b => b.Caller == Caller), foreign.Keys);
                if (touched.Attempted > 0)
                {
                    problems.Add($"{touched.Attempted} change(s) on the wire touched foreign records ({touched.Applied} applied)");
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
            proxy.BeforeForwarding = null;
            proxy.AfterForwarding = null;
            instance.Dispose();
        }

        figures.Elapsed = watch.Elapsed;
        figures.Requests = proxy.TotalCalls - requestsBefore;
        foreach (var (kind, count) in proxy.Faults)
        {
            figures.Faults[kind] = count;
        }

        var ours = proxy.Batches.Where(b => b.Caller == Caller).ToList();
        figures.Batches = ours.Count;
        figures.BatchesByOutcome = ours.GroupBy(b => b.Outcome).ToDictionary(g => g.Key, g => g.Count());
        figures.LostWritesRecognised = logs.Lines.Count(e => e.Contains("already holds exactly what it wanted", StringComparison.Ordinal));
        (figures.ForeignChangesAttempted, figures.ForeignChangesApplied) = Touching(ours, foreign.Keys);
        foreach (var (kind, count) in model.Counts)
        {
            figures.Changes[kind] = count;
        }

        return figures;
    }

    private static ReconcilerInstance Create(Route53ReliabilityZone target, DesiredStateModel model, ILoggerFactory logs)
    {
        var provider = target.NewProvider(Caller, logs, o =>
        {
            o.MaxAttempts = 3; // so that some faults outlast the retries and fail the reconcile
            o.MaxChangesPerBatch = 12; // so that a plan often spans several batches
        });
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = OwnerId });
        var options = new DnsReconcilerOptions { Guard = new SafetyGuardOptions { AllowUnsafePlans = true, AllowEmptySource = true } };
        var reconciler = new DnsReconciler(
            [model.Programmatic, model.Datastores], registry, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
        return new ReconcilerInstance(reconciler, provider);
    }

    private sealed class ReconcilerInstance(DnsReconciler reconciler, Route53Provider provider) : IDisposable
    {
        public DnsReconciler Reconciler { get; } = reconciler;

        public void Dispose()
        {
            Reconciler.Dispose();
            provider.Dispose();
        }
    }

    private sealed class Figures
    {
        // Fields: counted with Interlocked from the proxy's threads.
        public int CancelledBeforeApply;
        public int CancelledAfterApply;

        public int Seed { get; init; }

        public int Rounds { get; set; }

        public int FaultyReconciles { get; set; }

        public int FailedReconciles { get; set; }

        public int ConflictsSurfaced { get; set; }

        public int Restarts { get; set; }

        public int Requests { get; set; }

        public int Batches { get; set; }

        public Dictionary<Route53BatchOutcome, int> BatchesByOutcome { get; set; } = [];

        public int LostWritesRecognised { get; set; }

        public int ForeignChangesAttempted { get; set; }

        public int ForeignChangesApplied { get; set; }

        public int MaxReconcilesToConverge { get; private set; }

        public Dictionary<int, int> ConvergenceHistogram { get; } = [];

        public Dictionary<Route53FaultKind, int> Faults { get; } = [];

        public Dictionary<DesiredChangeKind, int> Changes { get; } = [];

        public TimeSpan Elapsed { get; set; }

        public void Converged(int runs)
        {
            MaxReconcilesToConverge = Math.Max(MaxReconcilesToConverge, runs);
            ConvergenceHistogram[runs] = ConvergenceHistogram.GetValueOrDefault(runs) + 1;
        }

        public override string ToString()
        {
            var sb = new StringBuilder();
            sb.Append($"seed={Seed} rounds={Rounds} faulty-reconciles={FaultyReconciles} failed={FailedReconciles} (conflicts={ConflictsSurfaced}) ")
              .Append($"restarts={Restarts} (cancelled before apply={CancelledBeforeApply}, after apply={CancelledAfterApply}) elapsed={Elapsed.TotalSeconds:0.0}s ")
              .Append($"max-reconciles-to-converge={MaxReconcilesToConverge}\n")
              .Append("converged after n reconciles: ").AppendJoin(", ", ConvergenceHistogram.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}")).Append('\n')
              .Append($"requests={Requests}; wire faults injected ({Faults.Values.Sum()}): ").AppendJoin(", ", Faults.Select(p => $"{p.Key}={p.Value}")).Append('\n')
              .Append($"change batches={Batches}: ").AppendJoin(", ", BatchesByOutcome.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))
              .Append($"; lost writes recognised as applied={LostWritesRecognised}\n")
              .Append($"foreign record changes on the wire: attempted={ForeignChangesAttempted} applied={ForeignChangesApplied}\n")
              .Append("desired changes: ").AppendJoin(", ", Changes.Select(p => $"{p.Key}={p.Value}"));
            return sb.ToString();
        }
    }
}
