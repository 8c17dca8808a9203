using System.Net;
using System.Net.Sockets;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Rfc2136.Tests.Infrastructure;
using Ccx.Dns.Rfc2136.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Ccx.Dns.Rfc2136.Tests;

public abstract class Rfc2136DnsProviderTests(Rfc2136ServerFixture server, ITestOutputHelper output)
{
    private static int s_counter;

    private static string Unique(string zone = Rfc2136ServerFixture.Zone) =>
        $"t{Interlocked.Increment(ref s_counter)}-{Guid.NewGuid().ToString("N")[..6]}.{zone}";

    public static TheoryData<string, string[]> RecordTypes() => new()
    {
        { "A", ["192.0.2.10", "192.0.2.11"] },
        { "AAAA", ["2001:db8::1", "2001:db8::a:b"] },
        { "CNAME", ["target.example.net"] },
        { "TXT", ["hello world"] },
        { "TXT", ["say \"hi\" and \\ backslash; semi"] },
        { "TXT", [new string('L', 700)] },
        { "TXT", ["héllo wörld ✓", "second value"] },
        // BIND refuses an MX whose in-zone host has no address record (check-mx), so the hosts are out of zone.
        { "MX", ["10 mail.example.net", "20 mail2.example.net"] },
        { "SRV", ["10 60 5060 sip.example.org.", "20 0 5061 sip2.example.org."] },
        { "NS", ["ns1.delegated.example.net", "ns2.delegated.example.net"] },
        { "CAA", ["0 issue \"letsencrypt.org\"", "128 iodef \"mailto:security@example.org\""] },
        { "DNAME", ["elsewhere.example.net"] },
        { "PTR", ["host.example.net"] },
    };

    [Theory]
    [MemberData(nameof(RecordTypes), MemberType = typeof(Rfc2136DnsProviderTests))]
    public async Task ApplyChanges_CreateEachRecordType_RoundTripsThroughAxfrAndQuery(string type, string[] targets)
    {
        var provider = server.CreateProvider();
        var endpoint = new DnsEndpoint(Unique(), new RecordType(type), targets) { Ttl = 120 };

        await provider.ApplyChangesAsync(new DnsChanges { Create = [endpoint] });

        var read = Assert.Single(await provider.GetRecordsAsync(), e => e.Key == endpoint.Key);
        Assert.True(DnsTargets.Same(endpoint.Targets, read.Targets), $"AXFR: [{string.Join(", ", read.Targets)}]");
        Assert.Equal(120, read.Ttl);
        var queried = await server.Query.GetEndpointAsync(endpoint.DnsName, endpoint.RecordType);
        Assert.NotNull(queried);
        Assert.True(DnsTargets.Same(endpoint.Targets, queried.Targets), $"query: [{string.Join(", ", queried.Targets)}]");
        Assert.Equal(120, queried.Ttl);
    }

    [Fact]
    public async Task ApplyChanges_MxToInZoneHostWithoutAddress_BindRefusesKnotAccepts()
    {
        var provider = server.CreateProvider();
        var mx = new DnsEndpoint(Unique(), RecordType.MX, $"10 no-address-{Guid.NewGuid():N}.{Rfc2136ServerFixture.Zone}") { Ttl = 60 };

        if (server.Kind == Ccx.Dns.TestServers.Rfc2136ServerKind.Bind)
        {
            // BIND's check-mx: the message is refused as a whole (REFUSED, permanent), not as a conflict.
            var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [mx] }));
            Assert.False(e.IsTransient);
            Assert.Contains("REFUSED", e.Message, StringComparison.Ordinal);
            Assert.Null(await server.Query.GetEndpointAsync(mx.DnsName, RecordType.MX));
        }
        else
        {
            await provider.ApplyChangesAsync(new DnsChanges { Create = [mx] });
            Assert.Equal(mx.Targets, (await server.Query.GetEndpointAsync(mx.DnsName, RecordType.MX))!.Targets);
        }
    }

    [Fact]
    public async Task ApplyChanges_PtrInReverseZone_RoundTrips()
    {
        var provider = server.CreateProvider();
        var name = $"{Interlocked.Increment(ref s_counter) % 250 + 1}.{Rfc2136ServerFixture.ReverseZone}";
        var endpoint = new DnsEndpoint(name, RecordType.PTR, "host.example.org") { Ttl = 300 };

        await provider.ApplyChangesAsync(new DnsChanges { Create = [endpoint] });

        Assert.Contains(await provider.GetRecordsAsync(), e => e.Key == endpoint.Key && e.Targets.SequenceEqual(["host.example.org"]));
        Assert.Equal(["host.example.org"], (await server.Query.GetEndpointAsync(name, RecordType.PTR))!.Targets);
        await provider.ApplyChangesAsync(new DnsChanges { Delete = [endpoint] });
        Assert.Null(await server.Query.GetEndpointAsync(name, RecordType.PTR));
    }

    [Fact]
    public async Task ApplyChanges_LongTxt_IsStoredAsSeveralStringsAndReadAsOneText()
    {
        var provider = server.CreateProvider();
        var text = string.Concat(Enumerable.Range(0, 70).Select(i => $"chunk{i:D2}-"));
        var endpoint = new DnsEndpoint(Unique(), RecordType.TXT, text);

        await provider.ApplyChangesAsync(new DnsChanges { Create = [endpoint] });

        var answer = Assert.Single(await server.Query.GetAnswersAsync(endpoint.DnsName, DnsRecordType.TXT));
        var txt = Assert.IsType<TxtRecordData>(answer.Data);
        Assert.Equal(3, txt.Strings.Count);
        Assert.Equal(text, txt.Text);
        Assert.Equal([text], Assert.Single(await provider.GetRecordsAsync(), e => e.Key == endpoint.Key).Targets);
    }

    [Fact]
    public async Task GetRecords_PreexistingMultiStringTxt_ReturnsConcatenatedText()
    {
        var provider = server.CreateProvider();

        var multi = Assert.Single(await provider.GetRecordsAsync(), e => e.DnsName == "multi.example.org");

        Assert.Equal(["part onepart two"], multi.Targets);
    }

    [Fact]
    public async Task ApplyChanges_QuotedRegistryTxt_IsWrittenAsTextAndAdjustEndpointsMatchesRead()
    {
        var provider = server.CreateProvider();
        var quoted = "\"heritage=external-dns,external-dns/owner=default,external-dns/resource=ingress/default/web\"";
        var endpoint = new DnsEndpoint(Unique(), RecordType.TXT, quoted) { Ttl = 300 };

        await provider.ApplyChangesAsync(new DnsChanges { Create = [endpoint] });

        var read = Assert.Single(await provider.GetRecordsAsync(), e => e.Key == endpoint.Key);
        Assert.Equal([quoted[1..^1]], read.Targets);
        Assert.Equal(read, Assert.Single(provider.AdjustEndpoints([endpoint])));
        var answer = Assert.Single(await server.Query.GetAnswersAsync(endpoint.DnsName, DnsRecordType.TXT));
        Assert.Equal(quoted[1..^1], ((TxtRecordData)answer.Data).Text);
    }

    [Fact]
    public async Task GetRecords_FreshZone_ReturnsApexSoaAndNs()
    {
        var provider = server.CreateProvider();

        var records = await provider.GetRecordsAsync();

        Assert.Contains(records, e => e.DnsName == "example.org" && e.RecordType == new RecordType("SOA") && e.Targets[0].StartsWith("ns1.example.org hostmaster.example.org ", StringComparison.Ordinal));
        Assert.Contains(records, e => e.DnsName == "example.org" && e.RecordType == RecordType.NS && e.Targets.SequenceEqual(["ns1.example.org"]));
        Assert.Contains(records, e => e.DnsName == "ns1.example.org" && e.RecordType == RecordType.A);
    }

    [Fact]
    public async Task ApplyChanges_Update_ReplacesTargetsAndTtl()
    {
        var provider = server.CreateProvider();
        var old = new DnsEndpoint(Unique(), RecordType.A, "192.0.2.1", "192.0.2.2") { Ttl = 60 };
        await provider.ApplyChangesAsync(new DnsChanges { Create = [old] });
        var updated = new DnsEndpoint(old.DnsName, RecordType.A, "192.0.2.2", "192.0.2.3") { Ttl = 600 };

        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [old], UpdateNew = [updated] });

        var queried = await server.Query.GetEndpointAsync(old.DnsName, RecordType.A);
        Assert.True(DnsTargets.Same(["192.0.2.2", "192.0.2.3"], queried!.Targets), string.Join(",", queried.Targets));
        Assert.Equal(600, queried.Ttl);
        var read = Assert.Single(await provider.GetRecordsAsync(), e => e.Key == old.Key);
        Assert.True(DnsTargets.Same(updated.Targets, read.Targets));
        Assert.Equal(600, read.Ttl);
    }

    [Fact]
    public async Task ApplyChanges_UpdateCnameToNewTarget_Works()
    {
        var provider = server.CreateProvider();
        var old = new DnsEndpoint(Unique(), RecordType.CNAME, "old.example.net") { Ttl = 60 };
        await provider.ApplyChangesAsync(new DnsChanges { Create = [old] });

        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [old], UpdateNew = [old with { Targets = ["new.example.net"] }] });

        Assert.Equal(["new.example.net"], (await server.Query.GetEndpointAsync(old.DnsName, RecordType.CNAME))!.Targets);
    }

    [Fact]
    public async Task ApplyChanges_Delete_RemovesTheWholeRecordSetAndLeavesOtherTypesAtTheName()
    {
        var provider = server.CreateProvider();
        var name = Unique();
        var a = new DnsEndpoint(name, RecordType.A, "192.0.2.1", "192.0.2.2");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [a] });
        var other = new DnsEndpoint(name, RecordType.TXT, "keep me");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [other] });

        // The delete names the set as read (in another order); a delete naming only part of it is a conflict (see the conflict tests).
        await provider.ApplyChangesAsync(new DnsChanges { Delete = [new DnsEndpoint(name, RecordType.A, "192.0.2.2", "192.0.2.1")] });

        Assert.Null(await server.Query.GetEndpointAsync(name, RecordType.A));
        Assert.Equal(["keep me"], (await server.Query.GetEndpointAsync(name, RecordType.TXT))!.Targets);
        var records = await provider.GetRecordsAsync();
        Assert.DoesNotContain(records, e => e.DnsName == name && e.RecordType == RecordType.A);
    }

    [Fact]
    public async Task ApplyChanges_120Creates_SendsThreeUpdateMessagesAndAllExist()
    {
        var provider = server.CreateProvider();
        var prefix = Unique();
        var creates = Enumerable.Range(0, 120)
            .Select(i => new DnsEndpoint($"r{i}.{prefix}", RecordType.A, $"198.51.100.{i}") { Ttl = 60 })
            .ToArray();
        var serial = await server.GetSerialAsync(Rfc2136ServerFixture.Zone);

        await provider.ApplyChangesAsync(new DnsChanges { Create = creates });

        // The server bumps the serial once per UPDATE message: 50 + 50 + 20.
        Assert.Equal(serial + 3, await server.GetSerialAsync(Rfc2136ServerFixture.Zone));
        var read = (await provider.GetRecordsAsync()).Where(e => e.DnsName.EndsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(120, read.Count);
        foreach (var i in new[] { 0, 49, 50, 99, 119 })
        {
            Assert.Equal([$"198.51.100.{i}"], (await server.Query.GetEndpointAsync($"r{i}.{prefix}", RecordType.A))!.Targets);
        }

        await provider.ApplyChangesAsync(new DnsChanges { Delete = creates });
        Assert.Equal(serial + 6, await server.GetSerialAsync(Rfc2136ServerFixture.Zone));
        Assert.DoesNotContain(await provider.GetRecordsAsync(), e => e.DnsName.EndsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyChanges_BatchSizeOption_SplitsMessagesAccordingly()
    {
        var provider = server.CreateProvider(o => o.BatchSize = 10);
        var prefix = Unique();
        var creates = Enumerable.Range(0, 25).Select(i => new DnsEndpoint($"r{i}.{prefix}", RecordType.TXT, $"v{i}")).ToArray();
        var serial = await server.GetSerialAsync(Rfc2136ServerFixture.Zone);

        await provider.ApplyChangesAsync(new DnsChanges { Create = creates });

        Assert.Equal(serial + 3, await server.GetSerialAsync(Rfc2136ServerFixture.Zone));
    }

    [Fact]
    public async Task ApplyChanges_TtlUnsetAndBelowMinimum_UseDefaultAndMinimumTtl()
    {
        var provider = server.CreateProvider(o =>
        {
            o.DefaultTtl = 123;
            o.MinTtl = 90;
        });
        var unset = new DnsEndpoint(Unique(), RecordType.A, "192.0.2.5");
        var low = new DnsEndpoint(Unique(), RecordType.A, "192.0.2.6") { Ttl = 30 };
        var high = new DnsEndpoint(Unique(), RecordType.A, "192.0.2.7") { Ttl = 900 };

        await provider.ApplyChangesAsync(new DnsChanges { Create = [unset, low, high] });

        Assert.Equal(123, (await server.Query.GetEndpointAsync(unset.DnsName, RecordType.A))!.Ttl);
        Assert.Equal(90, (await server.Query.GetEndpointAsync(low.DnsName, RecordType.A))!.Ttl);
        Assert.Equal(900, (await server.Query.GetEndpointAsync(high.DnsName, RecordType.A))!.Ttl);
        Assert.Equal(90, provider.AdjustEndpoints([low])[0].Ttl);
    }

    [Fact]
    public async Task GetRecords_ParentAndChildZones_NameComesFromMostSpecificZoneOnly()
    {
        var provider = server.CreateProvider();

        var www = (await provider.GetRecordsAsync()).Where(e => e.DnsName == "www.sub.example.org" && e.RecordType == RecordType.A).ToList();

        // The parent zone file also holds www.sub (192.0.2.99); the child zone's record wins.
        Assert.Equal(["192.0.2.77"], Assert.Single(www).Targets);
    }

    [Fact]
    public async Task ApplyChanges_NameUnderChildZone_IsSentToChildZone()
    {
        var provider = server.CreateProvider();
        var endpoint = new DnsEndpoint(Unique(Rfc2136ServerFixture.ChildZone), RecordType.A, "192.0.2.44");
        var parentSerial = await server.GetSerialAsync(Rfc2136ServerFixture.Zone);
        var childSerial = await server.GetSerialAsync(Rfc2136ServerFixture.ChildZone);

        await provider.ApplyChangesAsync(new DnsChanges { Create = [endpoint] });

        Assert.Equal(childSerial + 1, await server.GetSerialAsync(Rfc2136ServerFixture.ChildZone));
        Assert.Equal(parentSerial, await server.GetSerialAsync(Rfc2136ServerFixture.Zone));
        Assert.Equal(["192.0.2.44"], (await server.Query.GetEndpointAsync(endpoint.DnsName, RecordType.A))!.Targets);
    }

    [Fact]
    public async Task ApplyChanges_NameOutsideZonesAndBadTarget_RejectedWhileOthersApplied()
    {
        var provider = server.CreateProvider();
        var good = new DnsEndpoint(Unique(), RecordType.A, "192.0.2.8");
        var outside = new DnsEndpoint("www.elsewhere.test", RecordType.A, "192.0.2.9");
        var badTarget = new DnsEndpoint(Unique(), RecordType.A, "not-an-ip");
        var lookalike = new DnsEndpoint("www.ample.org", RecordType.A, "192.0.2.9");

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [good, outside, badTarget, lookalike] }));

        Assert.False(e.IsTransient);
        Assert.True(e.IsPartial);
        Assert.Equal([outside, badTarget, lookalike], e.RejectedEndpoints.Select(r => r.Endpoint));
        Assert.Contains("no configured zone", e.RejectedEndpoints[0].Reason, StringComparison.Ordinal);
        Assert.Contains("IPv4", e.RejectedEndpoints[1].Reason, StringComparison.Ordinal);
        Assert.Equal(["192.0.2.8"], (await server.Query.GetEndpointAsync(good.DnsName, RecordType.A))!.Targets);
        Assert.Null(await server.Query.GetEndpointAsync(badTarget.DnsName, RecordType.A));
    }

    [Fact]
    public async Task ApplyChanges_SecondBatchRefused_IsPermanentPartialAndFirstBatchApplied()
    {
        var provider = server.CreateProvider(o => o.Zones.Add(Rfc2136ServerFixture.LockedZone));
        var applied = new DnsEndpoint(Unique(), RecordType.A, "192.0.2.30");
        var refused = new DnsEndpoint(Unique(Rfc2136ServerFixture.LockedZone), RecordType.A, "192.0.2.31");

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [refused, applied] }));

        Assert.False(e.IsTransient);
        Assert.True(e.IsPartial);
        Assert.Contains(server.UpdateDeniedCode, e.Message, StringComparison.Ordinal);
        Assert.Contains(Rfc2136ServerFixture.LockedZone, e.Message, StringComparison.Ordinal);
        Assert.Contains($"TSIG key '{Rfc2136ServerFixture.KeyName}' (hmac-sha256)", e.Message, StringComparison.Ordinal);
        Assert.Contains("1 earlier batch", e.Message, StringComparison.Ordinal);
        Assert.NotNull(await server.Query.GetEndpointAsync(applied.DnsName, RecordType.A));
        Assert.Null(await server.Query.GetEndpointAsync(refused.DnsName, RecordType.A));
    }

    [Fact]
    public async Task ApplyChanges_FirstBatchRefused_IsNotPartial()
    {
        var provider = server.CreateProvider(o => o.Zones.Add(Rfc2136ServerFixture.LockedZone));
        var refused = new DnsEndpoint(Unique(Rfc2136ServerFixture.LockedZone), RecordType.A, "192.0.2.31");

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [refused] }));

        Assert.False(e.IsPartial);
        Assert.Contains("nothing was applied", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Rfc2136ServerFixture.KeyName, true, "BADSIG")]
    [InlineData("unknown-key", false, "BADKEY")]
    public async Task ApplyChanges_WrongKey_IsPermanentNamesKeyHidesSecretAndChangesNothing(string keyName, bool wrongSecret, string error)
    {
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var provider = server.CreateProvider(o =>
        {
            o.TsigKeyName = keyName;
            o.TsigSecret = wrongSecret ? secret : server.Secret;
        });
        var endpoint = new DnsEndpoint(Unique(), RecordType.A, "192.0.2.50");
        var serial = await server.GetSerialAsync(Rfc2136ServerFixture.Zone);

        var apply = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [endpoint] }));
        var read = await Assert.ThrowsAsync<DnsProviderException>(() => provider.GetRecordsAsync());

        foreach (var e in new[] { apply, read })
        {
            Assert.False(e.IsTransient);
            Assert.Contains(error, e.Message, StringComparison.Ordinal);
            Assert.Contains(keyName, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(server.Secret, e.ToString(), StringComparison.Ordinal);
        }

        Assert.False(apply.IsPartial);
        Assert.Equal(serial, await server.GetSerialAsync(Rfc2136ServerFixture.Zone));
        Assert.Null(await server.Query.GetEndpointAsync(endpoint.DnsName, RecordType.A));
    }

    [Fact]
    public async Task ApplyChanges_ClockOffByAnHour_IsPermanentBadTime()
    {
        var provider = server.CreateProvider(timeProvider: new ShiftedTimeProvider(TimeSpan.FromHours(1)));

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(Unique(), RecordType.A, "192.0.2.1")] }));

        Assert.False(e.IsTransient);
        Assert.Contains("BADTIME", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChanges_Unsigned_IsRefusedPermanently()
    {
        var provider = server.CreateProvider(o =>
        {
            o.TsigKeyName = null;
            o.TsigSecret = null;
        });

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(Unique(), RecordType.A, "192.0.2.1")] }));

        Assert.False(e.IsTransient);
        Assert.Contains(server.UpdateDeniedCode, e.Message, StringComparison.Ordinal);
        Assert.Contains("unsigned requests", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task ApplyChanges_Sha512AndSha1Keys_SignAndVerifyAgainstTheServer(int keyIndex)
    {
        var (name, algorithm, secret) = server.OtherKeys[keyIndex];
        var provider = server.CreateProvider(o =>
        {
            o.Zones.Clear();
            o.Zones.Add(Rfc2136ServerFixture.Zone);
            o.TsigKeyName = name;
            o.TsigAlgorithm = algorithm;
            o.TsigSecret = secret;
        });
        var endpoint = new DnsEndpoint(Unique(), RecordType.TXT, algorithm);

        await provider.ApplyChangesAsync(new DnsChanges { Create = [endpoint] });

        Assert.Equal([algorithm], Assert.Single(await provider.GetRecordsAsync(), e => e.Key == endpoint.Key).Targets);
        Assert.Equal([algorithm], (await server.Query.GetEndpointAsync(endpoint.DnsName, RecordType.TXT))!.Targets);
    }

    [Theory]
    [InlineData("hmac-sha512")]
    [InlineData("hmac-sha1")]
    public async Task GetRecords_KeyWithOtherAlgorithmThanServer_IsRejected(string algorithm)
    {
        var provider = server.CreateProvider(o => o.TsigAlgorithm = algorithm);

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.GetRecordsAsync());

        Assert.False(e.IsTransient);
        Assert.Contains(Rfc2136ServerFixture.KeyName, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecords_5000RecordZone_TransfersEveryRecordWithSignedMessages()
    {
        var provider = server.CreateProvider(o =>
        {
            o.Zones.Clear();
            o.Zones.Add(Rfc2136ServerFixture.BigZone);
        });

        var records = await provider.GetRecordsAsync();

        var hosts = records.Where(e => e.RecordType == RecordType.A && e.DnsName.StartsWith("host", StringComparison.Ordinal)).ToList();
        Assert.Equal(Rfc2136ServerFixture.BigZoneRecordCount, hosts.Count);
        Assert.Equal(["10.0.19.135"], hosts.Single(e => e.DnsName == "host4999.big.test").Targets);
        Assert.Equal(["10.0.19.135"], (await server.Query.GetEndpointAsync("host4999.big.test", RecordType.A))!.Targets);

        // The transfer spans several TCP messages; the first and the last (at least) carry verified signatures.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var transfer = await provider.Client.TransferZoneAsync(Rfc2136ServerFixture.BigZone);
        output.WriteLine($"AXFR of {transfer.Records.Count} records: {transfer.MessageCount} messages, {transfer.SignedMessageCount} signed, {watch.ElapsedMilliseconds} ms");
        Assert.True(transfer.MessageCount > 1, $"{transfer.MessageCount} messages");
        Assert.InRange(transfer.SignedMessageCount, 2, transfer.MessageCount);
        Assert.Equal(Rfc2136ServerFixture.BigZoneRecordCount + 3, transfer.Records.Count); // + SOA, NS, ns1 A
    }

    [Fact]
    public async Task GetRecords_NothingListening_IsTransient()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port; // bound but not listening: connections are refused
        var provider = server.CreateProvider(o => o.Port = port);

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.GetRecordsAsync());

        Assert.True(e.IsTransient);
        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChanges_ServerNeverAnswers_IsTransientTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var provider = server.CreateProvider(o =>
        {
            o.Port = port;
            o.Timeout = TimeSpan.FromMilliseconds(300);
        });

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(Unique(), RecordType.A, "192.0.2.1")] }));

        Assert.True(e.IsTransient);
        Assert.Contains("did not answer", e.Message, StringComparison.Ordinal);

        // The request was sent, so the server may have applied it: callers must re-read.
        Assert.True(e.IsPartial);
        Assert.Contains("may or may not have been applied", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChanges_ConnectionRefused_IsTransientAndNotPartial()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var provider = server.CreateProvider(o => o.Port = ((IPEndPoint)socket.LocalEndPoint!).Port);

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(Unique(), RecordType.A, "192.0.2.1")] }));

        Assert.True(e.IsTransient);
        Assert.False(e.IsPartial);
        Assert.Contains("ConnectionRefused", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChanges_CallerCancels_ThrowsOperationCanceled()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var provider = server.CreateProvider(o => o.Port = ((IPEndPoint)listener.LocalEndpoint).Port);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(Unique(), RecordType.A, "192.0.2.1")] }, cts.Token));
    }

    [Fact]
    public async Task ApplyChanges_LogsOfSuccessAndFailure_NeverContainTheSecret()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var good = server.CreateOptions();
        var bad = server.CreateOptions();
        var wrongSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        bad.TsigSecret = wrongSecret;
        var logger = factory.CreateLogger<Rfc2136DnsProvider>();
        var ok = new Rfc2136DnsProvider(Options.Create(good), null, logger);
        var failing = new Rfc2136DnsProvider(Options.Create(bad), null, logger);

        await ok.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(Unique(), RecordType.A, "192.0.2.1"), new DnsEndpoint("out.of.zone.test", RecordType.A, "192.0.2.1")] })
            .ContinueWith(t => t.Exception, TaskScheduler.Default);
        await ok.GetRecordsAsync();
        await Assert.ThrowsAsync<DnsProviderException>(() => failing.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(Unique(), RecordType.A, "192.0.2.1")] }));

        Assert.Contains(logs.Lines, l => l.Contains("batch 1 of 1 applied", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("AXFR of zone example.org", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("out.of.zone.test", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("BADSIG", StringComparison.Ordinal) && l.Contains(Rfc2136ServerFixture.KeyName, StringComparison.Ordinal));
        Assert.All(logs.Lines, l =>
        {
            Assert.DoesNotContain(server.Secret, l, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongSecret, l, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task GetRecords_ZoneNotServed_IsPermanentNamingRcode()
    {
        var provider = server.CreateProvider(o => o.Zones.Add("not-served.test"));

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.GetRecordsAsync());

        Assert.False(e.IsTransient);
        Assert.Contains("not-served.test", e.Message, StringComparison.Ordinal);
        Assert.Matches("NOTAUTH|REFUSED", e.Message);
    }

    [Fact]
    public async Task ApplyChanges_SetIdentifier_IsRejectedWithReason()
    {
        var provider = server.CreateProvider();
        var endpoint = new DnsEndpoint(Unique(), RecordType.A, "192.0.2.1") { SetIdentifier = "blue" };

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [endpoint] }));

        Assert.Contains("set identifiers", Assert.Single(e.RejectedEndpoints).Reason, StringComparison.Ordinal);
        Assert.False(e.IsPartial);
        Assert.Null(await server.Query.GetEndpointAsync(endpoint.DnsName, RecordType.A));
    }

    [Fact]
    public async Task UpdateAsync_NameOutsideZone_IsPermanentNotZone()
    {
        var client = server.CreateProvider().Client;
        var record = new DnsResourceRecord("www.elsewhere.test", DnsRecordType.A, DnsClass.IN, 60, new AddressRecordData(IPAddress.Parse("192.0.2.1")));

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => client.UpdateAsync(Rfc2136ServerFixture.Zone, [], [record]));

        Assert.False(e.IsTransient);
        Assert.Contains("NOTZONE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAsync_ZoneNotServed_IsPermanentWithRcodeName()
    {
        var client = server.CreateProvider().Client;
        var record = new DnsResourceRecord("www.not-served.test", DnsRecordType.A, DnsClass.IN, 60, new AddressRecordData(IPAddress.Parse("192.0.2.1")));

        var e = await Assert.ThrowsAsync<DnsProviderException>(() => client.UpdateAsync("not-served.test", [], [record]));

        Assert.False(e.IsTransient);
        Assert.Matches("NOTAUTH|REFUSED", e.Message);
    }
}

[Collection(BindServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Rfc2136DnsProviderBindTests(BindServerFixture server, ITestOutputHelper output) : Rfc2136DnsProviderTests(server, output);

[Collection(KnotServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Rfc2136DnsProviderKnotTests(KnotServerFixture server, ITestOutputHelper output) : Rfc2136DnsProviderTests(server, output);
