using Ccx.Dns.Conformance.Tests.Infrastructure;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>The reference in-memory provider with the TXT registry; the applying reconciler also caches (<c>.AddCaching()</c>).</summary>
public sealed class InMemoryConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Scenarios => ConformanceTheoryData.Supported(KnownProviderCapabilities.InMemory);

    internal static ConformanceTarget Target { get; } = new()
    {
        Name = "in-memory+txt",
        Capabilities = KnownProviderCapabilities.InMemory,
        CreateSubjectAsync = (scenario, _) =>
        {
            var zone = scenario.Name + ".inmemory.test";
            return Task.FromResult(new ConformanceSubject(new InMemoryDnsProvider([zone]), new ConformanceZone(zone)));
        },
        ConfigureApply = b => b.AddCaching(),
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_InMemoryWithTxtRegistry_ConvergesWithZeroChangeReplan(string scenario) =>
        ConformanceTheoryData.RunAsync(Target, scenario, output);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_InMemoryWithTxtRegistry_TargetedReconciles_ConvergeWithZeroChangeReplan(string scenario) =>
        ConformanceTheoryData.RunAsync(Target, scenario, output, ConformanceReconcileMode.Targeted);

    [Fact]
    public void SkippedScenarios_InMemory_AreListedWithReasons() => ConformanceTheoryData.ListSkipped(Target, output);
}
