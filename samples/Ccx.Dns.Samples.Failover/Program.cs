// A datastore control plane publishing its clusters' names with Ccx.Dns, on the in-memory provider (no servers):
// publish three clusters, fail one primary over, and show the plan, the zone before and after, and how long the
// failover took to reach DNS. Runs by itself in a few seconds: dotnet run --project samples/Ccx.Dns.Samples.Failover
using System.Diagnostics;
using System.Threading.Channels;
using Ccx.Dns;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

const string Zone = "db.example.org";

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft", LogLevel.Warning);
builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"))
    .AddInMemoryProvider(o => o.Zones.Add(Zone))
    .AddDatastoreNamingSource(o => o.RecordTtl = TimeSpan.FromSeconds(30))
    .AddTxtRegistry(o => o.OwnerId = "failover-sample")
    .AddCaching(o => o.CacheDuration = TimeSpan.FromMinutes(5));

using var host = builder.Build();
var topology = host.Services.GetRequiredService<DatastoreNamingSource>();
var reconciler = host.Services.GetRequiredService<DnsReconciler>();
var provider = host.Services.GetRequiredService<InMemoryDnsProvider>();
var applied = Channel.CreateUnbounded<(ReconcileResult Result, long At)>();
reconciler.Reconciled += (_, result) =>
{
    if (result.Applied || result.Error is not null)
    {
        applied.Writer.TryWrite((result, Stopwatch.GetTimestamp()));
    }
};

var orders = Guid.Parse("3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01");
var billing = Guid.Parse("a41c5e2b-6f7d-4e8a-8b9c-0d1e2f3a4b02");
var search = Guid.Parse("c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e03");
topology.SetClusters([
    new DatastoreCluster(orders, Zone, [new("10.0.1.10", DatastoreNodeRole.Primary), new("10.0.1.11", DatastoreNodeRole.Replica), new("10.0.1.12", DatastoreNodeRole.Replica)]),
    new DatastoreCluster(billing, Zone, [new("2001:db8::20", DatastoreNodeRole.Primary), new("10.0.2.21", DatastoreNodeRole.Replica), new("2001:db8::21", DatastoreNodeRole.Replica)]),
    new DatastoreCluster(search, Zone, [new("search-0.nodes.internal.example.net", DatastoreNodeRole.Primary), new("search-1.nodes.internal.example.net", DatastoreNodeRole.Replica)]),
]);

await host.StartAsync();
var initial = await NextAsync();
Console.WriteLine();
Console.WriteLine("## Initial plan");
Console.WriteLine(initial.Result.ToMarkdown());
Console.WriteLine("## Zone before the failover");
PrintZone();

// Time passes; then the orders primary fails and its first replica is promoted.
await Task.Delay(TimeSpan.FromSeconds(1));
var failoverAt = Stopwatch.GetTimestamp();
topology.Promote(orders, "10.0.1.11");
var failover = await NextAsync();
var latency = Stopwatch.GetElapsedTime(failoverAt, failover.At);

Console.WriteLine();
Console.WriteLine("## Failover plan");
Console.WriteLine(failover.Result.ToMarkdown());
Console.WriteLine("## Zone after the failover");
PrintZone();
Console.WriteLine();
Console.WriteLine($"Failover to applied: {latency.TotalMilliseconds:0.0} ms (reconcile itself: {failover.Result.Duration.TotalMilliseconds:0.0} ms; " +
    $"a change signal runs at once unless the previous run started less than {reconciler.Options.MinEventSyncInterval.TotalMilliseconds:0} ms earlier)");

await host.StopAsync();
return 0;

async Task<(ReconcileResult Result, long At)> NextAsync()
{
    var next = await applied.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    if (next.Result.Error is not null)
    {
        throw new InvalidOperationException($"reconcile failed: {next.Result.Error}");
    }

    return next;
}

void PrintZone()
{
    foreach (var record in provider.GetZoneRecords(Zone).OrderBy(r => r.DnsName, StringComparer.Ordinal).ThenBy(r => r.RecordType))
    {
        Console.WriteLine($"    {record.DnsName,-60} {record.Ttl,4} IN {record.RecordType.Value,-5} {string.Join(" ", record.Targets)}");
    }
}
