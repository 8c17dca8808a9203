using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>
/// Declarations must not understate either: a capability a real provider does not declare really fails when forced,
/// and the registry settings the suite uses for apex and wildcard scenarios are really needed.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CapabilityDeclarationTests
{
    [Fact]
    public async Task SetIdentifiers_ForcedOnPowerDns_FailsBecausePowerDnsRefusesThem()
    {
        await using var server = await TestServers.PowerDnsServer.StartAsync();
        var target = new ConformanceTarget
        {
            Name = "pdns-forced",
            Capabilities = KnownProviderCapabilities.PowerDns with { SetIdentifiers = true },
            CreateSubjectAsync = async (scenario, ct) =>
            {
                var zone = scenario.Name + ".forced.test";
                await server.CreateZoneAsync(zone, ct);
                return new ConformanceSubject(new PowerDns.PowerDnsProvider(server.ProviderOptions(zone)), new ConformanceZone(zone));
            },
        };

        var error = await Assert.ThrowsAsync<ConformanceException>(() => new ConformanceRunner(target).RunAsync(ConformanceScenarios.Get("set-identifiers")));

        Assert.Contains("step 1/3", error.Message, StringComparison.Ordinal);
        Assert.Contains("set identifier", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(TestServers.Rfc2136ServerKind.Bind)]
    [InlineData(TestServers.Rfc2136ServerKind.Knot)]
    public async Task SetIdentifiers_ForcedOnRfc2136Server_FailsBecauseRfc2136HasNone(TestServers.Rfc2136ServerKind kind)
    {
        await using var server = await TestServers.Rfc2136Server.StartAsync(kind, [new("set-identifiers.forced.test")]);
        var target = new ConformanceTarget
        {
            Name = $"rfc2136-{kind}-forced",
            Capabilities = KnownProviderCapabilities.Rfc2136 with { SetIdentifiers = true },
            CreateSubjectAsync = (scenario, _) => Task.FromResult(new ConformanceSubject(server.CreateProvider("set-identifiers.forced.test"), new ConformanceZone("set-identifiers.forced.test"))),
        };

        var error = await Assert.ThrowsAsync<ConformanceException>(() => new ConformanceRunner(target).RunAsync(ConformanceScenarios.Get("set-identifiers")));

        Assert.Contains("set-identifiers", error.Message, StringComparison.Ordinal);
        Assert.Contains("set identifiers (routing policies) are not supported", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WildcardScenario_TxtRegistryWithoutReplacement_FailsOnPowerDns()
    {
        await using var server = await TestServers.PowerDnsServer.StartAsync();
        var target = new ConformanceTarget
        {
            Name = "pdns-no-wildcard-replacement",
            Capabilities = KnownProviderCapabilities.PowerDns,
            CreateSubjectAsync = async (scenario, ct) =>
            {
                var zone = scenario.Name + ".plain.test";
                await server.CreateZoneAsync(zone, ct);
                return new ConformanceSubject(new PowerDns.PowerDnsProvider(server.ProviderOptions(zone)), new ConformanceZone(zone));
            },
            ConfigureRegistry = (b, ctx) => ConformanceTarget.UseTxtRegistry(b, ctx with { WritesWildcard = false }),
        };

        var error = await Assert.ThrowsAsync<ConformanceException>(() => new ConformanceRunner(target).RunAsync(ConformanceScenarios.Get("wildcard")));

        Assert.Contains("a-*.wild", error.Message, StringComparison.Ordinal);
    }
}
