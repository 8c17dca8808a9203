using System.Reflection;
using Ccx.Dns.Testing;
using Xunit.Sdk;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>
/// Theory rows for the scenarios a provider's declaration does not cover, each reported by the test runner as
/// <em>skipped</em> (scenario name and the missing capability in the row), so that a skipped scenario is visible as
/// skipped in every test report rather than absent or passed.
/// </summary>
/// <param name="declaration">The name of the <see cref="KnownProviderCapabilities"/> property (for example <c>PowerDns</c>).</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class SkippedConformanceScenariosAttribute(string declaration) : DataAttribute
{
    /// <summary>The declaration these rows come from.</summary>
    public string Declaration { get; } = declaration;

    /// <summary>Every row of this attribute is skipped; xUnit reads this when it discovers the rows.</summary>
    public override string Skip
    {
        get => $"the {Capabilities().Name} declaration does not cover this scenario (the missing capability is in the row; docs/providers.md lists it)";
        set => throw new NotSupportedException("the skip reason comes from the declaration");
    }

    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        var capabilities = Capabilities();
        foreach (var scenario in ConformanceScenarios.All)
        {
            if (scenario.FindUnmetRequirement(capabilities) is { } unmet)
            {
                yield return [scenario.Name, $"{capabilities.Name} does not declare {unmet.Name}"];
            }
        }
    }

    private DnsProviderCapabilities Capabilities() =>
        (DnsProviderCapabilities?)typeof(KnownProviderCapabilities).GetProperty(Declaration)?.GetValue(null)
        ?? throw new InvalidOperationException($"KnownProviderCapabilities has no declaration named {Declaration}");
}
