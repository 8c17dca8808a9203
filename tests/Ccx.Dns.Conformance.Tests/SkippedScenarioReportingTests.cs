using Ccx.Dns.Conformance.Tests.Infrastructure;
using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>A scenario a declaration does not cover becomes a skipped test row, named with its reason.</summary>
public sealed class SkippedScenarioReportingTests
{
    [Fact]
    public void Attribute_PowerDns_YieldsTheUndeclaredScenariosAsSkippedRows()
    {
        var attribute = new SkippedConformanceScenariosAttribute(nameof(KnownProviderCapabilities.PowerDns));

        var rows = attribute.GetData(typeof(SkippedScenarioReportingTests).GetMethod(nameof(Attribute_PowerDns_YieldsTheUndeclaredScenariosAsSkippedRows))!).ToList();

        Assert.Equal(["set-identifiers"], rows.Select(r => (string)r[0]));
        Assert.Equal("PowerDNS does not declare set identifiers", (string)Assert.Single(rows)[1]);
        Assert.Contains("PowerDNS declaration does not cover this scenario", attribute.Skip, StringComparison.Ordinal);
        var runner = new ConformanceRunner(new ConformanceTarget { Name = "pdns", Capabilities = KnownProviderCapabilities.PowerDns, CreateSubjectAsync = (_, _) => throw new InvalidOperationException() });
        Assert.Equal(runner.SkippedScenarios().Select(s => s.Scenario.Name), rows.Select(r => (string)r[0]));
    }

    [Fact]
    public async Task Runner_UndeclaredScenario_ReportsSkippedWithTheReason()
    {
        var runner = new ConformanceRunner(new ConformanceTarget { Name = "pdns", Capabilities = KnownProviderCapabilities.PowerDns, CreateSubjectAsync = (_, _) => throw new InvalidOperationException("must not run") });

        var result = await runner.RunAsync(ConformanceScenarios.Get("set-identifiers"));

        Assert.Equal((ConformanceOutcome.Skipped, "PowerDNS does not declare set identifiers"), (result.Outcome, result.SkipReason));
        Assert.Equal("pdns/set-identifiers: skipped (PowerDNS does not declare set identifiers)", result.ToString());
    }
}
