using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Rfc2136.Tests.Infrastructure;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Rfc2136.Wire;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Rfc2136.Tests;

/// <summary>
/// Conditional writes (RFC 2136 §2.4 prerequisites) against a real server: a change computed from a view that is no
/// longer true is refused as a whole message and reported as <see cref="DnsRecordConflictException"/>; what the server
/// holds is checked with real DNS queries.
/// </summary>
public abstract class Rfc2136DnsProviderConflictTests(Rfc2136ServerFixture server)
{
    private static int s_counter;

    private static string Unique(string zone = Rfc2136ServerFixture.Zone) =>
        $"c{Interlocked.Increment(ref s_counter)}-{Guid.NewGuid().ToString("N")[..6]}.{zone}";

    private static DnsEndpoint A(string name, params string[] addresses) => new(name, RecordType.A, addresses) { Ttl = 60 };

    /// <summary>An ownership record as the TXT registry sends it: quoted text, labelled with the record it owns.</summary>
    private static DnsEndpoint Ownership(DnsEndpoint record, string owner) =>
        new DnsEndpoint($"{record.RecordType.Value.ToLowerInvariant()}-{record.DnsName}", RecordType.TXT, $"\"heritage=external-dns,external-dns/owner={owner}\"") { Ttl = 60 }
            .WithLabel(EndpointLabels.OwnedRecordKey, record.DnsName);

    private static DnsReconciler Reconciler(ProgrammaticEndpointSource source, TxtRegistry registry) =>
        new([source], registry, Options.Create(new DnsReconcilerOptions { Guard = new SafetyGuardOptions { AllowEmptySource = true } }), TimeProvider.System, NullLogger<DnsReconciler>.Instance);

    private static string OwnerText(string owner) => $"heritage=external-dns,external-dns/owner={owner}";

    /// <summary>The targets a real DNS query answers, sorted; empty when there is no such record set.</summary>
    private async Task<string[]> QueryAsync(string name, RecordType type) =>
        (await server.Query.GetEndpointAsync(name, type))?.Targets.Order(StringComparer.Ordinal).ToArray() ?? [];

    [Fact]
    public async Task ApplyChanges_CreateOverRecordSetAnotherWriterCreatedAfterTheRead_IsRefusedAndTheirRecordsStay()
    {
        var alpha = server.CreateProvider();
        var beta = server.CreateProvider();
        var name = Unique();
        Assert.DoesNotContain(await alpha.GetRecordsAsync(), r => DnsNames.AreEqual(r.DnsName, name));
        var theirs = A(name, "192.0.2.20");
        await beta.ApplyChangesAsync(new DnsChanges { Create = [theirs, Ownership(theirs, "beta")] });
        var serial = await server.GetSerialAsync(Rfc2136ServerFixture.Zone);

        var ours = A(name, "192.0.2.10");
        var e = await Assert.ThrowsAsync<DnsRecordConflictException>(() => alpha.ApplyChangesAsync(new DnsChanges { Create = [ours, Ownership(ours, "alpha")] }));

        Assert.True(e.IsTransient);
        Assert.False(e.IsPartial);
        Assert.Equal([ours, Ownership(ours, "alpha")], e.RejectedEndpoints.Select(r => r.Endpoint));
        Assert.All(e.RejectedEndpoints, r => Assert.Contains("YXRRSET", r.Reason, StringComparison.Ordinal));
        Assert.Equal(["192.0.2.20"], await QueryAsync(name, RecordType.A));
        Assert.Equal([OwnerText("beta")], await QueryAsync("a-" + name, RecordType.TXT));
        Assert.Equal(serial, await server.GetSerialAsync(Rfc2136ServerFixture.Zone));
    }

    [Fact]
    public async Task Reconcile_CachedViewAfterAnotherOwnerRecreatedTheName_FailsAsConflictAndTheNextRunLeavesTheirRecord()
    {
        var name = Unique();
        var alphaSource = new ProgrammaticEndpointSource();
        var alpha = Reconciler(alphaSource, new TxtRegistry(
            new CachingDnsProvider(server.CreateProvider(), new CachingDnsProviderOptions { CacheDuration = TimeSpan.FromMinutes(5) }),
            new TxtRegistryOptions { OwnerId = "alpha" }));
        var betaSource = new ProgrammaticEndpointSource();
        var beta = Reconciler(betaSource, new TxtRegistry(server.CreateProvider(), new TxtRegistryOptions { OwnerId = "beta" }));
        alphaSource.ReplaceAll([A(name, "192.0.2.10")]);
        Assert.Equal(ReconcileOutcome.Applied, (await alpha.RunOnceAsync()).Outcome);
        alphaSource.ReplaceAll([]);
        Assert.Equal(ReconcileOutcome.Applied, (await alpha.RunOnceAsync()).Outcome);
        betaSource.ReplaceAll([A(name, "192.0.2.20")]);
        Assert.Equal(ReconcileOutcome.Applied, (await beta.RunOnceAsync()).Outcome);

        // Alpha's cache still says the name is free: its create is refused by the server, not merged into beta's set.
        alphaSource.ReplaceAll([A(name, "192.0.2.10")]);
        var stale = await alpha.RunOnceAsync();
        var next = await alpha.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.Failed, stale.Outcome);
        var conflict = Assert.IsType<DnsRecordConflictException>(stale.Error?.Exception);
        Assert.True(stale.Error!.IsTransient);
        Assert.Contains(conflict.RejectedEndpoints, r => r.Endpoint.DnsName == name && r.Endpoint.RecordType == RecordType.A);
        Assert.Contains(stale.Rejected, r => r.Endpoint.DnsName == name && r.Reason.Contains("YXRRSET", StringComparison.Ordinal));
        Assert.True(next.Succeeded, next.ToString());
        Assert.Empty(next.AppliedChanges.Create);
        Assert.Equal(["192.0.2.20"], await QueryAsync(name, RecordType.A));
        Assert.Equal([OwnerText("beta")], await QueryAsync("a-" + name, RecordType.TXT));
    }

    [Fact]
    public async Task ApplyChanges_UpdateWhoseOldValueChangedSinceTheRead_IsRefusedAndTheCurrentValueStays()
    {
        var alpha = server.CreateProvider();
        var beta = server.CreateProvider();
        var read = A(Unique(), "192.0.2.1");
        await alpha.ApplyChangesAsync(new DnsChanges { Create = [read, Ownership(read, "alpha")] });
        await beta.ApplyChangesAsync(new DnsChanges { UpdateOld = [read], UpdateNew = [A(read.DnsName, "192.0.2.2")] });

        var e = await Assert.ThrowsAsync<DnsRecordConflictException>(() => alpha.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [read],
            UpdateNew = [A(read.DnsName, "192.0.2.3")],
        }));

        var rejected = Assert.Single(e.RejectedEndpoints);
        Assert.Equal(["192.0.2.3"], rejected.Endpoint.Targets);
        Assert.Contains("NXRRSET", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("[192.0.2.1]", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(["192.0.2.2"], await QueryAsync(read.DnsName, RecordType.A));
    }

    [Fact]
    public async Task ApplyChanges_DeleteOfRecordSetChangedOrDeletedSinceTheRead_IsRefusedAndLeavesTheServerAsIs()
    {
        var alpha = server.CreateProvider();
        var beta = server.CreateProvider();
        var changed = A(Unique(), "192.0.2.1");
        var gone = A(Unique(), "192.0.2.9");
        await alpha.ApplyChangesAsync(new DnsChanges { Create = [changed, gone] });
        await beta.ApplyChangesAsync(new DnsChanges { UpdateOld = [changed], UpdateNew = [A(changed.DnsName, "192.0.2.1", "192.0.2.5")], Delete = [gone] });

        var e = await Assert.ThrowsAsync<DnsRecordConflictException>(() => alpha.ApplyChangesAsync(new DnsChanges { Delete = [changed] }));
        var e2 = await Assert.ThrowsAsync<DnsRecordConflictException>(() => alpha.ApplyChangesAsync(new DnsChanges { Delete = [gone] }));

        Assert.Contains("NXRRSET", Assert.Single(e.RejectedEndpoints).Reason, StringComparison.Ordinal);
        Assert.Contains("NXRRSET", Assert.Single(e2.RejectedEndpoints).Reason, StringComparison.Ordinal);
        Assert.Equal(["192.0.2.1", "192.0.2.5"], await QueryAsync(changed.DnsName, RecordType.A));
        Assert.Empty(await QueryAsync(gone.DnsName, RecordType.A));
    }

    [Fact]
    public async Task ApplyChanges_OneOfThreeMessagesConflicts_TheOthersAreAppliedAndTheExceptionNamesOnlyItsChanges()
    {
        var alpha = server.CreateProvider(o => o.BatchSize = 2);
        var beta = server.CreateProvider();
        var names = Enumerable.Range(0, 3).Select(_ => Unique()).ToArray();
        var theirs = A(names[1], "198.51.100.1");
        await beta.ApplyChangesAsync(new DnsChanges { Create = [theirs, Ownership(theirs, "beta")] });
        var serial = await server.GetSerialAsync(Rfc2136ServerFixture.Zone);
        var ours = names.Select((n, i) => A(n, $"192.0.2.{70 + i}")).ToArray();

        // As the TXT registry sends them: the records, then their ownership records. One message per name.
        var e = await Assert.ThrowsAsync<DnsRecordConflictException>(() => alpha.ApplyChangesAsync(new DnsChanges
        {
            Create = [.. ours, .. ours.Select(o => Ownership(o, "alpha"))],
        }));

        Assert.True(e.IsTransient);
        Assert.True(e.IsPartial);
        Assert.Equal([ours[1], Ownership(ours[1], "alpha")], e.RejectedEndpoints.Select(r => r.Endpoint));
        foreach (var reason in e.RejectedEndpoints.Select(r => r.Reason))
        {
            Assert.Contains("the records changed since they were read", reason, StringComparison.Ordinal);
            Assert.Contains($"refused UPDATE message 2 of 3 for zone {Rfc2136ServerFixture.Zone} with YXRRSET", reason, StringComparison.Ordinal);
            Assert.Contains("none of the message's 2 change(s) was applied", reason, StringComparison.Ordinal);
        }

        Assert.Contains($"it expected no A record set and no CNAME at {names[1]}", e.RejectedEndpoints[0].Reason, StringComparison.Ordinal);
        Assert.Contains($"it expected no TXT record set and no CNAME at a-{names[1]}", e.RejectedEndpoints[1].Reason, StringComparison.Ordinal);
        Assert.Contains("2 change(s) in 1 UPDATE message(s) were refused", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 other message(s) were applied", e.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{server.Port}", e.Message, StringComparison.Ordinal);

        Assert.Equal(serial + 2, await server.GetSerialAsync(Rfc2136ServerFixture.Zone));
        foreach (var i in new[] { 0, 2 })
        {
            Assert.Equal([$"192.0.2.{70 + i}"], await QueryAsync(names[i], RecordType.A));
            Assert.Equal([OwnerText("alpha")], await QueryAsync("a-" + names[i], RecordType.TXT));
        }

        Assert.Equal(["198.51.100.1"], await QueryAsync(names[1], RecordType.A));
        Assert.Equal([OwnerText("beta")], await QueryAsync("a-" + names[1], RecordType.TXT));
    }

    [Fact]
    public async Task ApplyChanges_ConflictAndRefusedChange_ExceptionListsBoth()
    {
        var alpha = server.CreateProvider();
        var taken = A(Unique(), "192.0.2.1");
        await server.CreateProvider().ApplyChangesAsync(new DnsChanges { Create = [taken] });
        var outside = A("www.elsewhere.test", "192.0.2.2");

        var e = await Assert.ThrowsAsync<DnsRecordConflictException>(() => alpha.ApplyChangesAsync(new DnsChanges { Create = [taken, outside] }));

        Assert.False(e.IsPartial);
        Assert.Equal([taken, outside], e.RejectedEndpoints.Select(r => r.Endpoint));
        Assert.Contains("YXRRSET", e.RejectedEndpoints[0].Reason, StringComparison.Ordinal);
        Assert.Contains("no configured zone", e.RejectedEndpoints[1].Reason, StringComparison.Ordinal);
        Assert.Contains("1 change(s) were refused before sending", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChanges_TtlOnlyUpdateFromViewWithStaleTtl_IsAppliedBecausePrerequisitesCompareDataNotTtl()
    {
        var provider = server.CreateProvider();
        var read = A(Unique(), "192.0.2.1");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [read] });
        await server.CreateProvider().ApplyChangesAsync(new DnsChanges { UpdateOld = [read], UpdateNew = [read with { Ttl = 120 }] });

        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [read], UpdateNew = [read with { Ttl = 300 }] });

        var answer = await server.Query.GetEndpointAsync(read.DnsName, RecordType.A);
        Assert.Equal(["192.0.2.1"], answer!.Targets);
        Assert.Equal(300, answer.Ttl);
    }

    [Fact]
    public async Task ApplyChanges_CreateAWhereAnotherWriterPutACname_IsRefusedAndNoOwnershipRecordIsWritten()
    {
        var name = Unique();
        await server.CreateProvider().ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(name, RecordType.CNAME, "elsewhere.example.net") { Ttl = 60 }] });
        var ours = A(name, "192.0.2.1");

        // Without the "no CNAME" prerequisite the server would ignore the A silently and write the ownership record.
        var e = await Assert.ThrowsAsync<DnsRecordConflictException>(() => server.CreateProvider().ApplyChangesAsync(new DnsChanges { Create = [ours, Ownership(ours, "alpha")] }));

        Assert.Equal(2, e.RejectedEndpoints.Count);
        Assert.Contains("YXRRSET", e.RejectedEndpoints[0].Reason, StringComparison.Ordinal);
        Assert.Equal(["elsewhere.example.net"], await QueryAsync(name, RecordType.CNAME));
        Assert.Empty(await QueryAsync("a-" + name, RecordType.TXT));
    }

    [Fact]
    public async Task ApplyChanges_CreateCnameWhereAnotherWriterPutAnyRecord_IsRefusedWithYxDomain()
    {
        var name = Unique();
        await server.CreateProvider().ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(name, RecordType.TXT, "someone's") { Ttl = 60 }] });
        var ours = new DnsEndpoint(name, RecordType.CNAME, "target.example.net") { Ttl = 60 };

        var e = await Assert.ThrowsAsync<DnsRecordConflictException>(() => server.CreateProvider().ApplyChangesAsync(new DnsChanges { Create = [ours, Ownership(ours, "alpha")] }));

        Assert.Contains("YXDOMAIN", e.RejectedEndpoints[0].Reason, StringComparison.Ordinal);
        Assert.Contains($"it expected {name} to hold no records", e.RejectedEndpoints[0].Reason, StringComparison.Ordinal);
        Assert.Empty(await QueryAsync(name, RecordType.CNAME));
        Assert.Empty(await QueryAsync("cname-" + name, RecordType.TXT));
        Assert.Equal(["someone's"], await QueryAsync(name, RecordType.TXT));
    }

    [Fact]
    public async Task ApplyChanges_AReplacedByCnameAfterAnotherWriterAddedATxt_IsRefusedAndTheAStays()
    {
        var provider = server.CreateProvider();
        var a = A(Unique(), "192.0.2.1");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [a] });
        await server.CreateProvider().ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(a.DnsName, RecordType.TXT, "added later")] });

        var e = await Assert.ThrowsAsync<DnsRecordConflictException>(() => provider.ApplyChangesAsync(new DnsChanges
        {
            Delete = [a],
            Create = [new DnsEndpoint(a.DnsName, RecordType.CNAME, "target.example.net") { Ttl = 60 }],
        }));

        Assert.Equal(2, e.RejectedEndpoints.Count);
        Assert.Equal(["192.0.2.1"], await QueryAsync(a.DnsName, RecordType.A));
        Assert.Empty(await QueryAsync(a.DnsName, RecordType.CNAME));
    }

    [Fact]
    public async Task ApplyChanges_AReplacedByCnameInOneMessage_StillWorks()
    {
        var provider = server.CreateProvider();
        var a = A(Unique(), "192.0.2.1");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [a, Ownership(a, "alpha")] });
        var cname = new DnsEndpoint(a.DnsName, RecordType.CNAME, "target.example.net") { Ttl = 60 };

        await provider.ApplyChangesAsync(new DnsChanges
        {
            Delete = [a, Ownership(a, "alpha") with { Targets = [OwnerText("alpha")] }],
            Create = [cname, Ownership(cname, "alpha")],
        });

        Assert.Empty(await QueryAsync(a.DnsName, RecordType.A));
        Assert.Empty(await QueryAsync("a-" + a.DnsName, RecordType.TXT));
        Assert.Equal(["target.example.net"], await QueryAsync(a.DnsName, RecordType.CNAME));
        Assert.Equal([OwnerText("alpha")], await QueryAsync("cname-" + a.DnsName, RecordType.TXT));
    }

    [Fact]
    public async Task ApplyChanges_NameDifferingOnlyInCase_IsTheSameRecordSet()
    {
        var provider = server.CreateProvider();
        var lower = Unique();
        var mixed = string.Concat(lower[..1].ToUpperInvariant(), lower[1..5].ToUpperInvariant(), lower[5..]);
        await provider.ApplyChangesAsync(new DnsChanges { Create = [A(mixed, "192.0.2.1")] });

        var e = await Assert.ThrowsAsync<DnsRecordConflictException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [A(lower, "192.0.2.2")] }));
        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [A(lower.ToUpperInvariant(), "192.0.2.1")], UpdateNew = [A(lower, "192.0.2.3")] });

        Assert.Contains("YXRRSET", Assert.Single(e.RejectedEndpoints).Reason, StringComparison.Ordinal);
        Assert.Equal(["192.0.2.3"], await QueryAsync(lower, RecordType.A));
    }

    [Fact]
    public async Task ApplyChanges_ApexCreateOverExistingAndCnameAtApex_AreRefused()
    {
        var provider = server.CreateProvider(o =>
        {
            o.Zones.Clear();
            o.Zones.Add(Rfc2136ServerFixture.ApexZone);
        });
        var theirs = new DnsEndpoint(Rfc2136ServerFixture.ApexZone, RecordType.TXT, "v=spf1 -all") { Ttl = 60 };
        await server.CreateProvider(o => o.Zones.Add(Rfc2136ServerFixture.ApexZone)).ApplyChangesAsync(new DnsChanges { Create = [theirs] });

        var conflict = await Assert.ThrowsAsync<DnsRecordConflictException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [theirs with { Targets = ["v=spf1 ~all"] }] }));
        var cname = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(Rfc2136ServerFixture.ApexZone, RecordType.CNAME, "target.example.net")] }));

        Assert.Contains("YXRRSET", Assert.Single(conflict.RejectedEndpoints).Reason, StringComparison.Ordinal);
        Assert.False(cname.IsTransient);
        Assert.Contains("zone apex", Assert.Single(cname.RejectedEndpoints).Reason, StringComparison.Ordinal);
        Assert.Equal(["v=spf1 -all"], await QueryAsync(Rfc2136ServerFixture.ApexZone, RecordType.TXT));
        Assert.Empty(await QueryAsync(Rfc2136ServerFixture.ApexZone, RecordType.CNAME));
    }

    [Fact]
    public async Task ApplyChanges_MultiStringTxtWrittenByHand_IsUpdatedKeepingItsStringsAndThenDeleted()
    {
        var provider = server.CreateProvider();
        var read = Assert.Single(await provider.GetRecordsAsync(), r => r.DnsName == Rfc2136ServerFixture.MultiStringTxtName);
        Assert.Equal(["part onepart two"], read.Targets);

        // A TTL-only change: the record keeps its two character-strings.
        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [read], UpdateNew = [read with { Ttl = 90 }] });
        var answer = Assert.Single(await server.Query.GetAnswersAsync(read.DnsName, DnsRecordType.TXT));
        Assert.Equal(90u, answer.Ttl);
        Assert.Equal(["part one", "part two"], ((TxtRecordData)answer.Data).Strings);

        var reread = Assert.Single(await provider.GetRecordsAsync(), r => r.DnsName == read.DnsName);
        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [reread], UpdateNew = [reread with { Targets = ["one text"] }] });
        Assert.Equal(["one text"], await QueryAsync(read.DnsName, RecordType.TXT));

        await provider.ApplyChangesAsync(new DnsChanges { Delete = [Assert.Single(await provider.GetRecordsAsync(), r => r.DnsName == read.DnsName)] });
        Assert.Empty(await QueryAsync(read.DnsName, RecordType.TXT));
    }

    [Fact]
    public async Task ApplyChanges_DeleteOfTypeTheCodecDoesNotInterpret_UsesItsDataAsRead()
    {
        var provider = server.CreateProvider();
        var hinfo = Assert.Single(await provider.GetRecordsAsync(), r => r.DnsName == Rfc2136ServerFixture.GenericRecordName);
        Assert.Equal("TYPE13", hinfo.RecordType.Value);
        Assert.StartsWith("\\# ", hinfo.Targets[0], StringComparison.Ordinal);

        await provider.ApplyChangesAsync(new DnsChanges { Delete = [hinfo] });

        Assert.Empty(await server.Query.GetAnswersAsync(hinfo.DnsName, (DnsRecordType)13));
    }

    [Fact]
    public async Task ApplyChanges_RecordRefusedBeforeSending_HoldsBackItsOwnershipRecord()
    {
        var provider = server.CreateProvider();
        var record = new DnsEndpoint(Unique(), new RecordType("NAPTR"), "100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.org!\" .") { Ttl = 60 };
        var ownership = new DnsEndpoint("naptr-" + record.DnsName, RecordType.TXT, $"\"{OwnerText("alpha")}\"") { Ttl = 60 }
            .WithLabel(EndpointLabels.OwnedRecordKey, record.DnsName);
        var serial = await server.GetSerialAsync(Rfc2136ServerFixture.Zone);

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [record, ownership] }));

        Assert.False(e.IsPartial);
        Assert.Equal([record, ownership], e.RejectedEndpoints.Select(r => r.Endpoint));
        Assert.Contains("not supported", e.RejectedEndpoints[0].Reason, StringComparison.Ordinal);
        Assert.Contains("written together or not at all", e.RejectedEndpoints[1].Reason, StringComparison.Ordinal);
        Assert.Empty(await QueryAsync(ownership.DnsName, RecordType.TXT));
        Assert.Equal(serial, await server.GetSerialAsync(Rfc2136ServerFixture.Zone));
    }
}

[Collection(BindServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Rfc2136DnsProviderConflictBindTests(BindServerFixture server) : Rfc2136DnsProviderConflictTests(server);

[Collection(KnotServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Rfc2136DnsProviderConflictKnotTests(KnotServerFixture server) : Rfc2136DnsProviderConflictTests(server);
