using Ccx.Dns.Conformance.Tests.Infrastructure;
using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>A real BIND 9 through RFC 2136 updates and AXFR, with the TXT registry; answers checked with real DNS queries.</summary>
[Collection(BindServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Rfc2136ConformanceTests(BindFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string> Scenarios => ConformanceTheoryData.Supported(KnownProviderCapabilities.Rfc2136);

    private ConformanceTarget Target => CreateTarget(new DnsAnswerVerifier(fixture.Server.Query(), static text => text));

    private ConformanceTarget CreateTarget(DnsAnswerVerifier verifier)
    {
        {
            return new()
            {
                Name = "rfc2136+txt",
                Capabilities = KnownProviderCapabilities.Rfc2136,
                CreateSubjectAsync = (scenario, _) =>
                {
                    var zone = BindFixture.ZoneFor(scenario);
                    return Task.FromResult(new ConformanceSubject(fixture.Server.CreateProvider(zone), new ConformanceZone(zone)));
                },
                VerifyStepAsync = verifier.VerifyAsync,
            };
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_Rfc2136WithTxtRegistry_ConvergesAndAnswersInDns(string scenario)
    {
        var verifier = new DnsAnswerVerifier(fixture.Server.Query(), static text => text);
        await ConformanceTheoryData.RunAsync(CreateTarget(verifier), scenario, output);
        output.WriteLine($"{verifier.Queries} real DNS queries agreed");
        Assert.True(verifier.Queries > 0, "no step was checked with a real DNS query");
    }

    [Fact]
    public void SkippedScenarios_Rfc2136_AreListedWithReasons() => ConformanceTheoryData.ListSkipped(Target, output);
}
