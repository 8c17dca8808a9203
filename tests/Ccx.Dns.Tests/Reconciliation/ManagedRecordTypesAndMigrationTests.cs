using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources.Programmatic;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.Reconciliation;

/// <summary>
/// <c>ManagedRecordTypes.Add("TXT")</c>, as the DynamoDB README and the migration page advise, adds TXT to the
/// defaults instead of unmanaging A, AAAA and CNAME; and an owner migration needs only the registry's OldOwnerId.
/// </summary>
public sealed class ManagedRecordTypesAndMigrationTests
{
    private const string Zone = "example.org";

    private static DnsEndpoint A(string name, string ip) => new($"{name}.{Zone}", RecordType.A, ip);

    [Fact]
    public async Task AddTxtInCode_AAndTxtAreBothManaged()
    {
        var provider = new InMemoryDnsProvider([Zone]);
        var source = new ProgrammaticEndpointSource();
        var options = new DnsReconcilerOptions();
        options.ManagedRecordTypes.Add("TXT");
        using var reconciler = new DnsReconciler([source], new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "cp" }), Options.Create(options), new ManualTimeProvider(), new CapturingLogger<DnsReconciler>());
        source.ReplaceAll([A("db", "10.0.0.1"), new DnsEndpoint($"note.{Zone}", RecordType.TXT, "hello")]);

        var result = await reconciler.RunOnceAsync();

        Assert.Empty(result.Rejected);
        Assert.Equal([RecordType.A, RecordType.TXT], result.AppliedChanges.Create.Select(e => e.RecordType).Order());
    }

    [Fact]
    public async Task AddTxtInConfiguration_AAndTxtAreBothManaged()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Dns:ManagedRecordTypes:0"] = "TXT" }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDnsReconciler(configuration.GetSection("Dns")).AddInMemoryProvider(o => o.Zones.Add(Zone)).AddTxtRegistry(o => o.OwnerId = "cp").AddProgrammaticSource();
        await using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<ProgrammaticEndpointSource>().ReplaceAll([A("db", "10.0.0.1"), new DnsEndpoint($"note.{Zone}", RecordType.TXT, "hello")]);

        var result = await sp.GetRequiredService<DnsReconciler>().RunOnceAsync();

        Assert.Empty(result.Rejected);
        Assert.Equal(2, result.AppliedChanges.Create.Count);
    }

    [Fact]
    public async Task RegistryOldOwnerIdAlone_MigratesEveryRecordOnceThenNoChanges()
    {
        var provider = new InMemoryDnsProvider([Zone]);
        await new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "old" })
            .ApplyChangesAsync(new DnsChanges { Create = [A("db", "10.0.0.1"), A("api", "10.0.0.2")] });
        var source = new ProgrammaticEndpointSource();
        source.ReplaceAll([A("db", "10.0.0.1"), A("api", "10.0.0.2")]);
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "new", OldOwnerId = "old" });
        using var reconciler = new DnsReconciler([source], registry, Options.Create(new DnsReconcilerOptions()), new ManualTimeProvider(), new CapturingLogger<DnsReconciler>());

        var first = await reconciler.RunOnceAsync();
        var second = await reconciler.RunOnceAsync();

        Assert.Equal((ReconcileOutcome.Applied, 2), (first.Outcome, first.AppliedChanges.UpdateNew.Count));
        Assert.Equal(ReconcileOutcome.NoChanges, second.Outcome);
        var ownership = provider.GetZoneRecords(Zone).Where(r => r.RecordType == RecordType.TXT && r.DnsName.StartsWith("a-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, ownership.Count);
        Assert.All(ownership, t => Assert.Contains("external-dns/owner=new", t.Targets[0], StringComparison.Ordinal));

        // Without the migration setting, the old owner's records are no longer foreign.
        using var after = new DnsReconciler([source], new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "new" }), Options.Create(new DnsReconcilerOptions()), new ManualTimeProvider(), new CapturingLogger<DnsReconciler>());
        var settled = await after.RunOnceAsync();
        Assert.Equal(ReconcileOutcome.NoChanges, settled.Outcome);
        Assert.Empty(settled.OwnerMismatches);
    }
}
