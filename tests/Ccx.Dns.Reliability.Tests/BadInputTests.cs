using System.Diagnostics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Reliability.Tests.Infrastructure;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ccx.Dns.Reliability.Tests;

/// <summary>100,000 generated desired endpoints, most of them invalid, through the whole reconciler.</summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    private const string Zone = "example.org";

    [Fact]
    public async Task RunOnceAsync_HundredThousandMixedEndpoints_RejectsEveryInvalidWithAReasonAndAppliesEveryValid()
    {
        var seed = ReliabilitySeed.Get(424242);
        await ReliabilitySeed.RunAsync(seed, async () =>
        {
            var generator = new BadEndpointGenerator(new Random(seed), Zone);
            var endpoints = generator.Generate(100_000, validShare: 0.3);
            var provider = new InMemoryDnsProvider([Zone]);
            var foreign = await FaultInjectionTests.SeedForeignAsync(provider);
            var source = new ProgrammaticEndpointSource();
            source.ReplaceAll(endpoints);
            var options = new DnsReconcilerOptions { Guard = new SafetyGuardOptions { AllowUnsafePlans = true } };
            options.IncludeDomains.Add(Zone);
            foreach (var type in new[] { "A", "AAAA", "CNAME", "TXT" })
            {
                options.ManagedRecordTypes.Add(type);
            }

            var registryOptions = new TxtRegistryOptions { OwnerId = "bulk" };
            registryOptions.ManagedRecordTypes.Add("A");
            registryOptions.ManagedRecordTypes.Add("AAAA");
            registryOptions.ManagedRecordTypes.Add("CNAME");
            registryOptions.ManagedRecordTypes.Add("TXT");
            using var reconciler = new DnsReconciler(
                [source], new TxtRegistry(provider, registryOptions), Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<DnsReconciler>.Instance);

            var watch = Stopwatch.StartNew();
            var first = await reconciler.RunOnceAsync();
            var firstTime = watch.Elapsed;
            watch.Restart();
            var second = await reconciler.RunOnceAsync();
            var secondTime = watch.Elapsed;

            Assert.True(first.Succeeded, first.ToString());
            Assert.Equal(ReconcileOutcome.Applied, first.Outcome);
            Assert.All(first.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason), $"rejection without a reason: {r.Endpoint}"));

            // Every invalid endpoint is rejected, and nothing valid is.
            var rejected = new HashSet<DnsEndpoint>(first.Rejected.Select(r => r.Endpoint), ReferenceEqualityComparer.Instance);
            var notRejected = generator.Invalid.Where(e => !rejected.Contains(e)).Take(10).ToList();
            Assert.True(notRejected.Count == 0, "invalid endpoints not rejected: " + string.Join("; ", notRejected));
            var validSet = new HashSet<DnsEndpoint>(generator.Valid, ReferenceEqualityComparer.Instance);
            var wronglyRejected = first.Rejected.Where(r => validSet.Contains(r.Endpoint)).Take(10).ToList();
            Assert.True(wronglyRejected.Count == 0, "valid endpoints rejected: " + string.Join("; ", wronglyRejected));
            Assert.Equal(generator.Invalid.Count, first.Rejected.Count);

            // Every valid endpoint is in the provider, exactly; nothing else of ours is; foreign records untouched.
            var zone = provider.GetZoneRecords(Zone).ToDictionary(r => r.Key);
            foreach (var valid in generator.Valid)
            {
                Assert.True(zone.TryGetValue(valid.Key, out var stored), $"valid endpoint not applied: {valid}");
                Assert.Equal(valid.Targets.Order(StringComparer.Ordinal), stored.Targets.Order(StringComparer.Ordinal));
                Assert.Equal(valid.Ttl, stored.Ttl);
            }

            Assert.Equal(foreign.Count + (2 * generator.Valid.Count), zone.Count); // each valid record plus its ownership record
            Assert.All(foreign, f => Assert.Equal(f.Value, zone[f.Key].ToString()));

            // The same input again: nothing to do, the same rejections.
            Assert.Equal(ReconcileOutcome.NoChanges, second.Outcome);
            Assert.Equal(first.Rejected.Count, second.Rejected.Count);

            output.WriteLine(
                $"seed={seed} endpoints={endpoints.Count} valid={generator.Valid.Count} invalid={generator.Invalid.Count} "
                + $"refused-by-DnsEndpoint-constructor={generator.RefusedAtConstruction.Values.Sum()} "
                + $"first-reconcile={firstTime.TotalMilliseconds:0} ms second-reconcile={secondTime.TotalMilliseconds:0} ms");
            output.WriteLine("invalid by kind: " + string.Join(", ", generator.InvalidByKind.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
            output.WriteLine("refused at construction: " + string.Join(", ", generator.RefusedAtConstruction.Select(p => $"{p.Key}={p.Value}")));
            output.WriteLine("sample reasons: " + string.Join(" | ", first.Rejected.GroupBy(r => r.Reason.Split(' ')[0]).Take(12).Select(g => g.First().Reason)));
        });
    }
}
