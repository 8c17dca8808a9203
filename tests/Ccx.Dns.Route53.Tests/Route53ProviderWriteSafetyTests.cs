using System.Net;
using System.Text;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Route53.Tests.Infrastructure;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Route53.Tests;

/// <summary>
/// Writes conditional on what was read, against moto behind the rule proxy (which refuses what Route 53 refuses):
/// conflicts, value-conditional updates and deletes, lost answers, and refusals that are not conflicts.
/// </summary>
public sealed class Route53ProviderWriteSafetyTests(MotoServerFixture moto) : MotoTestBase(moto)
{
    private const string Ns = "https://route53.amazonaws.com/doc/2013-04-01/";

    private static DnsEndpoint Ownership(DnsEndpoint owned, string owner) =>
        new DnsEndpoint("a-" + owned.DnsName, RecordType.TXT, $"\"heritage=external-dns,external-dns/owner={owner}\"")
        {
            Labels = new Dictionary<string, string> { [EndpointLabels.OwnedRecordKey] = owned.DnsName },
        };

    [Fact]
    public async Task ApplyChangesAsync_CreateOfRecordAnotherWriterCreatedSinceTheRead_IsAConflictAndLeavesTheirsAlone()
    {
        await Moto.CreateZoneAsync("example.com");
        var ours = Providers.Create();
        var theirs = Providers.Create();
        await ours.GetRecordsAsync(); // planned from an empty zone
        var their = A("www.example.com", "198.51.100.7");
        await theirs.ApplyChangesAsync(new DnsChanges { Create = [their, Ownership(their, "them")] });
        var mine = A("www.example.com", "192.0.2.1");

        var error = await Assert.ThrowsAsync<DnsRecordConflictException>(() => ours.ApplyChangesAsync(new DnsChanges { Create = [mine, Ownership(mine, "us")] }));

        Assert.True(error.IsTransient);
        Assert.False(error.IsPartial);
        Assert.Equal(["a-www.example.com", "www.example.com"], error.RejectedEndpoints.Select(r => r.Endpoint.DnsName).Order(StringComparer.Ordinal));
        Assert.All(error.RejectedEndpoints, r => Assert.Contains("the create was refused because the records at Route 53 are no longer what it was planned from", r.Reason, StringComparison.Ordinal));
        Assert.Contains(error.RejectedEndpoints, r => r.Reason.Contains("Tried to create resource record set [name='www.example.com.', type='A'] but it already exists", StringComparison.Ordinal));
        var zone = ByKey(await theirs.GetRecordsAsync());
        Assert.Equal(["198.51.100.7"], zone[new EndpointKey("www.example.com", RecordType.A)].Targets);
        Assert.Contains("owner=them", zone[new EndpointKey("a-www.example.com", RecordType.TXT)].Targets[0], StringComparison.Ordinal);
        Assert.Contains(Providers.Logs.Lines, l => l.Contains("because its records changed since they were read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyChangesAsync_UpdateOfRecordAnotherWriterChanged_IsAConflictAndTheirValueStays()
    {
        // With UPSERT the stale update would have overwritten the other writer's value; DELETE(old)+CREATE(new) cannot.
        await Moto.CreateZoneAsync("example.com");
        var ours = Providers.Create();
        var theirs = Providers.Create();
        await ours.ApplyChangesAsync(new DnsChanges { Create = [A("www.example.com", "192.0.2.1")] });
        var read = ByKey(await ours.GetRecordsAsync())[new EndpointKey("www.example.com", RecordType.A)];
        var current = ByKey(await theirs.GetRecordsAsync())[new EndpointKey("www.example.com", RecordType.A)];
        await theirs.ApplyChangesAsync(new DnsChanges { UpdateOld = [current], UpdateNew = [current with { Targets = ["198.51.100.7"] }] });

        var error = await Assert.ThrowsAsync<DnsRecordConflictException>(() =>
            ours.ApplyChangesAsync(new DnsChanges { UpdateOld = [read], UpdateNew = [read with { Targets = ["192.0.2.2"] }] }));

        var rejected = Assert.Single(error.RejectedEndpoints);
        Assert.Equal(["192.0.2.2"], rejected.Endpoint.Targets); // reported once, by the value it wanted to write
        Assert.Contains("the update was refused", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("do not match the current values", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(["198.51.100.7"], ByKey(await theirs.GetRecordsAsync())[new EndpointKey("www.example.com", RecordType.A)].Targets);
    }

    [Fact]
    public async Task ApplyChangesAsync_Update_IsOneBatchDeletingTheOldValuesAndCreatingTheNew()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("www.example.com", "192.0.2.1")] });
        var read = ByKey(await provider.GetRecordsAsync())[new EndpointKey("www.example.com", RecordType.A)];
        var bodies = CaptureChangeBodies();

        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [read], UpdateNew = [read with { Targets = ["192.0.2.2"], Ttl = 60 }] });

        var body = Assert.Single(bodies);
        Assert.Contains("<Action>DELETE</Action><ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value>", body, StringComparison.Ordinal);
        Assert.Contains("<Action>CREATE</Action><ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.2</Value>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("UPSERT", body, StringComparison.Ordinal);
        var now = ByKey(await provider.GetRecordsAsync())[new EndpointKey("www.example.com", RecordType.A)];
        Assert.Equal(["192.0.2.2"], now.Targets);
        Assert.Equal(60, now.Ttl);
    }

    [Fact]
    public async Task ApplyChangesAsync_UpdateWithoutAnyDifferenceRoute53Stores_SendsNothing()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("www.example.com", "192.0.2.1")] });
        var read = ByKey(await provider.GetRecordsAsync())[new EndpointKey("www.example.com", RecordType.A)];
        Providers.Counter.Reset();

        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [read], UpdateNew = [read.WithLabel(EndpointLabels.OwnerKey, "us")] });

        Assert.Equal(0, Providers.Counter.Count("ChangeResourceRecordSets"));
    }

    [Theory]
    [InlineData("TXT", "0", "hello", "\"world\"")] // TTL 0 and an unquoted value written by another tool
    [InlineData("A", "0", "192.0.2.1", "192.0.2.2")]
    public async Task ApplyChangesAsync_UpdateAndDeleteOfRecordStoredInAnotherForm_DeleteTheExactStoredValues(string type, string ttl, string stored, string updated)
    {
        var zoneId = await Moto.CreateZoneAsync("example.com");
        await Moto.SendAsync(HttpMethod.Post, $"/2013-04-01/hostedzone/{zoneId}/rrset/",
            $"<ChangeResourceRecordSetsRequest xmlns=\"{Ns}\"><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>odd.example.com.</Name><Type>{type}</Type><TTL>{ttl}</TTL><ResourceRecords><ResourceRecord><Value>{stored}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
        var provider = Providers.Create();
        var read = ByKey(await provider.GetRecordsAsync())[new EndpointKey("odd.example.com", new RecordType(type))];

        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [read], UpdateNew = [read with { Targets = [updated], Ttl = 300 }] });
        var now = ByKey(await provider.GetRecordsAsync())[new EndpointKey("odd.example.com", new RecordType(type))];
        await provider.ApplyChangesAsync(new DnsChanges { Delete = [now] });

        Assert.Equal([updated], now.Targets);
        Assert.DoesNotContain(await provider.GetRecordsAsync(), r => r.DnsName == "odd.example.com");
    }

    [Fact]
    public async Task ApplyChangesAsync_DeleteOfRecordAnotherWriterDeletedOrChanged_IsAConflict()
    {
        await Moto.CreateZoneAsync("example.com");
        var ours = Providers.Create();
        var theirs = Providers.Create();
        await ours.ApplyChangesAsync(new DnsChanges { Create = [A("gone.example.com", "192.0.2.1"), A("moved.example.com", "192.0.2.2")] });
        var read = ByKey(await ours.GetRecordsAsync());
        var theirView = ByKey(await theirs.GetRecordsAsync());
        var moved = theirView[new EndpointKey("moved.example.com", RecordType.A)];
        await theirs.ApplyChangesAsync(new DnsChanges
        {
            Delete = [theirView[new EndpointKey("gone.example.com", RecordType.A)]],
            UpdateOld = [moved],
            UpdateNew = [moved with { Targets = ["198.51.100.1"] }],
        });

        var error = await Assert.ThrowsAsync<DnsRecordConflictException>(() => ours.ApplyChangesAsync(new DnsChanges
        {
            Delete = [read[new EndpointKey("gone.example.com", RecordType.A)], read[new EndpointKey("moved.example.com", RecordType.A)]],
        }));

        Assert.Equal(2, error.RejectedEndpoints.Count);
        Assert.Contains(error.RejectedEndpoints, r => r.Endpoint.DnsName == "gone.example.com" && r.Reason.Contains("but it was not found", StringComparison.Ordinal));
        Assert.Contains(error.RejectedEndpoints, r => r.Endpoint.DnsName == "moved.example.com" && r.Reason.Contains("do not match the current values", StringComparison.Ordinal));
        Assert.Equal(["198.51.100.1"], ByKey(await theirs.GetRecordsAsync())[new EndpointKey("moved.example.com", RecordType.A)].Targets);
    }

    [Fact]
    public async Task ApplyChangesAsync_AnswerLostAfterTheBatchWasApplied_RetryMeetsOurOwnWriteAndCountsAsApplied()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        await provider.GetRecordsAsync();
        Moto.Proxy.InjectFault(Route53FaultKind.DroppedAfterForwarding, operation: "ChangeResourceRecordSets");
        var record = A("www.example.com", "192.0.2.1");

        await Providers.Time.RunAsync(provider.ApplyChangesAsync(new DnsChanges { Create = [record, Ownership(record, "us")] }));

        Assert.Equal([Route53BatchOutcome.AppliedAnswerLost, Route53BatchOutcome.RefusedByRules], Moto.Proxy.Batches.Select(b => b.Outcome));
        Assert.Contains(Providers.Logs.Lines, l => l.Contains("already holds exactly what it wanted", StringComparison.Ordinal));
        var zone = ByKey(await provider.GetRecordsAsync());
        Assert.Equal(["192.0.2.1"], zone[record.Key].Targets);
        Assert.True(zone.ContainsKey(new EndpointKey("a-www.example.com", RecordType.TXT)));
    }

    [Fact]
    public async Task ApplyChangesAsync_LostAnswerOfAnUpdate_RetryMeetsOurOwnWriteAndCountsAsApplied()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("www.example.com", "192.0.2.1")] });
        var read = ByKey(await provider.GetRecordsAsync())[new EndpointKey("www.example.com", RecordType.A)];
        Moto.Proxy.InjectFault(Route53FaultKind.DroppedAfterForwarding, operation: "ChangeResourceRecordSets");

        await Providers.Time.RunAsync(provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [read], UpdateNew = [read with { Targets = ["192.0.2.2"] }] }));

        Assert.Equal(["192.0.2.2"], ByKey(await provider.GetRecordsAsync())[read.Key].Targets);
        Assert.Equal(Route53BatchOutcome.RefusedByRules, Moto.Proxy.Batches[^1].Outcome);
    }

    [Fact]
    public async Task ApplyChangesAsync_UnansweredAttemptThenAnotherWriter_IsARealConflict()
    {
        // The first attempt is answered 503 (nothing applied); before the retry another writer creates the name: the
        // retry's refusal is checked against the zone, which does not hold what the batch wanted.
        await Moto.CreateZoneAsync("example.com");
        var ours = Providers.Create();
        var theirs = Providers.Create();
        await ours.GetRecordsAsync();
        var first = 0;
        Providers.Counter.AddRule(
            (request, _) =>
            {
                if (CountingFaultHandler.OperationOf(request) != "ChangeResourceRecordSets" || Interlocked.Increment(ref first) != 1)
                {
                    return false;
                }

                Task.Run(() => theirs.ApplyChangesAsync(new DnsChanges { Create = [A("www.example.com", "198.51.100.7")] })).GetAwaiter().GetResult();
                return true;
            },
            () => CountingFaultHandler.ErrorResponse(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable"));

        var error = await Assert.ThrowsAsync<DnsRecordConflictException>(() => Providers.Time.RunAsync(ours.ApplyChangesAsync(new DnsChanges { Create = [A("www.example.com", "192.0.2.1")] })));

        Assert.Contains("already exists", Assert.Single(error.RejectedEndpoints).Reason, StringComparison.Ordinal);
        Assert.Equal(["198.51.100.7"], ByKey(await theirs.GetRecordsAsync())[new EndpointKey("www.example.com", RecordType.A)].Targets);
    }

    [Fact]
    public async Task ApplyChangesAsync_ConflictBesideAnInvalidRecord_IsAPermanentRefusalNotAConflict()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        var existing = A("dup.example.com", "192.0.2.99");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [existing] });
        Providers.Counter.AddRule(
            (_, body) => body.Contains("<Name>bad.example.com.</Name>", StringComparison.Ordinal),
            () => new HttpResponseMessage(HttpStatusCode.BadRequest)
            {
                Content = new StringContent(
                    $"<InvalidChangeBatch xmlns=\"{Ns}\"><Messages><Message>Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address encountered at bad</Message></Messages></InvalidChangeBatch>",
                    Encoding.UTF8,
                    "text/xml"),
            });

        var error = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [existing, A("bad.example.com", "192.0.2.1"), A("good.example.com", "192.0.2.2")] }));

        Assert.False(error.IsTransient);
        Assert.True(error.IsPartial);
        Assert.Equal(["bad.example.com", "dup.example.com"], error.RejectedEndpoints.Select(r => r.Endpoint.DnsName).Order(StringComparer.Ordinal));
        Assert.Contains(await provider.GetRecordsAsync(), r => r.DnsName == "good.example.com");
    }

    [Fact]
    public async Task ApplyChangesAsync_TwinZonesWhereOnlyOneHoldsTheRecord_UpdatesAndDeletesWithoutConflict()
    {
        var publicZone = await Moto.CreateZoneAsync("example.com");
        await Moto.CreateZoneAsync("example.com", isPrivate: true);
        await Moto.SendAsync(HttpMethod.Post, $"/2013-04-01/hostedzone/{publicZone}/rrset/",
            $"<ChangeResourceRecordSetsRequest xmlns=\"{Ns}\"><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>one.example.com.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
        var provider = Providers.Create();
        var read = Assert.Single(await provider.GetRecordsAsync(), r => r.DnsName == "one.example.com");

        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [read], UpdateNew = [read with { Targets = ["192.0.2.2"] }] });
        var both = (await provider.GetRecordsAsync()).Where(r => r.DnsName == "one.example.com").ToList();
        await provider.ApplyChangesAsync(new DnsChanges { Delete = [both[0]] });

        Assert.Equal(2, both.Count); // the update wrote the new value to both twins
        Assert.All(both, r => Assert.Equal(["192.0.2.2"], r.Targets));
        Assert.DoesNotContain(await provider.GetRecordsAsync(), r => r.DnsName == "one.example.com");
    }

    [Fact]
    public async Task FindZone_BeforeAndAfterDiscovery_MostSpecificKnownZone()
    {
        await Moto.CreateZoneAsync("example.com");
        await Moto.CreateZoneAsync("sub.example.com");
        var provider = Providers.Create();

        Assert.Null(provider.FindZone("a.example.com"));
        await provider.GetRecordsAsync();

        Assert.Equal("sub.example.com", provider.FindZone("a.b.SUB.example.com."));
        Assert.Equal("sub.example.com", provider.FindZone("sub.example.com"));
        Assert.Equal("example.com", provider.FindZone("A.Example.com"));
        Assert.Null(provider.FindZone("example.org"));
        Assert.IsAssignableFrom<IZoneAwareDnsProvider>(provider);
    }

    [Fact]
    public async Task FindZone_ZoneOutsideTheFilters_IsNotKnown()
    {
        await Moto.CreateZoneAsync("example.com");
        await Moto.CreateZoneAsync("example.org");
        var provider = Providers.Create(o => o.DomainFilter.Add("example.org"));

        await provider.GetRecordsAsync();

        Assert.Equal("example.org", provider.FindZone("www.example.org"));
        Assert.Null(provider.FindZone("www.example.com"));
    }

    private List<string> CaptureChangeBodies()
    {
        var bodies = new List<string>();
        Providers.Counter.AddRule(
            (request, body) =>
            {
                if (CountingFaultHandler.OperationOf(request) == "ChangeResourceRecordSets")
                {
                    lock (bodies)
                    {
                        bodies.Add(body);
                    }
                }

                return false;
            },
            () => throw new InvalidOperationException());
        return bodies;
    }
}
