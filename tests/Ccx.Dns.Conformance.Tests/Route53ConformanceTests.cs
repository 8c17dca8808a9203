using Ccx.Dns.Conformance.Tests.Infrastructure;
using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>
/// The Route 53 provider against moto_server behind the project's rule proxy, which enforces the Route 53 rules moto
/// does not (moto is an AWS emulator: it speaks the Route 53 API but serves no DNS, so answers are checked through the
/// API only), with the TXT registry.
/// </summary>
[Collection(MotoServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Route53ConformanceTests(MotoFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string> Scenarios => ConformanceTheoryData.Supported(KnownProviderCapabilities.Route53);

    private ConformanceTarget Target => CreateTarget("route53.test");

    private ConformanceTarget CreateTarget(string zoneSuffix) => new()
    {
        Name = "route53(moto)+txt",
        Capabilities = KnownProviderCapabilities.Route53,
        CreateSubjectAsync = async (scenario, ct) =>
        {
            var zone = scenario.Name + "." + zoneSuffix;
            return new ConformanceSubject(await fixture.CreateZoneAndProviderAsync(zone, ct), new ConformanceZone(zone));
        },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_Route53WithTxtRegistry_ConvergesWithZeroChangeReplan(string scenario) =>
        ConformanceTheoryData.RunAsync(Target, scenario, output);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_Route53WithTxtRegistry_TargetedReconciles_ConvergeWithZeroChangeReplan(string scenario) =>
        ConformanceTheoryData.RunAsync(CreateTarget("targeted.route53.test"), scenario, output, ConformanceReconcileMode.Targeted);

    [Fact]
    public void SkippedScenarios_Route53_AreListedWithReasons() => ConformanceTheoryData.ListSkipped(Target, output);
}
