using System.Diagnostics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Route53.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ccx.Dns.Route53.Tests;

/// <summary>The HTTP-call budget of a cold sync, counted by the handler in front of moto.</summary>
public sealed class Route53ProviderSyncFiguresTests(MotoServerFixture moto, ITestOutputHelper output) : MotoTestBase(moto)
{
    [Fact]
    public async Task GetRecordsAsync_ColdSyncOfFiveZonesWith2000RecordsEach_UsesTheMinimumNumberOfCalls()
    {
        const int zones = 5;
        const int recordsPerZone = 2000;
        var seeding = Providers.Create();
        for (var z = 0; z < zones; z++)
        {
            await Moto.CreateZoneAsync($"zone{z}.example");
        }

        var seed = Stopwatch.StartNew();
        for (var z = 0; z < zones; z++)
        {
            var zone = z;
            await seeding.ApplyChangesAsync(new DnsChanges
            {
                Create = [.. Enumerable.Range(0, recordsPerZone).Select(i => A($"h{i:D4}.zone{zone}.example", $"10.{zone}.{i / 256}.{i % 256}"))],
            });
        }

        seed.Stop();
        var seedCalls = Providers.Counter.Count("ChangeResourceRecordSets");
        Providers.Counter.Reset();
        var cold = Providers.Create(); // a fresh provider: no zones cache

        var sync = Stopwatch.StartNew();
        var records = await cold.GetRecordsAsync();
        sync.Stop();

        // Each zone also holds its NS and SOA sets: 2002 record sets → ceil(2002 / 300) = 7 pages.
        var recordSetsPerZone = recordsPerZone + 2;
        var expected = (int)Math.Ceiling(zones / 100.0) + (zones * (int)Math.Ceiling(recordSetsPerZone / 300.0));
        Assert.Equal(zones * recordsPerZone, records.Count(r => r.RecordType == RecordType.A));
        Assert.Equal(1, Providers.Counter.Count("ListHostedZones"));
        Assert.Equal(zones * 7, Providers.Counter.Count("ListResourceRecordSets"));
        Assert.Equal(expected, Providers.Counter.Total);
        Assert.Equal(zones * 2, seedCalls); // 2000 creates = 2 batches of 1000 per zone
        output.WriteLine($"cold sync: {Providers.Counter.Total} HTTP calls (expected {expected}) for {records.Count} endpoints in {sync.ElapsedMilliseconds} ms against moto; seeding {seedCalls} calls in {seed.ElapsedMilliseconds} ms");
    }
}
