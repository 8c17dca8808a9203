using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Providers;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>
/// Write safety against a real pdns_server: two provider instances (no cache) stand for two writers. Alpha reads,
/// beta changes the zone, then alpha applies a plan computed from its (now stale) read. PowerDNS writes a create as a
/// REPLACE and has no conditional PATCH, so the provider must re-read the changed names and refuse what would
/// overwrite or delete beta's records, together with the ownership records of the refused records, and apply the rest.
/// </summary>
[Collection(PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class PowerDnsProviderWriteSafetyTests(PowerDnsServerFixture server)
{
    private const string AlphaOwner = "\"heritage=external-dns,external-dns/owner=alpha\"";
    private const string BetaOwner = "\"heritage=external-dns,external-dns/owner=beta\"";

    private static DnsEndpoint A(string name, string address) => new(name, RecordType.A, address) { Ttl = 60 };

    private static DnsEndpoint Ownership(string name, string owned, string text) =>
        new DnsEndpoint(name, RecordType.TXT, text) { Ttl = 60 }.WithLabel(EndpointLabels.OwnedRecordKey, owned);

    private static async Task<DnsEndpoint?> FindAsync(PowerDnsProvider provider, string name, RecordType type) =>
        (await provider.GetRecordsAsync()).SingleOrDefault(r => DnsNames.AreEqual(r.DnsName, name) && r.RecordType == type);

    [Fact]
    public async Task Create_OverRrSetAnotherWriterCreatedAfterTheRead_RefusedWithItsOwnershipRecord_RestApplied()
    {
        var zone = await server.CreateZoneAsync();
        using var alpha = new PowerDnsProvider(server.Options(zone));
        using var beta = new PowerDnsProvider(server.Options(zone));
        Assert.Null(await FindAsync(alpha, $"foo.{zone}", RecordType.A)); // alpha's view: the name is free
        await beta.ApplyChangesAsync(new DnsChanges { Create = [A($"foo.{zone}", "192.0.2.20")] });

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() => alpha.ApplyChangesAsync(new DnsChanges
        {
            Create =
            [
                A($"foo.{zone}", "192.0.2.10"),
                Ownership($"a-foo.{zone}", $"foo.{zone}", AlphaOwner),
                A($"bar.{zone}", "192.0.2.30"),
                Ownership($"a-bar.{zone}", $"bar.{zone}", AlphaOwner),
            ],
        }));

        Assert.True(ex.IsTransient);
        Assert.True(ex.IsPartial);
        Assert.Equal([$"a-foo.{zone}", $"foo.{zone}"], ex.RejectedEndpoints.Select(r => r.Endpoint.DnsName).Order(StringComparer.Ordinal));
        var record = Assert.Single(ex.RejectedEndpoints, r => r.Endpoint.RecordType == RecordType.A).Reason;
        Assert.Contains($"create of foo.{zone} A refused", record, StringComparison.Ordinal);
        Assert.Contains("already exists at the PowerDNS server with [192.0.2.20]", record, StringComparison.Ordinal);
        Assert.Contains("not overwritten", record, StringComparison.Ordinal);
        var ownership = Assert.Single(ex.RejectedEndpoints, r => r.Endpoint.RecordType == RecordType.TXT).Reason;
        Assert.Contains($"not applied because foo.{zone} A [192.0.2.10]", ownership, StringComparison.Ordinal);
        Assert.Contains("same record group", ownership, StringComparison.Ordinal);
        Assert.Contains($"applied to zone(s) {zone}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("changed since they were read", ex.Message, StringComparison.Ordinal);

        Assert.Equal(["192.0.2.20"], await server.Dig.DataAsync($"foo.{zone}", "A"));
        Assert.Empty(await server.Dig.TxtAsync($"a-foo.{zone}"));
        Assert.Equal(["192.0.2.30"], await server.Dig.DataAsync($"bar.{zone}", "A"));
        Assert.Equal(["heritage=external-dns,external-dns/owner=alpha"], await server.Dig.TxtAsync($"a-bar.{zone}"));
    }

    [Fact]
    public async Task Create_OverAnotherWritersRecordAndOwnership_NothingSentAndNotPartial()
    {
        var zone = await server.CreateZoneAsync();
        var handler = new CountingHandler();
        using var alpha = new PowerDnsProvider(server.Options(zone), handler, disposeHandler: true);
        using var beta = new PowerDnsProvider(server.Options(zone));
        await beta.ApplyChangesAsync(new DnsChanges { Create = [A($"foo.{zone}", "192.0.2.20"), Ownership($"a-foo.{zone}", $"foo.{zone}", BetaOwner)] });

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() => alpha.ApplyChangesAsync(new DnsChanges
        {
            Create = [A($"foo.{zone}", "192.0.2.10"), Ownership($"a-foo.{zone}", $"foo.{zone}", AlphaOwner)],
        }));

        Assert.False(ex.IsPartial);
        Assert.Equal(2, ex.RejectedEndpoints.Count);
        Assert.StartsWith("PowerDNS apply refused; ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Count(HttpMethod.Patch));
        Assert.Equal(["192.0.2.20"], await server.Dig.DataAsync($"foo.{zone}", "A"));
        Assert.Equal(["heritage=external-dns,external-dns/owner=beta"], await server.Dig.TxtAsync($"a-foo.{zone}"));
    }

    [Theory]
    [InlineData("CNAME", "x.example.net", "A", "192.0.2.10", "is a CNAME at the PowerDNS server")]
    [InlineData("A", "192.0.2.20", "CNAME", "y.example.net", "already has A records")]
    [InlineData("TXT", "\"someone's text\"", "CNAME", "y.example.net", "already has TXT records")]
    public async Task Create_NextToDataThatCannotCoexist_Refused(string theirType, string theirs, string ourType, string ours, string reason)
    {
        var zone = await server.CreateZoneAsync();
        using var alpha = new PowerDnsProvider(server.Options(zone));
        using var beta = new PowerDnsProvider(server.Options(zone));
        await beta.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint($"n.{zone}", new RecordType(theirType), theirs)] });

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() =>
            alpha.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint($"n.{zone}", new RecordType(ourType), ours)] }));

        Assert.Contains(reason, Assert.Single(ex.RejectedEndpoints).Reason, StringComparison.Ordinal);
        Assert.NotEmpty(await server.Dig.DataAsync($"n.{zone}", theirType));
        Assert.Empty(await server.Dig.DataAsync($"n.{zone}", ourType));
    }

    [Fact]
    public async Task Update_WhoseOldValueAnotherWriterChanged_RefusedAndTheirValueKept()
    {
        var zone = await server.CreateZoneAsync();
        var handler = new CountingHandler();
        using var alpha = new PowerDnsProvider(server.Options(zone), handler, disposeHandler: true);
        using var beta = new PowerDnsProvider(server.Options(zone));
        await alpha.ApplyChangesAsync(new DnsChanges { Create = [A($"u.{zone}", "192.0.2.1")] });
        var alphaRead = (await FindAsync(alpha, $"u.{zone}", RecordType.A))!;
        var betaRead = (await FindAsync(beta, $"u.{zone}", RecordType.A))!;
        await beta.ApplyChangesAsync(new DnsChanges { UpdateOld = [betaRead], UpdateNew = [A($"u.{zone}", "192.0.2.2")] });
        var patches = handler.Count(HttpMethod.Patch);

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() =>
            alpha.ApplyChangesAsync(new DnsChanges { UpdateOld = [alphaRead], UpdateNew = [A($"u.{zone}", "192.0.2.3")] }));

        Assert.False(ex.IsPartial);
        var rejected = Assert.Single(ex.RejectedEndpoints);
        Assert.Equal(["192.0.2.3"], rejected.Endpoint.Targets);
        Assert.Contains($"update of u.{zone} A refused", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("now holds [192.0.2.2], not [192.0.2.1] as read", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(patches, handler.Count(HttpMethod.Patch));
        Assert.Equal(["192.0.2.2"], await server.Dig.DataAsync($"u.{zone}", "A"));
    }

    [Fact]
    public async Task Update_WhoseRrSetAnotherWriterDeleted_RefusedAndNotWrittenAgain()
    {
        var zone = await server.CreateZoneAsync();
        using var alpha = new PowerDnsProvider(server.Options(zone));
        using var beta = new PowerDnsProvider(server.Options(zone));
        await alpha.ApplyChangesAsync(new DnsChanges { Create = [A($"gone.{zone}", "192.0.2.1")] });
        var alphaRead = (await FindAsync(alpha, $"gone.{zone}", RecordType.A))!;
        await beta.ApplyChangesAsync(new DnsChanges { Delete = [(await FindAsync(beta, $"gone.{zone}", RecordType.A))!] });

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() =>
            alpha.ApplyChangesAsync(new DnsChanges { UpdateOld = [alphaRead], UpdateNew = [A($"gone.{zone}", "192.0.2.3")] }));

        Assert.Contains("no longer exists at the PowerDNS server", Assert.Single(ex.RejectedEndpoints).Reason, StringComparison.Ordinal);
        Assert.Empty(await server.Dig.DataAsync($"gone.{zone}", "A"));
    }

    [Fact]
    public async Task Delete_OfRrSetAnotherWriterChanged_RefusedWithItsOwnershipRecordAndLeftInPlace()
    {
        var zone = await server.CreateZoneAsync();
        using var alpha = new PowerDnsProvider(server.Options(zone));
        using var beta = new PowerDnsProvider(server.Options(zone));
        await alpha.ApplyChangesAsync(new DnsChanges { Create = [A($"d.{zone}", "192.0.2.1"), Ownership($"a-d.{zone}", $"d.{zone}", AlphaOwner)] });
        var alphaRecords = await alpha.GetRecordsAsync();
        var record = alphaRecords.Single(r => r.DnsName == $"d.{zone}");
        var ownership = alphaRecords.Single(r => r.DnsName == $"a-d.{zone}").WithLabel(EndpointLabels.OwnedRecordKey, $"d.{zone}");
        await beta.ApplyChangesAsync(new DnsChanges { UpdateOld = [record], UpdateNew = [A($"d.{zone}", "192.0.2.2")] });

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() =>
            alpha.ApplyChangesAsync(new DnsChanges { Delete = [record, ownership] }));

        Assert.False(ex.IsPartial);
        Assert.Equal(2, ex.RejectedEndpoints.Count);
        var reason = Assert.Single(ex.RejectedEndpoints, r => r.Endpoint.RecordType == RecordType.A).Reason;
        Assert.Contains($"delete of d.{zone} A refused", reason, StringComparison.Ordinal);
        Assert.Contains("now holds [192.0.2.2], not [192.0.2.1] as read", reason, StringComparison.Ordinal);
        Assert.Contains("left in place", reason, StringComparison.Ordinal);
        Assert.Equal(["192.0.2.2"], await server.Dig.DataAsync($"d.{zone}", "A"));
        Assert.Equal(["heritage=external-dns,external-dns/owner=alpha"], await server.Dig.TxtAsync($"a-d.{zone}"));
    }

    [Fact]
    public async Task UpdateAndDelete_OldSideInAnotherSpellingOfTheSameValues_AreApplied()
    {
        // A cached view holds what was written (unquoted TXT, upper-case names, trailing dots, non-canonical IPv6,
        // another order): the check compares values in their canonical form, as sets.
        var zone = await server.CreateZoneAsync();
        using var provider = new PowerDnsProvider(server.Options(zone));
        await provider.ApplyChangesAsync(new DnsChanges
        {
            Create =
            [
                new DnsEndpoint($"six.{zone}", RecordType.AAAA, "2001:db8::1", "2001:db8::2"),
                new DnsEndpoint($"t.{zone}", RecordType.TXT, "plain text"),
                new DnsEndpoint($"c.{zone}", RecordType.CNAME, "target.example.net"),
                new DnsEndpoint($"m.{zone}", RecordType.MX, "10 mail.example.net"),
                new DnsEndpoint($"gone.{zone}", RecordType.A, "192.0.2.9"),
            ],
        });

        await provider.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld =
            [
                new DnsEndpoint($"six.{zone}", RecordType.AAAA, "2001:DB8:0::2", "2001:0db8::1"),
                new DnsEndpoint($"t.{zone}", RecordType.TXT, "plain text"),
                new DnsEndpoint($"c.{zone}", RecordType.CNAME, "Target.Example.NET."),
                new DnsEndpoint($"m.{zone}", RecordType.MX, "10 mail.example.net."),
            ],
            UpdateNew =
            [
                new DnsEndpoint($"six.{zone}", RecordType.AAAA, "2001:db8::3"),
                new DnsEndpoint($"t.{zone}", RecordType.TXT, "\"new text\""),
                new DnsEndpoint($"c.{zone}", RecordType.CNAME, "other.example.net"),
                new DnsEndpoint($"m.{zone}", RecordType.MX, "20 mx.example.net"),
            ],
            Delete = [new DnsEndpoint($"GONE.{zone}.", RecordType.A, "192.0.2.9")],
        });

        Assert.Equal(["2001:db8::3"], await server.Dig.DataAsync($"six.{zone}", "AAAA"));
        Assert.Equal(["new text"], await server.Dig.TxtAsync($"t.{zone}"));
        Assert.Equal(["other.example.net."], await server.Dig.DataAsync($"c.{zone}", "CNAME"));
        Assert.Equal(["20 mx.example.net."], await server.Dig.DataAsync($"m.{zone}", "MX"));
        Assert.Empty(await server.Dig.DataAsync($"gone.{zone}", "A"));
    }

    [Fact]
    public async Task Create_WildcardNameAnotherWriterCreatedAfterTheRead_Refused()
    {
        var zone = await server.CreateZoneAsync();
        using var alpha = new PowerDnsProvider(server.Options(zone));
        using var beta = new PowerDnsProvider(server.Options(zone));
        await beta.ApplyChangesAsync(new DnsChanges { Create = [A($"*.w.{zone}", "192.0.2.20")] });

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() =>
            alpha.ApplyChangesAsync(new DnsChanges { Create = [A($"*.w.{zone}", "192.0.2.10")] }));

        Assert.Contains("already exists", Assert.Single(ex.RejectedEndpoints).Reason, StringComparison.Ordinal);
        Assert.Equal(["192.0.2.20"], await server.Dig.DataAsync($"anything.w.{zone}", "A"));
    }

    [Fact]
    public async Task NameGroupAcrossTwoZones_ConflictInParentZone_ChildZoneRecordNotWrittenEither()
    {
        // The apex record of a child zone has its ownership record in the parent zone: both zones are read before
        // either is written, so the conflict in the parent keeps the child's record out too.
        var parent = await server.CreateZoneAsync();
        var child = await server.CreateZoneAsync("sub." + parent);
        var handler = new CountingHandler();
        using var alpha = new PowerDnsProvider(server.Options(parent), handler, disposeHandler: true);
        using var beta = new PowerDnsProvider(server.Options(parent));
        await beta.ApplyChangesAsync(new DnsChanges { Create = [Ownership($"a-sub.{parent}", child, BetaOwner)] });

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() => alpha.ApplyChangesAsync(new DnsChanges
        {
            Create = [A(child, "192.0.2.30"), Ownership($"a-sub.{parent}", child, AlphaOwner)],
        }));

        Assert.False(ex.IsPartial);
        Assert.Equal([$"a-sub.{parent}", child], ex.RejectedEndpoints.Select(r => r.Endpoint.DnsName).Order(StringComparer.Ordinal));
        Assert.Equal(0, handler.Count(HttpMethod.Patch));
        Assert.Empty(await server.Dig.DataAsync(child, "A"));
        Assert.Equal(["heritage=external-dns,external-dns/owner=beta"], await server.Dig.TxtAsync($"a-sub.{parent}"));
    }

    [Fact]
    public async Task RefusedForWhatItIs_TheOwnershipRecordIsNotWrittenEither()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = new PowerDnsProvider(server.Options(zone));
        var weighted = A($"w.{zone}", "192.0.2.1") with { SetIdentifier = "blue" };

        var ex = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges
        {
            Create = [Ownership($"a-w.{zone}", $"w.{zone}", AlphaOwner), weighted, A($"ok.{zone}", "192.0.2.2")],
        }));

        Assert.IsNotType<DnsRecordConflictException>(ex);
        Assert.True(ex.IsPartial);
        Assert.Contains(ex.RejectedEndpoints, r => r.Endpoint == weighted && r.Reason.Contains("set identifier", StringComparison.Ordinal));
        Assert.Contains(ex.RejectedEndpoints, r => r.Endpoint.DnsName == $"a-w.{zone}" && r.Reason.Contains("same record group", StringComparison.Ordinal));
        Assert.Empty(await server.Dig.TxtAsync($"a-w.{zone}"));
        Assert.Equal(["192.0.2.2"], await server.Dig.DataAsync($"ok.{zone}", "A"));
    }

    [Fact]
    public async Task ConflictAndOtherRefusalInOneApply_ConflictExceptionListsBoth()
    {
        var zone = await server.CreateZoneAsync();
        using var alpha = new PowerDnsProvider(server.Options(zone));
        using var beta = new PowerDnsProvider(server.Options(zone));
        await beta.ApplyChangesAsync(new DnsChanges { Create = [A($"taken.{zone}", "192.0.2.20")] });
        var orphan = A("www.no-such-zone.invalid", "192.0.2.1");

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() => alpha.ApplyChangesAsync(new DnsChanges
        {
            Create = [A($"taken.{zone}", "192.0.2.10"), orphan, A($"free.{zone}", "192.0.2.11")],
        }));

        Assert.True(ex.IsPartial);
        Assert.Contains(ex.RejectedEndpoints, r => r.Endpoint.DnsName == $"taken.{zone}" && r.Reason.Contains("already exists", StringComparison.Ordinal));
        Assert.Contains(ex.RejectedEndpoints, r => r.Endpoint == orphan && r.Reason.Contains("outside the domain filter", StringComparison.Ordinal));
        Assert.Equal(["192.0.2.11"], await server.Dig.DataAsync($"free.{zone}", "A"));
        Assert.Equal(["192.0.2.20"], await server.Dig.DataAsync($"taken.{zone}", "A"));
    }

    [Fact]
    public async Task FewChangedNames_EachReadByNameBeforeThePatch()
    {
        var zone = await server.CreateZoneAsync();
        var handler = new CountingHandler();
        using var provider = new PowerDnsProvider(server.Options(zone), handler, disposeHandler: true);

        await provider.ApplyChangesAsync(new DnsChanges
        {
            Create = [A($"one.{zone}", "192.0.2.1"), A($"two.{zone}", "192.0.2.2"), Ownership($"a-two.{zone}", $"two.{zone}", AlphaOwner)],
        });

        var requests = handler.Requests;
        Assert.Equal(5, requests.Count);
        Assert.Equal(1, requests.Count(r => r.Method == HttpMethod.Get && r.Path.EndsWith("/zones", StringComparison.Ordinal)));
        Assert.Equal(
            [$"?rrset_name=a-two.{zone}.", $"?rrset_name=one.{zone}.", $"?rrset_name=two.{zone}."],
            requests.Where(r => r.Method == HttpMethod.Get && r.Path.EndsWith($"/zones/{zone}.", StringComparison.Ordinal)).Select(r => r.Query).Order(StringComparer.Ordinal));
        Assert.Equal(1, handler.Count(HttpMethod.Patch));
        Assert.Equal(["192.0.2.2"], await server.Dig.DataAsync($"two.{zone}", "A"));
    }

    [Fact]
    public async Task ThousandChanges_OneZoneReadBeforeTheOnePatch()
    {
        var zone = await server.CreateZoneAsync();
        var handler = new CountingHandler();
        using var provider = new PowerDnsProvider(server.Options(zone), handler, disposeHandler: true);
        var creates = Enumerable.Range(0, 500).SelectMany(i => new[]
        {
            A($"h{i}.{zone}", "192.0.2.1"),
            Ownership($"a-h{i}.{zone}", $"h{i}.{zone}", AlphaOwner),
        }).ToArray();

        await provider.ApplyChangesAsync(new DnsChanges { Create = creates });

        var requests = handler.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal((HttpMethod.Get, string.Empty), (requests[1].Method, requests[1].Query));
        Assert.EndsWith($"/zones/{zone}.", requests[1].Path, StringComparison.Ordinal);
        Assert.Equal(HttpMethod.Patch, requests[2].Method);
        Assert.Equal(1000, (await provider.GetRecordsAsync()).Count(r => r.DnsName.StartsWith('h') || r.DnsName.StartsWith("a-h", StringComparison.Ordinal)));
        Assert.Equal(["192.0.2.1"], await server.Dig.DataAsync($"h499.{zone}", "A"));
    }

    [Fact]
    public async Task ServerThatIgnoresRrSetName_AnswersWithTheWholeZone_CheckStillFindsTheRecord()
    {
        // A PowerDNS without rrset_name answers a name read with the whole zone: only the names asked for count.
        const string zoneList = """[{"id":"example.org.","name":"example.org.","kind":"Native"}]""";
        const string wholeZone = """{"id":"example.org.","name":"example.org.","rrsets":[{"name":"taken.example.org.","type":"A","ttl":60,"records":[{"content":"192.0.2.20","disabled":false}]},{"name":"other.example.org.","type":"CNAME","ttl":60,"records":[{"content":"x.example.net.","disabled":false}]}]}""";
        await using var http = new LoopbackHttpServer((method, target) => method switch
        {
            "PATCH" => new CannedResponse(204),
            _ when target.Contains("/zones/", StringComparison.Ordinal) => new CannedResponse(200, wholeZone),
            _ => new CannedResponse(200, zoneList),
        });
        using var provider = new PowerDnsProvider(new PowerDnsProviderOptions { ApiUrl = http.Url, ApiKey = "k" });

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() => provider.ApplyChangesAsync(new DnsChanges
        {
            Create = [A("taken.example.org", "192.0.2.10"), A("free.example.org", "192.0.2.11")],
        }));

        Assert.True(ex.IsPartial);
        Assert.Equal("taken.example.org", Assert.Single(ex.RejectedEndpoints).Endpoint.DnsName);
        var patch = http.Bodies[Assert.Single(Enumerable.Range(0, http.Requests.Count), i => http.Requests[i].StartsWith("PATCH ", StringComparison.Ordinal))];
        Assert.Equal(2, http.Requests.Count(r => r.Contains("?rrset_name=", StringComparison.Ordinal)));
        Assert.Contains("free.example.org.", patch, StringComparison.Ordinal);
        Assert.DoesNotContain("taken", patch, StringComparison.Ordinal);
    }
}
