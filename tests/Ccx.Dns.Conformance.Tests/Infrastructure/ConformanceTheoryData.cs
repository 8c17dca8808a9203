using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>Theory rows: the scenarios a declaration allows, one test each.</summary>
internal static class ConformanceTheoryData
{
    public static TheoryData<string> Supported(DnsProviderCapabilities capabilities)
    {
        var data = new TheoryData<string>();
        foreach (var scenario in ConformanceScenarios.All.Where(s => s.FindUnmetRequirement(capabilities) is null))
        {
            data.Add(scenario.Name);
        }

        return data;
    }

    /// <summary>Runs one scenario and writes its step timings; a failure throws the runner's descriptive exception.</summary>
    public static async Task RunAsync(ConformanceTarget target, string scenarioName, ITestOutputHelper output, ConformanceReconcileMode mode = ConformanceReconcileMode.Full)
    {
        var result = await new ConformanceRunner(target, mode).RunAsync(ConformanceScenarios.Get(scenarioName));
        Assert.Equal(ConformanceOutcome.Passed, result.Outcome);
        Assert.Equal(result.Scenario.Steps.Count, result.Steps.Count);
        foreach (var step in result.Steps)
        {
            output.WriteLine($"{step.Description}: {step.Changes} changes, {step.Duration.TotalMilliseconds:0} ms");
        }
    }

    /// <summary>Lists the scenarios a target skips and checks each reason names a capability the declaration lacks.</summary>
    public static void ListSkipped(ConformanceTarget target, ITestOutputHelper output)
    {
        var runner = new ConformanceRunner(target);
        var supported = runner.SupportedScenarios();
        var skipped = runner.SkippedScenarios();
        foreach (var (scenario, reason) in skipped)
        {
            output.WriteLine($"skipped {scenario.Name}: {reason}");
            Assert.False(scenario.Requirements.All(r => r.IsMet(target.Capabilities)));
        }

        Assert.Equal(ConformanceScenarios.All.Count, supported.Count + skipped.Count);
        Assert.Empty(supported.Intersect(skipped.Select(s => s.Scenario)));
    }
}
