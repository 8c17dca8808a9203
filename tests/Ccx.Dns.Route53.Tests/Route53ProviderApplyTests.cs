using System.Net;
using System.Text;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Route53.Tests.Infrastructure;

namespace Ccx.Dns.Route53.Tests;

public sealed class Route53ProviderApplyTests(MotoServerFixture moto) : MotoTestBase(moto)
{
    private static DnsEndpoint OwnershipTxt(DnsEndpoint owned) =>
        new DnsEndpoint("a-" + owned.DnsName, RecordType.TXT, "\"heritage=external-dns,external-dns/owner=test\"")
        {
            SetIdentifier = owned.SetIdentifier,
            Labels = new Dictionary<string, string> { [EndpointLabels.OwnedRecordKey] = owned.DnsName },
        };

    [Fact]
    public async Task ApplyChangesAsync_MoreChangesThanBatchSize_SplitsIntoBatches()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create(o => o.MaxChangesPerBatch = 10);

        await provider.ApplyChangesAsync(new DnsChanges { Create = [.. Enumerable.Range(0, 35).Select(i => A($"h{i}.example.com", "192.0.2.1"))] });

        Assert.Equal(4, Providers.Counter.Count("ChangeResourceRecordSets"));
        Assert.Equal(35, (await provider.GetRecordsAsync()).Count(r => r.RecordType == RecordType.A));
    }

    [Fact]
    public async Task ApplyChangesAsync_ValueLimit_CountsEveryValueOfAnUpdatesDeleteAndCreate()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create(o => o.MaxValuesPerBatch = 10);
        var created = Enumerable.Range(0, 6).Select(i => A($"v{i}.example.com", "192.0.2.1", "192.0.2.2", "192.0.2.3")).ToList();

        await provider.ApplyChangesAsync(new DnsChanges { Create = created });
        Assert.Equal(2, Providers.Counter.Count("ChangeResourceRecordSets")); // 3 values each: 3 + 3 + 3 ≤ 10

        Providers.Counter.Reset();
        await provider.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = created,
            UpdateNew = [.. created.Select(e => e with { Targets = ["198.51.100.1", "198.51.100.2"] })],
        });
        Assert.Equal(3, Providers.Counter.Count("ChangeResourceRecordSets")); // DELETE of 3 values + CREATE of 2 counts 5: 5 + 5 ≤ 10
        Assert.All((await provider.GetRecordsAsync()).Where(r => r.RecordType == RecordType.A), r => Assert.Equal(["198.51.100.1", "198.51.100.2"], r.Targets));
    }

    [Fact]
    public async Task ApplyChangesAsync_CharacterLimit_SplitsByValueCharacters()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create(o => o.MaxValueCharactersPerBatch = 100);

        // Each value is 40 characters once quoted (38 + 2 quotes): two fit in 100, three do not.
        await provider.ApplyChangesAsync(new DnsChanges { Create = [.. Enumerable.Range(0, 5).Select(i => new DnsEndpoint($"t{i}.example.com", RecordType.TXT, new string('a', 38)))] });

        Assert.Equal(3, Providers.Counter.Count("ChangeResourceRecordSets"));
    }

    [Fact]
    public async Task ApplyChangesAsync_RecordAndOwnershipTxt_StayInOneBatch()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create(o => o.MaxChangesPerBatch = 3);
        var records = Enumerable.Range(0, 3).Select(i => A($"r{i}.example.com", "192.0.2.1")).ToList();
        var bodies = new List<string>();
        Providers.Counter.AddRule((request, body) =>
        {
            if (request.Method == HttpMethod.Post)
            {
                lock (bodies)
                {
                    bodies.Add(body);
                }
            }

            return false;
        }, () => throw new InvalidOperationException());

        await provider.ApplyChangesAsync(new DnsChanges { Create = [.. records, .. records.Select(OwnershipTxt)] });

        // Six changes with a limit of three: packed by pairs, one pair per call, never a record without its TXT.
        Assert.Equal(3, bodies.Count);
        for (var i = 0; i < 3; i++)
        {
            var body = Assert.Single(bodies, b => b.Contains($"<Name>r{i}.example.com.</Name>", StringComparison.Ordinal));
            Assert.Contains($"<Name>a-r{i}.example.com.</Name>", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ApplyChangesAsync_GroupLargerThanLimits_IsRejectedWithoutBeingSent()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create(o => o.MaxChangesPerBatch = 1);
        var record = A("big.example.com", "192.0.2.1");

        var error = await Assert.ThrowsAnyAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [record, OwnershipTxt(record), A("small.example.com", "192.0.2.2")] }));

        Assert.False(error.IsTransient);
        Assert.True(error.IsPartial);
        Assert.Equal(["a-big.example.com", "big.example.com"], error.RejectedEndpoints.Select(r => r.Endpoint.DnsName).Order());
        Assert.Contains("exceed the Route 53 batch limits", error.RejectedEndpoints[0].Reason, StringComparison.Ordinal);
        Assert.Equal(1, Providers.Counter.Count("ChangeResourceRecordSets"));
    }

    [Fact]
    public async Task ApplyChangesAsync_OneBadChangeAmongMany_AppliesTheRestAndReportsItByName()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        var existing = A("dup.example.com", "192.0.2.99");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [existing] });
        Providers.Counter.Reset();
        var good = Enumerable.Range(0, 50).Select(i => A($"g{i:D2}.example.com", "192.0.2.1")).ToList();

        var error = await Assert.ThrowsAsync<DnsRecordConflictException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [.. good.Take(25), existing, .. good.Skip(25)] }));

        Assert.True(error.IsTransient); // a conflict: the next run reads the zone again
        Assert.True(error.IsPartial);
        var rejected = Assert.Single(error.RejectedEndpoints);
        Assert.Same(existing, rejected.Endpoint);
        Assert.Contains("already exists", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("dup.example.com", error.Message, StringComparison.Ordinal);
        var names = (await provider.GetRecordsAsync()).Select(r => r.DnsName).ToHashSet();
        Assert.All(good, g => Assert.Contains(g.DnsName, names));
        // The refusal names the culprit: whole batch, the rest without it, the culprit alone.
        Assert.Equal(3, Providers.Counter.Count("ChangeResourceRecordSets"));
    }

    [Fact]
    public async Task ApplyChangesAsync_RefusalWithoutNames_BisectsToTheBadRecord()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        Providers.Counter.AddRule(
            (_, body) => body.Contains("<Name>bad.example.com.</Name>", StringComparison.Ordinal),
            () => new HttpResponseMessage(HttpStatusCode.BadRequest)
            {
                Content = new StringContent(
                    "<InvalidChangeBatch xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Messages><Message>Invalid Resource Record: FATAL problem: something is wrong</Message></Messages><RequestId>x</RequestId></InvalidChangeBatch>",
                    Encoding.UTF8,
                    "text/xml"),
            });
        var good = Enumerable.Range(0, 15).Select(i => A($"g{i:D2}.example.com", "192.0.2.1")).ToList();
        var bad = A("bad.example.com", "192.0.2.2");

        var error = await Assert.ThrowsAnyAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [.. good, bad] }));

        Assert.Same(bad, Assert.Single(error.RejectedEndpoints).Endpoint);
        Assert.Contains("FATAL problem", error.RejectedEndpoints[0].Reason, StringComparison.Ordinal);
        Assert.True(error.IsPartial);
        Assert.Equal(15, (await provider.GetRecordsAsync()).Count(r => r.DnsName.StartsWith('g')));
        Assert.Equal(9, Providers.Counter.Count("ChangeResourceRecordSets")); // 16 → 8+8 → 4+4 → 2+2 → 1+1
    }

    [Fact]
    public async Task ApplyChangesAsync_EveryChangeRefused_IsNotPartial()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        var existing = A("dup.example.com", "192.0.2.99");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [existing] });

        var error = await Assert.ThrowsAnyAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [existing] }));

        Assert.False(error.IsPartial);
        Assert.Single(error.RejectedEndpoints);
    }

    [Fact]
    public async Task ApplyChangesAsync_CnameReplacedByA_DeletesBeforeCreatesInOneBatch()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        var cname = provider.AdjustEndpoints([new DnsEndpoint("swap.example.com", RecordType.CNAME, "target.example.net") { Ttl = 300 }])[0];
        await provider.ApplyChangesAsync(new DnsChanges { Create = [cname] });
        var bodies = new List<string>();
        Providers.Counter.AddRule((r, b) => { if (r.Method == HttpMethod.Post) { bodies.Add(b); } return false; }, () => throw new InvalidOperationException());

        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("swap.example.com", "192.0.2.1")], Delete = [cname] });

        var body = Assert.Single(bodies);
        Assert.True(body.IndexOf("<Action>DELETE</Action>", StringComparison.Ordinal) < body.IndexOf("<Action>CREATE</Action>", StringComparison.Ordinal));
        Assert.Equal(RecordType.A, Assert.Single(await provider.GetRecordsAsync(), r => r.DnsName == "swap.example.com").RecordType);
    }

    [Fact]
    public async Task ApplyChangesAsync_WaitForInSync_PollsGetChange()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create(o => o.WaitForInSync = true);

        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("a.example.com", "192.0.2.1")] });

        Assert.Equal(1, Providers.Counter.Count("GetChange"));
    }

    [Fact]
    public async Task ApplyChangesAsync_NoChanges_SendsNothing()
    {
        var provider = Providers.Create();
        var same = A("a.example.com", "192.0.2.1");

        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [same], UpdateNew = [same] });

        Assert.Equal(0, Providers.Counter.Total);
    }
}
