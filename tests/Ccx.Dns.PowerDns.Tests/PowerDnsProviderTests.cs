using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Providers;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>Round trips against a real pdns_server, each change checked by a DNS query (dig) as well as by reading back.</summary>
[Collection(PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class PowerDnsProviderTests(PowerDnsServerFixture server)
{
    private PowerDnsProvider Provider(params string[] zones) => new(server.Options(zones));

    private static DnsChanges Create(params DnsEndpoint[] endpoints) => new() { Create = endpoints };

    private static async Task<DnsEndpoint> ReadSingleAsync(PowerDnsProvider provider, string name, RecordType type)
    {
        var records = await provider.GetRecordsAsync();
        return Assert.Single(records, r => DnsNames.AreEqual(r.DnsName, name) && r.RecordType == type);
    }

    /// <summary>Writes the endpoint, then checks that reading it back gives exactly the adjusted desired endpoint (lossless round trip).</summary>
    private static async Task<DnsEndpoint> RoundTripAsync(PowerDnsProvider provider, DnsEndpoint desired)
    {
        await provider.ApplyChangesAsync(Create(desired));
        var expected = provider.AdjustEndpoints([desired])[0];
        var actual = await ReadSingleAsync(provider, desired.DnsName, desired.RecordType);
        Assert.Equal(expected.Targets.Order(StringComparer.Ordinal), actual.Targets.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Ttl == 0 ? 300 : expected.Ttl, actual.Ttl);
        Assert.True(DnsTargets.Same(expected.Targets, actual.Targets));
        return actual;
    }

    [Fact]
    public async Task ApplyChanges_CreateMultiTargetA_ServedByDnsAndReadBack()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);

        await RoundTripAsync(provider, new DnsEndpoint($"www.{zone}", RecordType.A, "192.0.2.10", "192.0.2.11", "192.0.2.12") { Ttl = 120 });

        var answers = await server.Dig.QueryAsync($"www.{zone}", "A");
        Assert.Equal(["192.0.2.10", "192.0.2.11", "192.0.2.12"], answers.Select(a => a.Data).Order());
        Assert.All(answers, a => Assert.Equal(120, a.Ttl));
    }

    [Fact]
    public async Task ApplyChanges_CreateAaaaInNonCanonicalForm_StoredCanonicalAndAdjustMatches()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);

        var actual = await RoundTripAsync(provider, new DnsEndpoint($"v6.{zone}", RecordType.AAAA, "2001:DB8:0:0:0:0:0:1", "2001:db8::2"));

        Assert.Equal(["2001:db8::1", "2001:db8::2"], actual.Targets.Order());
        Assert.Equal(["2001:db8::1", "2001:db8::2"], await server.Dig.DataAsync($"v6.{zone}", "AAAA"));
    }

    [Fact]
    public async Task ApplyChanges_CreateCname_TargetGetsTrailingDotOnTheWireAndNoneWhenRead()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);

        var actual = await RoundTripAsync(provider, new DnsEndpoint($"alias.{zone}", RecordType.CNAME, "lb.example.net"));

        Assert.Equal(["lb.example.net"], actual.Targets);
        Assert.Equal(["lb.example.net."], await server.Dig.DataAsync($"alias.{zone}", "CNAME"));
        var stored = Assert.Single(await server.ReadRrSetsAsync(zone), r => r.Type == "CNAME");
        Assert.Equal(["lb.example.net."], stored.Contents);
    }

    [Fact]
    public async Task ApplyChanges_TxtLongerThan255_ServedAsSeveralStringsWithTheSameText()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        var text = "v=DKIM1; k=rsa; p=" + string.Concat(Enumerable.Range(0, 400).Select(i => (char)('A' + (i % 26))));

        var actual = await RoundTripAsync(provider, new DnsEndpoint($"long.{zone}", RecordType.TXT, text));

        Assert.Equal(["\"" + text + "\""], actual.Targets);
        var answer = Assert.Single(await server.Dig.QueryAsync($"long.{zone}", "TXT", tcp: true));
        var strings = DigClient.TxtStrings(answer.Data);
        Assert.Equal(2, strings.Count);
        Assert.Equal(255, strings[0].Length);
        Assert.Equal(text, string.Concat(strings));
    }

    [Fact]
    public async Task ApplyChanges_TxtWithQuotesSemicolonsAndBackslashes_DnsAnswersTheExactText()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        const string text = "say \"hi\"; then \\ leave; café 😀";

        var actual = await RoundTripAsync(provider, new DnsEndpoint($"quotes.{zone}", RecordType.TXT, text, "second; value"));

        Assert.Equal(["\"say \\\"hi\\\"; then \\\\ leave; café 😀\"", "\"second; value\""], actual.Targets.Order(StringComparer.Ordinal));
        Assert.Equal(["say \"hi\"; then \\ leave; café 😀", "second; value"], await server.Dig.TxtAsync($"quotes.{zone}"));
    }

    [Fact]
    public async Task ApplyChanges_TxtRegistryStyleQuotedTarget_ReadBackByteIdentical()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        const string target = "\"heritage=external-dns,external-dns/owner=default,external-dns/resource=ingress/default/web\"";

        await provider.ApplyChangesAsync(Create(new DnsEndpoint($"a-www.{zone}", RecordType.TXT, target)));

        var actual = await ReadSingleAsync(provider, $"a-www.{zone}", RecordType.TXT);
        Assert.Equal([target], actual.Targets);
        Assert.Equal([target.Trim('"')], await server.Dig.TxtAsync($"a-www.{zone}"));
        Assert.Same(actual, provider.AdjustEndpoints([actual])[0]);
    }

    [Fact]
    public async Task ApplyChanges_CreateMx_ExternalDnsFormRoundTrips()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);

        var actual = await RoundTripAsync(provider, new DnsEndpoint(zone, RecordType.MX, $"10 mail.{zone}", $"20 backup.{zone}."));

        Assert.Equal([$"10 mail.{zone}", $"20 backup.{zone}"], actual.Targets.Order(StringComparer.Ordinal));
        Assert.Equal([$"10 mail.{zone}.", $"20 backup.{zone}."], await server.Dig.DataAsync(zone, "MX"));
    }

    [Fact]
    public async Task ApplyChanges_CreateSrv_KeepsTrailingDotLikeExternalDns()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);

        var actual = await RoundTripAsync(provider, new DnsEndpoint($"_sip._tcp.{zone}", RecordType.SRV, $"10 20 5060 sip.{zone}", $"10 30 5061 sip2.{zone}."));

        Assert.Equal([$"10 20 5060 sip.{zone}.", $"10 30 5061 sip2.{zone}."], actual.Targets.Order(StringComparer.Ordinal));
        Assert.Equal([$"10 20 5060 sip.{zone}.", $"10 30 5061 sip2.{zone}."], await server.Dig.DataAsync($"_sip._tcp.{zone}", "SRV"));
    }

    [Fact]
    public async Task ApplyChanges_UnsetTtl_UsesConfiguredDefault()
    {
        var zone = await server.CreateZoneAsync();
        var options = server.Options(zone);
        options.DefaultTtl = 77;
        using var provider = new PowerDnsProvider(options);

        await provider.ApplyChangesAsync(Create(new DnsEndpoint($"d.{zone}", RecordType.A, "192.0.2.1")));

        Assert.Equal(77, (await ReadSingleAsync(provider, $"d.{zone}", RecordType.A)).Ttl);
        Assert.Equal(77, Assert.Single(await server.Dig.QueryAsync($"d.{zone}", "A")).Ttl);
    }

    [Fact]
    public async Task ApplyChanges_UpdateTtlAndTargets_ReplacesTheWholeSet()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        var old = new DnsEndpoint($"u.{zone}", RecordType.A, "192.0.2.1", "192.0.2.2") { Ttl = 300 };
        await provider.ApplyChangesAsync(Create(old));
        var current = await ReadSingleAsync(provider, old.DnsName, RecordType.A);

        var updated = new DnsEndpoint($"u.{zone}", RecordType.A, "192.0.2.3", "192.0.2.4", "192.0.2.5") { Ttl = 900 };
        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [current], UpdateNew = [updated] });

        var read = await ReadSingleAsync(provider, old.DnsName, RecordType.A);
        Assert.Equal(900, read.Ttl);
        Assert.Equal(["192.0.2.3", "192.0.2.4", "192.0.2.5"], read.Targets.Order());
        var answers = await server.Dig.QueryAsync($"u.{zone}", "A");
        Assert.Equal(["192.0.2.3", "192.0.2.4", "192.0.2.5"], answers.Select(a => a.Data).Order());
        Assert.All(answers, a => Assert.Equal(900, a.Ttl));
    }

    [Fact]
    public async Task ApplyChanges_Delete_RemovesFromDnsAndLeavesOtherTypesAtTheName()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        var a = new DnsEndpoint($"x.{zone}", RecordType.A, "192.0.2.1");
        var txt = new DnsEndpoint($"x.{zone}", RecordType.TXT, "keep me");
        await provider.ApplyChangesAsync(Create(a, txt));
        Assert.Equal(["192.0.2.1"], await server.Dig.DataAsync($"x.{zone}", "A"));

        await provider.ApplyChangesAsync(new DnsChanges { Delete = [a] });

        Assert.Empty(await server.Dig.DataAsync($"x.{zone}", "A"));
        Assert.Equal(["keep me"], await server.Dig.TxtAsync($"x.{zone}"));
        Assert.DoesNotContain(await provider.GetRecordsAsync(), r => r.RecordType == RecordType.A);
    }

    [Fact]
    public async Task ApplyChanges_DeleteOfMissingRecordSet_Succeeds()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);

        await provider.ApplyChangesAsync(new DnsChanges { Delete = [new DnsEndpoint($"ghost.{zone}", RecordType.A, "192.0.2.1")] });

        Assert.Empty(await server.Dig.DataAsync($"ghost.{zone}", "A"));
    }

    [Fact]
    public async Task ApplyChanges_CnameReplacedByAInOneApply_SucceedsWithOnePatch()
    {
        var zone = await server.CreateZoneAsync();
        var handler = new CountingHandler();
        using var provider = new PowerDnsProvider(server.Options(zone), handler, disposeHandler: true);
        var cname = new DnsEndpoint($"swap.{zone}", RecordType.CNAME, "old.example.net");
        var ownerTxt = new DnsEndpoint($"cname-swap.{zone}", RecordType.TXT, "\"heritage=external-dns,external-dns/owner=default\"");
        await provider.ApplyChangesAsync(Create(cname, ownerTxt));
        Assert.Equal(["old.example.net."], await server.Dig.DataAsync($"swap.{zone}", "CNAME"));
        var patchesBefore = handler.Count(HttpMethod.Patch);

        var a = new DnsEndpoint($"swap.{zone}", RecordType.A, "192.0.2.50");
        var aTxt = new DnsEndpoint($"a-swap.{zone}", RecordType.TXT, "\"heritage=external-dns,external-dns/owner=default\"");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [a, aTxt], Delete = [cname, ownerTxt] });

        Assert.Equal(1, handler.Count(HttpMethod.Patch) - patchesBefore);
        var body = handler.Requests.Last(r => r.Method == HttpMethod.Patch).Body!;
        Assert.True(body.LastIndexOf("\"DELETE\"", StringComparison.Ordinal) < body.IndexOf("\"REPLACE\"", StringComparison.Ordinal), body);
        Assert.Equal(["192.0.2.50"], await server.Dig.DataAsync($"swap.{zone}", "A"));
        Assert.Empty(await server.Dig.DataAsync($"swap.{zone}", "CNAME"));
        var records = await provider.GetRecordsAsync();
        Assert.DoesNotContain(records, r => r.RecordType == RecordType.CNAME);
        Assert.Contains(records, r => r.DnsName == $"a-swap.{zone}");
        Assert.DoesNotContain(records, r => r.DnsName == $"cname-swap.{zone}");
    }

    [Fact]
    public async Task ApplyChanges_AReplacedByCnameInOneApply_Succeeds()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        var a = new DnsEndpoint($"back.{zone}", RecordType.A, "192.0.2.1");
        await provider.ApplyChangesAsync(Create(a));

        await provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint($"back.{zone}", RecordType.CNAME, "target.example.net")], Delete = [a] });

        Assert.Equal(["target.example.net."], await server.Dig.DataAsync($"back.{zone}", "CNAME"));
    }

    [Fact]
    public async Task ApplyChanges_InvalidContent_Returns422ReasonAndLeavesZoneUnchanged()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        var existing = new DnsEndpoint($"stay.{zone}", RecordType.A, "192.0.2.1");
        await provider.ApplyChangesAsync(Create(existing));
        var before = await server.ReadRrSetsAsync(zone);

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.ApplyChangesAsync(new DnsChanges
        {
            Create = [new DnsEndpoint($"good.{zone}", RecordType.A, "192.0.2.2"), new DnsEndpoint($"bad.{zone}", RecordType.A, "300.1.1.1")],
            UpdateOld = [existing],
            UpdateNew = [new DnsEndpoint($"stay.{zone}", RecordType.A, "192.0.2.99")],
            Delete = [],
        }));

        Assert.False(ex.IsTransient);
        Assert.False(ex.IsPartial);
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, ex.StatusCode);
        Assert.Contains("unable to parse IP address", ex.ServerError, StringComparison.Ordinal);
        Assert.Contains($"bad.{zone}.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unable to parse IP address", ex.Message, StringComparison.Ordinal);
        var after = await server.ReadRrSetsAsync(zone);
        Assert.Equal(before.Select(r => (r.Name, r.Type, r.Ttl, string.Join(",", r.Contents))), after.Select(r => (r.Name, r.Type, r.Ttl, string.Join(",", r.Contents))));
        Assert.Empty(await server.Dig.DataAsync($"good.{zone}", "A"));
        Assert.Equal(["192.0.2.1"], await server.Dig.DataAsync($"stay.{zone}", "A"));
    }

    [Fact]
    public async Task ApplyChanges_CnameNextToOtherData_RefusedBeforeThePatchAndTheRestApplied()
    {
        // PowerDNS itself would refuse the zone's whole PATCH ("Conflicts with pre-existing RRset"); the provider sees
        // the A record in its pre-PATCH read and refuses only the CNAME, so the unrelated create still goes through.
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        await provider.ApplyChangesAsync(Create(new DnsEndpoint($"busy.{zone}", RecordType.A, "192.0.2.1")));
        var cname = new DnsEndpoint($"busy.{zone}", RecordType.CNAME, "elsewhere.example.net");

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() =>
            provider.ApplyChangesAsync(Create(cname, new DnsEndpoint($"other.{zone}", RecordType.A, "192.0.2.2"))));

        Assert.True(ex.IsTransient);
        Assert.True(ex.IsPartial);
        var rejected = Assert.Single(ex.RejectedEndpoints);
        Assert.Equal(cname, rejected.Endpoint);
        Assert.Contains("already has A records", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("CNAME cannot coexist", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(["192.0.2.1"], await server.Dig.DataAsync($"busy.{zone}", "A"));
        Assert.Empty(await server.Dig.DataAsync($"busy.{zone}", "CNAME"));
        Assert.Equal(["192.0.2.2"], await server.Dig.DataAsync($"other.{zone}", "A"));
    }

    [Fact]
    public async Task GetRecords_ReturnsEveryRrsetButSoaWithoutTrailingDots()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        await provider.ApplyChangesAsync(Create(
            new DnsEndpoint($"b.{zone}", RecordType.A, "192.0.2.1"),
            new DnsEndpoint($"a.{zone}", RecordType.TXT, "t")));

        var records = await provider.GetRecordsAsync();

        Assert.Equal(
            [$"a.{zone} TXT", $"b.{zone} A", $"{zone} NS"],
            records.Select(r => $"{r.DnsName} {r.RecordType}"));
        Assert.Equal([$"ns1.{zone}"], records[2].Targets);
        Assert.Equal(3600, records[2].Ttl);
        Assert.DoesNotContain(records, r => r.DnsName.EndsWith('.'));
    }

    [Fact]
    public async Task ApplyChanges_NameInChildZone_GoesToTheMostSpecificZone()
    {
        var parent = await server.CreateZoneAsync();
        var child = await server.CreateZoneAsync($"sub.{parent}");
        using var provider = Provider(parent);

        await provider.ApplyChangesAsync(Create(
            new DnsEndpoint($"www.sub.{parent}", RecordType.A, "192.0.2.7"),
            new DnsEndpoint($"www.{parent}", RecordType.A, "192.0.2.8")));

        Assert.Contains(await server.ReadRrSetsAsync(child), r => r.Name == $"www.sub.{parent}." && r.Type == "A");
        Assert.DoesNotContain(await server.ReadRrSetsAsync(parent), r => r.Name == $"www.sub.{parent}.");
        Assert.Equal(["192.0.2.7"], await server.Dig.DataAsync($"www.sub.{parent}", "A"));
        Assert.Equal(["192.0.2.8"], await server.Dig.DataAsync($"www.{parent}", "A"));
        var records = await provider.GetRecordsAsync();
        Assert.Single(records, r => r.DnsName == $"www.sub.{parent}");
    }

    [Fact]
    public async Task GetRecords_DomainFilter_ReturnsOnlyMatchingZonesAndNames()
    {
        var included = await server.CreateZoneAsync();
        var other = await server.CreateZoneAsync();
        using (var all = Provider(included, other))
        {
            await all.ApplyChangesAsync(Create(
                new DnsEndpoint($"in.{included}", RecordType.A, "192.0.2.1"),
                new DnsEndpoint($"skip.in.{included}", RecordType.A, "192.0.2.2"),
                new DnsEndpoint($"out.{other}", RecordType.A, "192.0.2.3")));
        }

        var options = server.Options(included);
        options.ExcludeDomains.Add($"skip.in.{included}");
        using var provider = new PowerDnsProvider(options);
        var records = await provider.GetRecordsAsync();

        Assert.Contains(records, r => r.DnsName == $"in.{included}");
        Assert.DoesNotContain(records, r => r.DnsName == $"skip.in.{included}");
        Assert.DoesNotContain(records, r => r.DnsName.EndsWith(other, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyChanges_SomeEndpointsWithoutZone_AppliesTheRestAndReportsThem()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider();
        var orphan = new DnsEndpoint("www.no-such-zone.invalid", RecordType.A, "192.0.2.1");
        var weighted = new DnsEndpoint($"w.{zone}", RecordType.A, "192.0.2.2") { SetIdentifier = "blue" };

        var ex = await Assert.ThrowsAsync<DnsProviderException>(() =>
            provider.ApplyChangesAsync(Create(orphan, weighted, new DnsEndpoint($"ok.{zone}", RecordType.A, "192.0.2.3"))));

        Assert.False(ex.IsTransient);
        Assert.True(ex.IsPartial);
        Assert.Equal(2, ex.RejectedEndpoints.Count);
        Assert.Contains(ex.RejectedEndpoints, r => r.Endpoint == orphan && r.Reason.Contains("no zone", StringComparison.Ordinal));
        Assert.Contains(ex.RejectedEndpoints, r => r.Endpoint == weighted && r.Reason.Contains("set identifier", StringComparison.Ordinal));
        Assert.Equal(["192.0.2.3"], await server.Dig.DataAsync($"ok.{zone}", "A"));
        Assert.Empty(await server.Dig.DataAsync($"w.{zone}", "A"));
    }

    [Fact]
    public async Task ApplyChanges_OneZoneRefused_OtherZoneAppliedAndFailureIsPartial()
    {
        var good = await server.CreateZoneAsync();
        var bad = await server.CreateZoneAsync();
        using var provider = Provider(good, bad);
        var refused = new DnsEndpoint($"x.{bad}", RecordType.AAAA, "not-an-address");

        var ex = await Assert.ThrowsAsync<DnsProviderException>(() =>
            provider.ApplyChangesAsync(Create(new DnsEndpoint($"x.{good}", RecordType.A, "192.0.2.1"), refused)));

        Assert.True(ex.IsPartial);
        Assert.False(ex.IsTransient);
        var rejected = Assert.Single(ex.RejectedEndpoints);
        Assert.Equal(refused, rejected.Endpoint);
        Assert.Contains("422", rejected.Reason, StringComparison.Ordinal);
        Assert.IsType<PowerDnsApiException>(ex.InnerException);
        Assert.Equal(["192.0.2.1"], await server.Dig.DataAsync($"x.{good}", "A"));
        Assert.Empty(await server.Dig.DataAsync($"x.{bad}", "AAAA"));
    }

    [Fact]
    public async Task ApplyChanges_AliasCname_WrittenAsAliasAndReadBackAsAliasCname()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        var apex = new DnsEndpoint(zone, RecordType.CNAME, "lb.example.net");

        await provider.ApplyChangesAsync(Create(apex));

        var stored = Assert.Single(await server.ReadRrSetsAsync(zone), r => r.Type == "ALIAS");
        Assert.Equal(["lb.example.net."], stored.Contents);
        var read = await ReadSingleAsync(provider, zone, RecordType.CNAME);
        Assert.True(read.IsAlias);
        Assert.Equal(["lb.example.net"], read.Targets);
        var adjusted = provider.AdjustEndpoints([apex])[0];
        Assert.Equal(read.ProviderSpecific, adjusted.ProviderSpecific);
        Assert.Equal(read.Targets, adjusted.Targets);

        await provider.ApplyChangesAsync(new DnsChanges { Delete = [read] });
        Assert.DoesNotContain(await server.ReadRrSetsAsync(zone), r => r.Type == "ALIAS");
    }

    [Fact]
    public async Task ApplyChanges_NoChanges_SendsNoRequest()
    {
        var handler = new CountingHandler();
        using var provider = new PowerDnsProvider(server.Options(), handler, disposeHandler: true);

        await provider.ApplyChangesAsync(DnsChanges.Empty);

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task GetRecords_AfterApplyingAdjustedDesiredZone_EveryRecordSetComparesEqual()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = Provider(zone);
        DnsEndpoint[] desired =
        [
            new($"a.{zone}", RecordType.A, "192.0.2.2", "192.0.2.1") { Ttl = 60 },
            new($"a.{zone}", RecordType.AAAA, "2001:DB8::0:1"),
            new($"a.{zone}", RecordType.TXT, "plain text; with \"quotes\"", "\"pre-quoted\" \"two strings\""),
            new($"*.wild.{zone}", RecordType.A, "192.0.2.9"),
            new($"c.{zone}", RecordType.CNAME, "a." + zone),
            new(zone, RecordType.MX, $"10 mail.{zone}", $"20 mail2.{zone}"),
            new($"_ldap._tcp.{zone}", RecordType.SRV, $"0 100 389 ldap.{zone}"),
            new($"deleg.{zone}", RecordType.NS, "ns1.example.net", "ns2.example.net"),
            new($"1.{zone}", RecordType.PTR, $"host.{zone}"),
            new(zone, RecordType.CAA, "0 issue \"letsencrypt.org\""),
        ];
        var adjusted = provider.AdjustEndpoints(desired);

        await provider.ApplyChangesAsync(new DnsChanges { Create = adjusted });
        var current = (await provider.GetRecordsAsync()).ToDictionary(r => r.Key);

        foreach (var want in adjusted)
        {
            Assert.True(current.TryGetValue(want.Key, out var have), $"missing {want}");
            Assert.True(DnsTargets.Same(want.Targets, have.Targets), $"targets differ: want {want}, have {have}");
            Assert.Equal(want.Ttl == 0 ? 300 : want.Ttl, have.Ttl);
            Assert.Equal(want.ProviderSpecific, have.ProviderSpecific);
        }

        Assert.Equal(["192.0.2.9"], await server.Dig.DataAsync($"anything.wild.{zone}", "A"));
        Assert.Equal(["plain text; with \"quotes\"", "pre-quotedtwo strings"], await server.Dig.TxtAsync($"a.{zone}"));
        Assert.Equal(["0 issue \"letsencrypt.org\""], await server.Dig.DataAsync(zone, "CAA"));
        Assert.Equal([$"host.{zone}."], await server.Dig.DataAsync($"1.{zone}", "PTR"));
    }

    [Fact]
    public async Task ApplyChanges_UpdateWithIdenticalEndpoints_SendsNoPatch()
    {
        var zone = await server.CreateZoneAsync();
        var handler = new CountingHandler();
        using var provider = new PowerDnsProvider(server.Options(zone), handler, disposeHandler: true);
        var a = new DnsEndpoint($"same.{zone}", RecordType.A, "192.0.2.1");

        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [a], UpdateNew = [a] });

        Assert.Equal(0, handler.Count(HttpMethod.Patch));
    }
}
