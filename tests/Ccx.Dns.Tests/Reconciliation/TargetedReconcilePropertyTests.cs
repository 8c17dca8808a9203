using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources;
using Ccx.Dns.Sources.Programmatic;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Ccx.Dns.Tests.Reconciliation;

/// <summary>
/// A targeted reconcile does exactly what a full one does: two identical stacks (in-memory provider + TXT registry +
/// programmatic source, with or without the caching provider) receive the same random change sequences, one reconciled targeted at the names each change
/// signal named, the other in full; the reports must be identical at every step and the zones identical throughout.
/// Random zones hold records of another owner and unowned records; options vary policy, dry run, managed TXT (with
/// forged ownership text), wildcard replacement and a tight delete guard.
/// </summary>
public sealed class TargetedReconcilePropertyTests(ITestOutputHelper output)
{
    private const string Zone = "example.org";
    private static readonly string[] Names = ["a", "b", "c", "d", "*.w", "any.w", "x.y"];
    private static readonly RecordType[] Types = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT];
    private static readonly string[] TxtTexts = ["x", "X", "y", "heritage=external-dns,external-dns/owner=alpha"];

    private static readonly Gen<DnsEndpoint> GenEndpoint =
        Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[0, Types.Length - 1], Gen.Int[0, 3], Gen.Int[1, 2], Gen.Int[0, 12])
            .Select((n, t, v, count, ttl) => Endpoint(Names[n], Types[t], v, count, ttl == 0 ? 0 : ttl * 30));

    private static readonly Gen<SourceStep> GenStep = Gen.Frequency(
        (5, GenEndpoint.Select(e => (SourceStep)new UpsertStep(e))),
        (2, Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[0, Types.Length - 1]).Select((n, t) => (SourceStep)new RemoveStep(new EndpointKey(Fqdn(Names[n]), Types[t])))),
        (1, GenEndpoint.Array[0, 5].Select(a => (SourceStep)new ReplaceAllStep(a))),
        (1, Gen.Const((SourceStep)new FullStep())));

    private static readonly Gen<Case> GenCase =
        Gen.Select(
            Gen.Int[0, 2], Gen.Int[0, 19], Gen.Bool, Gen.Bool, Gen.Bool,
            Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[0, 2], Gen.Int[0, 3], Gen.Bool).Array[0, 4],
            GenStep.Array[1, 14])
        .Select((policy, dry, managedTxt, wildcard, tightGuard, foreign, steps) => new Case(
            Policy: policy switch { 0 => "sync", 1 => "upsert-only", _ => "create-only" },
            DryRun: dry % 10 == 0,
            Caching: dry >= 10,
            ManagedTxt: managedTxt,
            Wildcard: wildcard,
            TightGuard: tightGuard,
            Foreign: [.. foreign.Select(f => new Foreign(Names[f.Item1], Types[f.Item2], f.Item3, f.Item4))],
            Steps: steps));

    /// <summary>600 fixed seeds: the same cases every run.</summary>
    [Fact]
    public async Task FixedSeeds_TargetedAndFullReconcilesAgreeAtEveryStep()
    {
        var steps = 0;
        for (var seed = 1; seed <= 600; seed++)
        {
            var random = new Random(seed);
            var @case = FromRandom(random);
            try
            {
                steps += await RunAsync(@case);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"seed {seed}: {@case}", e);
            }
        }

        output.WriteLine($"600 fixed seeds, {steps} steps, each reconciled targeted and full");
    }

    /// <summary>1,500 generated cases (CsCheck prints a seed to reproduce any failure, and shrinks it).</summary>
    [Fact]
    public void GeneratedCases_TargetedAndFullReconcilesAgreeAtEveryStep() =>
        GenCase.Sample(c => RunAsync(c).GetAwaiter().GetResult(), iter: 1_500, threads: 1, print: c => c.ToString());

    private static Case FromRandom(Random random)
    {
        DnsEndpoint RandomEndpoint() => Endpoint(Names[random.Next(Names.Length)], Types[random.Next(Types.Length)], random.Next(4), 1 + random.Next(2), random.Next(3) * 60);
        var steps = new SourceStep[1 + random.Next(14)];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = random.Next(9) switch
            {
                < 5 => new UpsertStep(RandomEndpoint()),
                < 7 => new RemoveStep(new EndpointKey(Fqdn(Names[random.Next(Names.Length)]), Types[random.Next(Types.Length)])),
                < 8 => new ReplaceAllStep([.. Enumerable.Range(0, random.Next(6)).Select(_ => RandomEndpoint())]),
                _ => new FullStep(),
            };
        }

        return new Case(
            Policy: random.Next(3) switch { 0 => "sync", 1 => "upsert-only", _ => "create-only" },
            DryRun: random.Next(10) == 0,
            Caching: random.Next(2) == 0,
            ManagedTxt: random.Next(3) == 0,
            Wildcard: random.Next(3) == 0,
            TightGuard: random.Next(4) == 0,
            Foreign: [.. Enumerable.Range(0, random.Next(5)).Select(_ => new Foreign(Names[random.Next(Names.Length)], Types[random.Next(3)], random.Next(4), random.Next(2) == 0))],
            Steps: steps);
    }

    private static async Task<int> RunAsync(Case @case)
    {
        var full = await RunStackAsync(@case, targeted: false);
        var targeted = await RunStackAsync(@case, targeted: true);
        for (var i = 0; i < full.Count; i++)
        {
            if (!string.Equals(full[i], targeted[i], StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"step {i} differs\nfull:\n{full[i]}\ntargeted:\n{targeted[i]}");
            }
        }

        return full.Count;
    }

    /// <summary>Runs a case on a fresh stack; returns, per step, the report and the zone as text.</summary>
    private static async Task<List<string>> RunStackAsync(Case @case, bool targeted)
    {
        var provider = new InMemoryDnsProvider([Zone]);
        await SeedForeignAsync(provider, @case);
        var source = new ProgrammaticEndpointSource();
        HashSet<string>? signalled = [];
        source.Changed += (_, e) =>
        {
            var names = EndpointsChangedEventArgs.NamesOf(e);
            if (names is null)
            {
                signalled = null;
            }
            else
            {
                signalled?.UnionWith(names);
            }
        };

        IDnsProvider registryProvider = @case.Caching
            ? new CachingDnsProvider(provider, new CachingDnsProviderOptions { CacheDuration = TimeSpan.FromHours(1) })
            : provider;
        var registryOptions = new TxtRegistryOptions { OwnerId = "alpha", WildcardReplacement = @case.Wildcard ? "any" : string.Empty };
        var registry = new TxtRegistry(registryProvider, registryOptions);
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

        using var reconciler = new DnsReconciler([source], registry, Options.Create(options), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
        var reports = new List<string>();
        {
            reports.Add(Describe(await reconciler.RunOnceAsync(), provider));
            foreach (var step in @case.Steps)
            {
                signalled = [];
                step.Apply(source);
                var result = !targeted || step is FullStep || signalled is null
                    ? await reconciler.RunOnceAsync()
                    : await reconciler.RunOnceAsync(signalled);
                if (targeted && step is not FullStep && signalled is not null && result.Mode != ReconcileMode.Targeted && result.Error is null)
                {
                    throw new InvalidOperationException($"expected a targeted reconcile, got {result.Mode}: {result}");
                }

                reports.Add(Describe(result, provider));

                // The registry's kept (patched) view must equal what a fresh read of the zone gives.
                var kept = Labelled(await registry.GetRecordsAsync());
                var fresh = Labelled(await new TxtRegistry(provider, registryOptions).GetRecordsAsync());
                if (!string.Equals(kept, fresh, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"the registry's view drifted from the zone\nkept:\n{kept}\nfresh:\n{fresh}");
                }
            }
        }

        return reports;
    }

    private static async Task SeedForeignAsync(InMemoryDnsProvider provider, Case @case)
    {
        var beta = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "beta" });
        await beta.GetRecordsAsync();
        var owned = new List<DnsEndpoint>();
        var unowned = new List<DnsEndpoint>();
        var keys = new HashSet<EndpointKey>();
        foreach (var foreign in @case.Foreign)
        {
            var record = Endpoint(foreign.Name, foreign.Type, foreign.Variant, 1, 300);
            // One record per key, and a CNAME never beside another type at its name.
            var clash = keys.Contains(record.Key) || (foreign.Type == RecordType.CNAME
                ? keys.Any(k => k.DnsName == record.Key.DnsName)
                : keys.Contains(new EndpointKey(record.DnsName, RecordType.CNAME)));
            if (clash)
            {
                continue;
            }

            keys.Add(record.Key);

            (foreign.OwnedByBeta ? owned : unowned).Add(record);
        }

        if (owned.Count > 0)
        {
            await beta.ApplyChangesAsync(new DnsChanges { Create = owned });
        }

        if (unowned.Count > 0)
        {
            await provider.ApplyChangesAsync(new DnsChanges { Create = unowned });
        }
    }

    private static string Describe(ReconcileResult result, InMemoryDnsProvider provider)
    {
        static string Lines(IEnumerable<object> items) => string.Join("\n  ", items.Select(i => i.ToString()).Order(StringComparer.Ordinal));
        return $"""
            outcome {result.Outcome} error {result.Error?.Stage.ToString() ?? "-"} withheld {result.WithheldReason ?? "-"}
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
              {Lines(provider.GetZoneRecords(Zone))}
            """;
    }

    private static string Fqdn(string name) => name + "." + Zone;

    private static string Labelled(IReadOnlyList<DnsEndpoint> records) => TargetedReconcileCases.Labelled(records);

    private static DnsEndpoint Endpoint(string name, RecordType type, int variant, int count, long ttl) =>
        TargetedReconcileCases.Endpoint(Fqdn(name), type, variant, count, ttl, TxtTexts);

    private sealed record Foreign(string Name, RecordType Type, int Variant, bool OwnedByBeta);

    private sealed record Case(string Policy, bool DryRun, bool Caching, bool ManagedTxt, bool Wildcard, bool TightGuard, Foreign[] Foreign, SourceStep[] Steps)
    {
        public override string ToString() =>
            $"policy {Policy}, dry run {DryRun}, caching {Caching}, TXT managed {ManagedTxt}, wildcard replacement {Wildcard}, tight guard {TightGuard}; foreign [{string.Join("; ", Foreign.Select(f => f.ToString()))}]; steps [{string.Join("; ", Steps.Select(s => s.ToString()))}]";
    }
}
