using Ccx.Dns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DocSnippets;

/// <summary>
/// docs/patroni.md, "Running Ccx.Dns beside Patroni": the page's configuration (read from the page, passed as
/// command-line configuration, with the PowerDNS and the members' URLs of this test) and its program, run as printed in
/// run-once mode against a real pdns_server and scripted Patroni members. DocSnippetTests in Ccx.Dns.Tests checks that
/// the page shows the program word for word.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PatroniDocSnippets
{
    private const string PageId = "3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01";
    private const string PageDomain = "db.example.org";

    [Fact]
    public async Task Snippet_ConfigurationOnlyHost_PublishesTheLeaderAndReplicasIntoPowerDns()
    {
        await using var pdns = await Ccx.Dns.TestServers.PowerDnsServer.StartAsync();
        await pdns.CreateZoneAsync(PageDomain);
        await using var cluster = Ccx.Dns.Patroni.Tests.Infrastructure.ScriptedCluster.Start(3); // the page lists three members
        cluster.AnswerAll(cluster.Leader(1), cluster.Replica(0), cluster.Replica(2));
        List<string> arguments = Ccx.Dns.Patroni.Tests.Infrastructure.PatroniDocPage.JsonAsArguments("patroni-appsettings");
        Assert.Contains("--Dns:Sources:0=Patroni", arguments);
        arguments.AddRange([$"--Dns:PowerDns:ApiUrl={pdns.ApiUrl}", $"--Dns:PowerDns:ApiKey={pdns.ApiKey}", "--Dns:Once=true"]);
        arguments.AddRange(cluster.Members.Select((m, i) => $"--Dns:Patroni:Datastores:0:RestApiUrls:{i}={m.Url}"));
        string[] args = [.. arguments];
        var exitCode = Environment.ExitCode;
        Environment.ExitCode = 99;
        try
        {
            // begin-snippet: patroni-host
            var builder = Host.CreateApplicationBuilder(args);       // appsettings.json, environment, command line
            builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"));
            builder.Services.AddHealthChecks().AddDnsReconcilerCheck().AddPatroniSourceCheck();

            using var host = builder.Build();
            await host.RunAsync();
            // end-snippet

            Assert.Equal(0, Environment.ExitCode); // run-once: one reconcile that completed
            var query = pdns.Query();
            Assert.Equal([Ccx.Dns.Patroni.Tests.Infrastructure.ScriptedCluster.Host(1)], await Ccx.Dns.Patroni.Tests.Infrastructure.PatroniDocPage.AddressesAsync(query, $"{PageId}.{PageDomain}"));
            Assert.Equal(
                [Ccx.Dns.Patroni.Tests.Infrastructure.ScriptedCluster.Host(0), Ccx.Dns.Patroni.Tests.Infrastructure.ScriptedCluster.Host(2)],
                await Ccx.Dns.Patroni.Tests.Infrastructure.PatroniDocPage.AddressesAsync(query, $"replica.{PageId}.{PageDomain}"));
            var answer = Assert.Single(await query.GetAnswersAsync($"{PageId}.{PageDomain}", Ccx.Dns.Rfc2136.Wire.DnsRecordType.A));
            Assert.Equal(10u, answer.Ttl); // "Naming": { "RecordTtl": "10s" }
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }
}
