using System.Net;
using System.Net.Sockets;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Rfc2136.Tests.Infrastructure;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Tests;

public abstract class DnsQueryTests(Rfc2136ServerFixture server)
{
    [Fact]
    public async Task QueryAsync_AnswerLargerThanUdpLimit_FallsBackToTcpAndReturnsAll()
    {
        var provider = server.CreateProvider();
        var name = $"big-{Guid.NewGuid():N}.{Rfc2136ServerFixture.Zone}";
        var targets = Enumerable.Range(0, 40).Select(i => $"{i:D2}-" + new string('x', 100)).ToArray();
        await provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint(name, RecordType.TXT, targets)] });

        var response = await server.Query.QueryAsync(name, DnsRecordType.TXT);

        Assert.False(response.IsTruncated);
        Assert.Equal(40, response.Answers.Count);
        Assert.True(response.Encode().Length > 512);
        var endpoint = await server.Query.GetEndpointAsync(name, RecordType.TXT);
        Assert.True(DnsTargets.Same(targets, endpoint!.Targets));
    }

    [Fact]
    public async Task GetAnswersAsync_MissingName_ReturnsEmpty()
    {
        var answers = await server.Query.GetAnswersAsync($"missing-{Guid.NewGuid():N}.{Rfc2136ServerFixture.Zone}", DnsRecordType.A);

        Assert.Empty(answers);
    }

    [Fact]
    public async Task GetAnswersAsync_ZoneNotServed_ThrowsNamingRcode()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.Query.GetAnswersAsync("www.not-served.test", DnsRecordType.A));

        Assert.Contains("REFUSED", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_NoAnswer_ThrowsTimeout()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var query = new DnsQuery((IPEndPoint)silent.LocalEndPoint!, TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<TimeoutException>(() => query.QueryAsync("example.org", DnsRecordType.A));
    }
}

[Collection(BindServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DnsQueryBindTests(BindServerFixture server) : DnsQueryTests(server);

[Collection(KnotServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DnsQueryKnotTests(KnotServerFixture server) : DnsQueryTests(server);
