using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>The runner itself: it must catch providers that do not store what they are given, and list what it skips.</summary>
public sealed class ConformanceRunnerTests
{
    [Fact]
    public void All_Scenarios_AreAtLeastThirtyWithUniqueNames()
    {
        Assert.True(ConformanceScenarios.All.Count >= 30, $"only {ConformanceScenarios.All.Count} scenarios");
        Assert.Equal(ConformanceScenarios.All.Count, ConformanceScenarios.All.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ConformanceScenarios.All, s => Assert.NotEmpty(s.Steps));
    }

    [Fact]
    public async Task RunAsync_ProviderDroppingTtls_FailsReplanWithZeroChanges()
    {
        var runner = new ConformanceRunner(Target(records => records.Select(r => r with { Ttl = 0 }).ToList()));

        var error = await Assert.ThrowsAsync<ConformanceException>(() => runner.RunAsync(ConformanceScenarios.Get("ttl-change")));

        Assert.Contains("ttl-change", error.Message, StringComparison.Ordinal);
        Assert.Contains("step 1/3", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not give zero changes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProviderTruncatingTxt_FailsTxtLong()
    {
        var runner = new ConformanceRunner(Target(records => records
            .Select(r => r.RecordType == RecordType.TXT && r.Targets[0].Length > 255 ? r with { Targets = [r.Targets[0][..255]] } : r)
            .ToList()));

        var error = await Assert.ThrowsAsync<ConformanceException>(() => runner.RunAsync(ConformanceScenarios.Get("txt-long")));

        Assert.Contains("txt-long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProviderIgnoringDeletes_FailsWithTheStaleRecord()
    {
        var runner = new ConformanceRunner(Target(applyFilter: changes => changes with { Delete = [] }));

        var error = await Assert.ThrowsAsync<ConformanceException>(() => runner.RunAsync(ConformanceScenarios.Get("a-delete")));

        Assert.Contains("step 2/2", error.Message, StringComparison.Ordinal);
        Assert.Contains("www.a-delete.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProviderRewritingForeignRecords_FailsByteIdenticalCheck()
    {
        // Every apply also bumps the TTL of the foreign owner's record: the runner must notice.
        TamperingProvider? provider = null;
        var target = Target(applyFilter: changes => changes);
        target = target with
        {
            CreateSubjectAsync = (scenario, _) =>
            {
                var zone = scenario.Name + ".test";
                provider = new TamperingProvider(new InMemoryDnsProvider([zone]), static r => r, static c => c) { TamperForeign = true };
                return Task.FromResult(new ConformanceSubject(provider, new ConformanceZone(zone)));
            },
        };

        var error = await Assert.ThrowsAsync<ConformanceException>(() => new ConformanceRunner(target).RunAsync(ConformanceScenarios.Get("foreign-owned-untouched")));

        Assert.Contains("a record we do not own was changed", error.Message, StringComparison.Ordinal);
        Assert.Contains("theirs.foreign-owned-untouched.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAllAsync_CapabilitiesWithoutMxAndSetIdentifiers_SkipsAndListsThoseScenarios()
    {
        var capabilities = KnownProviderCapabilities.InMemory with
        {
            Name = "No-MX",
            RecordTypes = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT, RecordType.SRV, RecordType.CAA],
            SetIdentifiers = false,
        };
        var runner = new ConformanceRunner(Target(static r => r) with { Capabilities = capabilities });

        var report = await runner.RunAllAsync();

        Assert.Empty(report.Failed);
        var skipped = report.Skipped.ToDictionary(r => r.Scenario.Name, r => r.SkipReason);
        Assert.Equal("No-MX does not declare record type MX", skipped["mx-lifecycle"]);
        Assert.Equal("No-MX does not declare set identifiers", skipped["set-identifiers"]);
        Assert.DoesNotContain("a-create", skipped.Keys);
        Assert.Equal(ConformanceScenarios.All.Count, report.Results.Count);
        Assert.Equal(
            ConformanceScenarios.All.Where(s => s.Requirements.Any(r => r.Name is "record type MX" or "set identifiers")).Select(s => s.Name).Order(),
            skipped.Keys.Order());
    }

    [Fact]
    public async Task ApexScenario_TxtRegistryWithoutPrefix_FailsBecauseOwnershipFallsOutsideTheZone()
    {
        // ExternalDNS's default ownership name for apex "z" is "a-z", a sibling of the zone: the reason the suite
        // uses the templated prefix ConformanceTarget.ApexTxtPrefix for apex scenarios.
        var target = InMemoryConformanceTests.Target with
        {
            ConfigureRegistry = (b, ctx) => ConformanceTarget.UseTxtRegistry(b, ctx with { WritesApex = false }),
        };

        var error = await Assert.ThrowsAsync<ConformanceException>(() => new ConformanceRunner(target).RunAsync(ConformanceScenarios.Get("apex-a")));

        Assert.Contains("a-apex-a.inmemory.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InMemory_EveryScenario_PassesThroughRunAll()
    {
        var report = await new ConformanceRunner(InMemoryConformanceTests.Target with { ConfigureApply = null }).RunAllAsync();

        report.ThrowIfFailed();
        Assert.Empty(report.Skipped);
        Assert.Equal(ConformanceScenarios.All.Count, report.Results.Count(r => r.Outcome == ConformanceOutcome.Passed));
    }

    private static ConformanceTarget Target(Func<IReadOnlyList<DnsEndpoint>, IReadOnlyList<DnsEndpoint>>? readFilter = null, Func<DnsChanges, DnsChanges>? applyFilter = null) => new()
    {
        Name = "tampering",
        Capabilities = KnownProviderCapabilities.InMemory,
        CreateSubjectAsync = (scenario, _) =>
        {
            var zone = scenario.Name + ".test";
            return Task.FromResult(new ConformanceSubject(
                new TamperingProvider(new InMemoryDnsProvider([zone]), readFilter ?? (static r => r), applyFilter ?? (static c => c)),
                new ConformanceZone(zone)));
        },
    };

    /// <summary>An in-memory provider with a fault: it alters what it reads back or what it applies.</summary>
    private sealed class TamperingProvider(
        InMemoryDnsProvider inner,
        Func<IReadOnlyList<DnsEndpoint>, IReadOnlyList<DnsEndpoint>> readFilter,
        Func<DnsChanges, DnsChanges> applyFilter) : IDnsProvider
    {
        public bool TamperForeign { get; init; }

        public DomainFilter DomainFilter => inner.DomainFilter;

        public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) =>
            readFilter(await inner.GetRecordsAsync(cancellationToken));

        public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
        {
            await inner.ApplyChangesAsync(applyFilter(changes), cancellationToken);
            if (TamperForeign)
            {
                var theirs = (await inner.GetRecordsAsync(cancellationToken)).Where(r => r.DnsName.StartsWith("theirs.", StringComparison.Ordinal)).ToList();
                if (theirs.Count > 0 && changes.Create.All(c => !c.DnsName.StartsWith("theirs.", StringComparison.Ordinal)))
                {
                    await inner.ApplyChangesAsync(new DnsChanges { UpdateOld = theirs, UpdateNew = [.. theirs.Select(r => r with { Ttl = r.Ttl + 1 })] }, cancellationToken);
                }
            }
        }

        public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => inner.AdjustEndpoints(endpoints);
    }
}
