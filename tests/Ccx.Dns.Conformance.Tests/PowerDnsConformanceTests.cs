using Ccx.Dns.Conformance.Tests.Infrastructure;
using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>A real pdns_server through its HTTP API, with the TXT registry; answers checked with real DNS queries.</summary>
[Collection(PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class PowerDnsConformanceTests(PowerDnsFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string> Scenarios => ConformanceTheoryData.Supported(KnownProviderCapabilities.PowerDns);

    private ConformanceTarget Target => CreateTarget(new DnsAnswerVerifier(fixture.Server.Query(), DnsAnswerVerifier.UnquotePresentation));

    private ConformanceTarget CreateTarget(DnsAnswerVerifier verifier, string zoneSuffix = "pdns.test")
    {
        {
            return new()
            {
                Name = "pdns+txt",
                Capabilities = KnownProviderCapabilities.PowerDns,
                CreateSubjectAsync = async (scenario, ct) =>
                {
                    var zone = scenario.Name + "." + zoneSuffix;
                    return new ConformanceSubject(await fixture.CreateZoneAndProviderAsync(zone, ct), new ConformanceZone(zone));
                },
                ConfigureApply = b => b.AddCaching(),
                VerifyStepAsync = verifier.VerifyAsync,
            };
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_PowerDnsWithTxtRegistry_ConvergesAndAnswersInDns(string scenario)
    {
        var verifier = new DnsAnswerVerifier(fixture.Server.Query(), DnsAnswerVerifier.UnquotePresentation);
        await ConformanceTheoryData.RunAsync(CreateTarget(verifier), scenario, output);
        output.WriteLine($"{verifier.Queries} real DNS queries agreed");
        Assert.True(verifier.Queries > 0, "no step was checked with a real DNS query");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_PowerDnsWithTxtRegistry_TargetedReconciles_ConvergeAndAnswerInDns(string scenario)
    {
        var verifier = new DnsAnswerVerifier(fixture.Server.Query(), DnsAnswerVerifier.UnquotePresentation);
        await ConformanceTheoryData.RunAsync(CreateTarget(verifier, "targeted.pdns.test"), scenario, output, ConformanceReconcileMode.Targeted);
        Assert.True(verifier.Queries > 0, "no step was checked with a real DNS query");
    }

    [Theory]
    [SkippedConformanceScenarios(nameof(KnownProviderCapabilities.PowerDns))]
    public void Scenario_PowerDns_NotDeclared_IsSkipped(string scenario, string reason) =>
        Assert.Fail($"{scenario} is not declared ({reason}) and must be reported as skipped, not run");

    [Fact]
    public void SkippedScenarios_PowerDns_AreListedWithReasons() => ConformanceTheoryData.ListSkipped(Target, output);
}
