using Ccx.Dns.Conformance.Tests.Infrastructure;
using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>
/// A real RFC 2136 server through updates and AXFR, with the TXT registry; answers checked with real DNS queries. Runs
/// against each server (BIND 9, Knot DNS) through a subclass, with that server's capability declaration.
/// </summary>
public abstract class Rfc2136ConformanceTests(Rfc2136Fixture fixture, ITestOutputHelper output)
{
    private ConformanceTarget CreateTarget(DnsAnswerVerifier verifier, ConformanceReconcileMode mode = ConformanceReconcileMode.Full) => new()
    {
        Name = $"rfc2136-{fixture.Kind.ToString().ToLowerInvariant()}+txt",
        Capabilities = fixture.Capabilities,
        CreateSubjectAsync = (scenario, _) =>
        {
            var zone = Rfc2136Fixture.ZoneFor(scenario, mode);
            return Task.FromResult(new ConformanceSubject(fixture.Server.CreateProvider(zone), new ConformanceZone(zone)));
        },
        VerifyStepAsync = verifier.VerifyAsync,
    };

    /// <summary>Runs one scenario; each subclass's theory lists the scenarios its server's declaration allows.</summary>
    protected async Task RunScenarioAsync(string scenario, ConformanceReconcileMode mode = ConformanceReconcileMode.Full)
    {
        var verifier = new DnsAnswerVerifier(fixture.Server.Query(), static text => text);
        await ConformanceTheoryData.RunAsync(CreateTarget(verifier, mode), scenario, output, mode);
        output.WriteLine($"{verifier.Queries} real DNS queries agreed");
        Assert.True(verifier.Queries > 0, "no step was checked with a real DNS query");
    }

    [Fact]
    public void SkippedScenarios_Rfc2136_AreListedWithReasons() =>
        ConformanceTheoryData.ListSkipped(CreateTarget(new DnsAnswerVerifier(fixture.Server.Query(), static text => text)), output);
}

[Collection(BindServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Rfc2136BindConformanceTests(BindFixture fixture, ITestOutputHelper output) : Rfc2136ConformanceTests(fixture, output)
{
    public static TheoryData<string> Scenarios => ConformanceTheoryData.Supported(KnownProviderCapabilities.Rfc2136);

    [Theory]
    [SkippedConformanceScenarios(nameof(KnownProviderCapabilities.Rfc2136))]
    public void Scenario_Bind_NotDeclared_IsSkipped(string scenario, string reason) =>
        Assert.Fail($"{scenario} is not declared ({reason}) and must be reported as skipped, not run");

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_Rfc2136WithTxtRegistry_ConvergesAndAnswersInDns(string scenario) => RunScenarioAsync(scenario);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_Rfc2136WithTxtRegistry_TargetedReconciles_ConvergeAndAnswerInDns(string scenario) =>
        RunScenarioAsync(scenario, ConformanceReconcileMode.Targeted);
}

[Collection(KnotServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Rfc2136KnotConformanceTests(KnotFixture fixture, ITestOutputHelper output) : Rfc2136ConformanceTests(fixture, output)
{
    public static TheoryData<string> Scenarios => ConformanceTheoryData.Supported(KnownProviderCapabilities.Rfc2136Knot);

    [Theory]
    [SkippedConformanceScenarios(nameof(KnownProviderCapabilities.Rfc2136Knot))]
    public void Scenario_Knot_NotDeclared_IsSkipped(string scenario, string reason) =>
        Assert.Fail($"{scenario} is not declared ({reason}) and must be reported as skipped, not run");

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_Rfc2136WithTxtRegistry_ConvergesAndAnswersInDns(string scenario) => RunScenarioAsync(scenario);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_Rfc2136WithTxtRegistry_TargetedReconciles_ConvergeAndAnswerInDns(string scenario) =>
        RunScenarioAsync(scenario, ConformanceReconcileMode.Targeted);
}
