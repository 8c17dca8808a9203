using System.Text;

namespace Ccx.Dns.Testing;

/// <summary>How a scenario ended for a target.</summary>
public enum ConformanceOutcome
{
    /// <summary>Every step converged and verified.</summary>
    Passed,

    /// <summary>The target's declared capabilities do not cover the scenario; see <see cref="ConformanceScenarioResult.SkipReason"/>.</summary>
    Skipped,

    /// <summary>A step failed; see <see cref="ConformanceScenarioResult.Failure"/>.</summary>
    Failed,
}

/// <summary>The result of one step.</summary>
/// <param name="Description">The step's description.</param>
/// <param name="Changes">The number of record changes the applying reconcile made (creates + updates + deletes).</param>
/// <param name="Duration">How long the apply and its verification took.</param>
public sealed record ConformanceStepResult(string Description, int Changes, TimeSpan Duration);

/// <summary>The result of one scenario against one target.</summary>
public sealed record ConformanceScenarioResult
{
    /// <summary>The target's name.</summary>
    public required string Target { get; init; }

    /// <summary>The scenario.</summary>
    public required ConformanceScenario Scenario { get; init; }

    /// <summary>How it ended.</summary>
    public required ConformanceOutcome Outcome { get; init; }

    /// <summary>Why it was skipped (the missing capability), when it was.</summary>
    public string? SkipReason { get; init; }

    /// <summary>The failure, when it failed.</summary>
    public ConformanceException? Failure { get; init; }

    /// <summary>The steps that ran.</summary>
    public IReadOnlyList<ConformanceStepResult> Steps { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => Outcome switch
    {
        ConformanceOutcome.Skipped => $"{Target}/{Scenario.Name}: skipped ({SkipReason})",
        ConformanceOutcome.Failed => $"{Target}/{Scenario.Name}: FAILED: {Failure?.Message}",
        _ => $"{Target}/{Scenario.Name}: passed ({Steps.Count} steps, {Steps.Sum(s => s.Duration.TotalMilliseconds):0} ms)",
    };
}

/// <summary>The results of every scenario against one target.</summary>
/// <param name="Results">One result per scenario.</param>
public sealed record ConformanceReport(IReadOnlyList<ConformanceScenarioResult> Results)
{
    /// <summary>The scenarios that failed.</summary>
    public IReadOnlyList<ConformanceScenarioResult> Failed => [.. Results.Where(r => r.Outcome == ConformanceOutcome.Failed)];

    /// <summary>The scenarios that were skipped, each with its reason.</summary>
    public IReadOnlyList<ConformanceScenarioResult> Skipped => [.. Results.Where(r => r.Outcome == ConformanceOutcome.Skipped)];

    /// <summary>Throws a <see cref="ConformanceException"/> listing every failure, when there is one.</summary>
    /// <exception cref="ConformanceException">A scenario failed.</exception>
    public void ThrowIfFailed()
    {
        var failed = Failed;
        if (failed.Count > 0)
        {
            throw new ConformanceException($"{failed.Count} of {Results.Count} conformance scenarios failed:\n" + string.Join("\n\n", failed.Select(f => f.Failure?.Message)));
        }
    }

    /// <summary>One line per scenario.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var result in Results)
        {
            sb.AppendLine(result.ToString());
        }

        return sb.ToString();
    }
}
