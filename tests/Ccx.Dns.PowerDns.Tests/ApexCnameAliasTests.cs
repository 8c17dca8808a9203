using Ccx.Dns.Endpoints;
using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>
/// A CNAME at a zone apex cannot be a CNAME in DNS; the PowerDNS provider writes it as an ALIAS. The report says so,
/// the provider warns once, and the record answers A queries only on a pdns_server with <c>expand-alias=yes</c> and a
/// <c>resolver=</c> — checked on two real servers, one without and one with the setting.
/// </summary>
[Collection(PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ApexCnameAliasTests(PowerDnsServerFixture plain, ExpandAliasPowerDnsServerFixture expandAlias) : IClassFixture<ExpandAliasPowerDnsServerFixture>
{
    [Fact]
    public async Task ApexCname_PlainServer_ReportedAsWrittenAsAliasWarnedOnceAndAnswersNoAddress()
    {
        var (result, logger, again) = await ReconcileApexCnameAsync(plain);

        var created = Assert.Single(result.AppliedChanges.Create, e => e.RecordType == RecordType.CNAME);
        Assert.True(created.TryGetProviderSpecific(ProviderSpecificNames.WrittenAs, out var writtenAs));
        Assert.Equal("ALIAS", writtenAs);
        Assert.Contains("| CNAME (written as ALIAS) |", result.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains("\"written-as\"", result.ToJson(), StringComparison.Ordinal);
        Assert.Single(logger.Lines, e => e.StartsWith("Warning 10 ", StringComparison.Ordinal) && e.Contains("expand-alias=yes", StringComparison.Ordinal));
        Assert.Equal(ReconcileOutcome.NoChanges, again.Outcome); // read back as CNAME written as ALIAS: converged
        Assert.Empty(await plain.Dig.DataAsync(Zone(result), "A")); // without expand-alias: no data
    }

    [Fact]
    public async Task ApexCname_ServerWithExpandAlias_AnswersTheTargetsAddress()
    {
        var (result, _, _) = await ReconcileApexCnameAsync(expandAlias);

        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        Assert.Equal(["192.0.2.55"], await expandAlias.Dig.DataAsync(Zone(result), "A"));
    }

    private static string Zone(ReconcileResult result) =>
        result.AppliedChanges.Create.Single(e => e.RecordType == RecordType.CNAME).DnsName;

    /// <summary>Creates a target zone with lb A 192.0.2.55 and an apex zone; reconciles "apex CNAME lb.target" twice.</summary>
    private static async Task<(ReconcileResult First, CapturingLogger<PowerDnsProvider> Logger, ReconcileResult Second)> ReconcileApexCnameAsync(PowerDnsServerFixture server)
    {
        var target = await server.CreateZoneAsync();
        var apex = await server.CreateZoneAsync();
        var logger = new CapturingLogger<PowerDnsProvider>();
        using var provider = new PowerDnsProvider(server.Options(apex, target), logger);
        await provider.ApplyChangesAsync(new Planning.DnsChanges { Create = [new DnsEndpoint($"lb.{target}", RecordType.A, "192.0.2.55")] });
        var source = new ProgrammaticEndpointSource();
        source.ReplaceAll([new DnsEndpoint(apex, RecordType.CNAME, $"lb.{target}")]);
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "cp", Prefix = "%{record_type}-owner." });
        using var reconciler = new DnsReconciler([source], registry, Options.Create(new DnsReconcilerOptions()), TimeProvider.System, new CapturingLogger<DnsReconciler>());

        var first = await reconciler.RunOnceAsync();
        var second = await reconciler.RunOnceAsync();
        Assert.True(first.Applied, first.ToString());
        return (first, logger, second);
    }
}
