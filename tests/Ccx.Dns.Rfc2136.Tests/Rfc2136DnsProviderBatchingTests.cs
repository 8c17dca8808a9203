using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Rfc2136.Tests.Infrastructure;

namespace Ccx.Dns.Rfc2136.Tests;

/// <summary>How changes are split into UPDATE messages when a connection drops between two of them (a real server behind a proxy).</summary>
public abstract class Rfc2136DnsProviderBatchingTests(Rfc2136ServerFixture server)
{
    [Fact]
    public async Task ApplyChanges_ConnectionDroppedAfterFirstMessage_NoRecordIsLeftWithoutItsOwnershipRecord()
    {
        await using var proxy = new DroppingDnsProxy(server.EndPoint, forward: 1);
        var provider = server.CreateProvider(o =>
        {
            o.Port = proxy.Port;
            o.BatchSize = 2;
        });
        var names = Enumerable.Range(0, 3).Select(i => $"own{i}-{Guid.NewGuid().ToString("N")[..6]}.{Rfc2136ServerFixture.Zone}").ToArray();
        var records = names.Select((n, i) => new DnsEndpoint(n, RecordType.A, $"192.0.2.{60 + i}") { Ttl = 60 }).ToArray();

        // As the TXT registry sends them: every record first, then the ownership records, which name their record.
        var ownership = names.Select(n => new DnsEndpoint("a-" + n, RecordType.TXT, "\"heritage=external-dns,external-dns/owner=o\"") { Ttl = 60 }
            .WithLabel(EndpointLabels.OwnedRecordKey, n)).ToArray();

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [.. records, .. ownership] }));

        Assert.True(e.IsTransient);
        Assert.True(e.IsPartial);
        Assert.Equal(1, proxy.Forwarded);
        var zone = await server.CreateProvider().GetRecordsAsync();
        var present = names.Count(n => zone.Any(r => DnsNames.AreEqual(r.DnsName, n) && r.RecordType == RecordType.A));
        Assert.Equal(1, present); // the first message was applied: one name with both its records
        foreach (var name in names)
        {
            var hasRecord = zone.Any(r => DnsNames.AreEqual(r.DnsName, name) && r.RecordType == RecordType.A);
            var hasOwnership = zone.Any(r => DnsNames.AreEqual(r.DnsName, "a-" + name) && r.RecordType == RecordType.TXT);
            Assert.True(hasRecord == hasOwnership, $"{name}: record {(hasRecord ? "present" : "absent")} but ownership record {(hasOwnership ? "present" : "absent")}");
        }
    }

    [Fact]
    public async Task ApplyChanges_TypeChangeAtOneName_IsSentInOneMessage()
    {
        var provider = server.CreateProvider(o => o.BatchSize = 1);
        var name = $"swap-{Guid.NewGuid().ToString("N")[..6]}.{Rfc2136ServerFixture.Zone}";
        var cname = new DnsEndpoint(name, RecordType.CNAME, "target.example.net") { Ttl = 60 };
        await provider.ApplyChangesAsync(new DnsChanges { Create = [cname] });
        var serial = await server.GetSerialAsync(Rfc2136ServerFixture.Zone);

        await provider.ApplyChangesAsync(new DnsChanges { Delete = [cname], Create = [new DnsEndpoint(name, RecordType.A, "192.0.2.70") { Ttl = 60 }] });

        // One message (one serial bump) although BatchSize is 1: the delete and the create of one name stay together.
        Assert.Equal(serial + 1, await server.GetSerialAsync(Rfc2136ServerFixture.Zone));
        var zone = await provider.GetRecordsAsync();
        Assert.Contains(zone, r => DnsNames.AreEqual(r.DnsName, name) && r.RecordType == RecordType.A);
        Assert.DoesNotContain(zone, r => DnsNames.AreEqual(r.DnsName, name) && r.RecordType == RecordType.CNAME);
    }
}

[Collection(BindServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Rfc2136DnsProviderBatchingBindTests(BindServerFixture server) : Rfc2136DnsProviderBatchingTests(server);

[Collection(KnotServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Rfc2136DnsProviderBatchingKnotTests(KnotServerFixture server) : Rfc2136DnsProviderBatchingTests(server);
