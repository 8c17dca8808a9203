using Ccx.Dns.Testing;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>docs/providers.md is generated from the capability declarations; this keeps the committed file in step.</summary>
public sealed class ProviderDocumentationTests
{
    [Fact]
    public void ProvidersMarkdown_Committed_EqualsGeneratedFromDeclarations()
    {
        var path = Path.Combine(Prerequisites.RepositoryRoot(), "docs", "providers.md");
        var generated = ProviderCapabilityTable.ToMarkdown();
        if (Environment.GetEnvironmentVariable("CCX_DNS_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), $"{path} is missing; regenerate it with CCX_DNS_UPDATE_DOCS=1 dotnet test --filter ProvidersMarkdown");
        var committed = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(
            string.Equals(generated, committed, StringComparison.Ordinal),
            $"docs/providers.md differs from the text generated from KnownProviderCapabilities; regenerate it with CCX_DNS_UPDATE_DOCS=1 dotnet test --filter ProvidersMarkdown. Generated:\n{generated}");
    }

    [Fact]
    public void ToMarkdown_EveryDeclaredProvider_HasAColumnAndSkippedScenariosListed()
    {
        var markdown = ProviderCapabilityTable.ToMarkdown();
        foreach (var provider in KnownProviderCapabilities.All)
        {
            Assert.Contains($" {provider.Name} |", markdown, StringComparison.Ordinal);
            Assert.Contains($"## {provider.Name}\n", markdown, StringComparison.Ordinal);
        }

        // PowerDNS declares no set identifiers, so the scenario needing them is listed as skipped for it.
        var pdnsSection = markdown[markdown.IndexOf("## PowerDNS\n", StringComparison.Ordinal)..];
        pdnsSection = pdnsSection[..pdnsSection.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        Assert.Contains("`set-identifiers` (needs set identifiers)", pdnsSection, StringComparison.Ordinal);
        foreach (var scenario in ConformanceScenarios.All)
        {
            Assert.Contains($"| `{scenario.Name}` |", markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToMarkdown_StatesEveryCapabilityFlagsDefault()
    {
        var markdown = ProviderCapabilityTable.ToMarkdown();
        var defaults = new DnsProviderCapabilities { Name = "x", Package = "x", RecordTypes = [] };

        foreach (var property in typeof(DnsProviderCapabilities).GetProperties().Where(p => p.PropertyType == typeof(bool)))
        {
            Assert.Contains($"| `{property.Name}` | `{((bool)property.GetValue(defaults)! ? "true" : "false")}` |", markdown, StringComparison.Ordinal);
        }

        Assert.Contains("| `MaxTxtLength` | `null` (unbounded) |", markdown, StringComparison.Ordinal);
    }
}
