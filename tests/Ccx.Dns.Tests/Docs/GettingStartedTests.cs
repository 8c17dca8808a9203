using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ccx.Dns.Tests.Docs;

/// <summary>The getting-started snippet of docs/getting-started.md, compiled and run here so it cannot rot.</summary>
public sealed class GettingStartedTests
{
    [Fact]
    public async Task Snippet_ReconcilesTheDatastoreNames()
    {
        var builder = Host.CreateApplicationBuilder();

        // begin-snippet: getting-started
        builder.Services.AddDnsReconciler(options =>
            {
                options.Interval = TimeSpan.FromMinutes(1);          // periodic safety net
                options.MinEventSyncInterval = TimeSpan.FromMilliseconds(500); // changes apply at once
            })
            .AddInMemoryProvider(o => o.Zones.Add("db.example.org")) // or AddRoute53Provider, AddPowerDnsProvider, AddRfc2136Provider
            .AddCaching(o => o.CacheDuration = TimeSpan.FromMinutes(5))
            .AddTxtRegistry(o => o.OwnerId = "control-plane-eu1")  // ExternalDNS-compatible ownership
            .AddDatastoreNamingSource(o => o.RecordTtl = TimeSpan.FromSeconds(30));
        builder.Services.AddHealthChecks().AddDnsReconcilerCheck();

        using var host = builder.Build();
        var clusters = host.Services.GetRequiredService<DatastoreNamingSource>();
        clusters.SetCluster(new DatastoreCluster(
            Guid.Parse("3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01"),
            "db.example.org",
            [new("10.0.1.10", DatastoreNodeRole.Primary), new("10.0.1.11", DatastoreNodeRole.Replica)]));

        // Hosted: await host.RunAsync(); — or one pass on demand:
        var result = await host.Services.GetRequiredService<DnsReconciler>().RunOnceAsync();
        Console.WriteLine(result.ToMarkdown());
        // end-snippet

        Assert.True(result.Applied, result.ToString());
        var zone = await host.Services.GetRequiredService<InMemoryDnsProvider>().GetRecordsAsync();
        Assert.Contains(zone, r => r.DnsName == "3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01.db.example.org" && r.RecordType == RecordType.A && r.Targets.SequenceEqual(["10.0.1.10"]));
        Assert.Contains(zone, r => r.DnsName == "replica.3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01.db.example.org" && r.Targets.SequenceEqual(["10.0.1.11"]));
        Assert.Contains(zone, r => r.DnsName == "a-3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01.db.example.org" && r.RecordType == RecordType.TXT);
    }

    [Fact]
    public void Docs_GettingStarted_ShowsTheCompiledSnippet()
    {
        var snippet = Dedent(Between(File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "Ccx.Dns.Tests", "Docs", "GettingStartedTests.cs")), "// begin-snippet: getting-started", "// end-snippet"));
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "getting-started.md")).ReplaceLineEndings("\n");
        var block = Between(doc, "<!-- snippet: getting-started -->\n```csharp", "```\n<!-- end-snippet -->");

        Assert.Equal(snippet.Trim(), block.Trim());
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not found");
        from += start.Length;
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        Assert.True(to >= 0, $"'{end}' not found");
        return text[from..to].ReplaceLineEndings("\n");
    }

    private static string Dedent(string text)
    {
        var lines = text.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).TrimEnd();
    }

    private static string RepositoryRoot()
    {
        // From the test binaries, not [CallerFilePath]: deterministic CI builds map source paths to /_/.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ccx.Dns.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Ccx.Dns.sln not found");
    }
}
