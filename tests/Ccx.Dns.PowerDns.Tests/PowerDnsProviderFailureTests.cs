using System.Net;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Providers;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>
/// Failure mapping: HTTP statuses from a loopback HTTP server, a closed port, a stalled server (fake time), and a real
/// pdns_server refusing a wrong key. The API key must never show up in messages or logs.
/// </summary>
[Collection(PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class PowerDnsProviderFailureTests(PowerDnsServerFixture server)
{
    private const string ZoneList = """[{"id":"example.org.","name":"example.org.","kind":"Native"}]""";
    private const string EmptyZone = """{"id":"example.org.","name":"example.org.","kind":"Native","rrsets":[]}""";
    private const string Key = "failure-test-key-8c1f2e";

    private static PowerDnsProviderOptions Options(string url, string key = Key) =>
        new() { ApiUrl = url, ApiKey = key, Timeout = TimeSpan.FromSeconds(10) };

    private static DnsChanges OneCreate() => new() { Create = [new DnsEndpoint("www.example.org", RecordType.A, "192.0.2.1")] };

    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(422, false)]
    public async Task GetRecords_HttpStatus_MapsTransience(int status, bool transient)
    {
        await using var http = new LoopbackHttpServer((_, _) => new CannedResponse(status, """{"error": "backend says no"}"""));
        using var provider = new PowerDnsProvider(Options(http.Url));

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.GetRecordsAsync());

        Assert.Equal(transient, ex.IsTransient);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal("backend says no", ex.ServerError);
        Assert.Contains($"HTTP {status}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("backend says no", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChanges_PatchAnswers500_TransientAndNotPartial()
    {
        await using var http = new LoopbackHttpServer((method, path) => method == "GET"
            ? new CannedResponse(200, path.Contains("/zones/", StringComparison.Ordinal) ? EmptyZone : ZoneList)
            : new CannedResponse(500, """{"error": "Backend error: database is locked"}"""));
        using var provider = new PowerDnsProvider(Options(http.Url));

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.ApplyChangesAsync(OneCreate()));

        Assert.True(ex.IsTransient);
        Assert.False(ex.IsPartial);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("database is locked", ex.Message, StringComparison.Ordinal);
        Assert.Single(http.Requests, r => r.StartsWith("PATCH /api/v1/servers/localhost/zones/example.org. ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetRecords_ErrorBodyNotJson_UsesTheText()
    {
        await using var http = new LoopbackHttpServer((_, _) => new CannedResponse(502, "<html>bad gateway from proxy</html>"));
        using var provider = new PowerDnsProvider(Options(http.Url));

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.GetRecordsAsync());

        Assert.True(ex.IsTransient);
        Assert.Contains("bad gateway from proxy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecords_SuccessBodyNotJson_Permanent()
    {
        await using var http = new LoopbackHttpServer((_, _) => new CannedResponse(200, "this is not json"));
        using var provider = new PowerDnsProvider(Options(http.Url));

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.GetRecordsAsync());

        Assert.False(ex.IsTransient);
        Assert.Contains("not the expected JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecords_ConnectionRefused_Transient()
    {
        using var provider = new PowerDnsProvider(Options($"http://127.0.0.1:{LoopbackPorts.FreeTcpPort()}"));

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.GetRecordsAsync());

        Assert.True(ex.IsTransient);
        Assert.Null(ex.StatusCode);
        Assert.Contains("cannot reach PowerDNS", ex.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task ApplyChanges_ConnectionRefused_Transient()
    {
        using var provider = new PowerDnsProvider(Options($"http://127.0.0.1:{LoopbackPorts.FreeTcpPort()}"));

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.ApplyChangesAsync(OneCreate()));

        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task GetRecords_ServerStalls_TimesOutAsTransientOnTheInjectedClock()
    {
        await using var http = new LoopbackHttpServer((_, _) => CannedResponse.Hanging);
        var time = new ManualTimeProvider();
        var options = Options(http.Url);
        options.Timeout = TimeSpan.FromSeconds(30);
        using var provider = new PowerDnsProvider(options, logger: null, time);

        var read = provider.GetRecordsAsync();
        await Eventually.TrueAsync(() => http.Requests.Count == 1 && time.ActiveTimers > 0, "the request arrived and its timeout timer was armed", TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => read);

        Assert.True(ex.IsTransient);
        Assert.Null(ex.StatusCode);
        Assert.Contains("timed out after 30 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecords_CallerCancels_ThrowsOperationCanceledNotProviderFailure()
    {
        await using var http = new LoopbackHttpServer((_, _) => CannedResponse.Hanging);
        using var provider = new PowerDnsProvider(Options(http.Url));
        using var cts = new CancellationTokenSource();

        var read = provider.GetRecordsAsync(cts.Token);
        await Eventually.TrueAsync(() => http.Requests.Count == 1, "the request arrived", TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.IsNotAssignableFrom<DnsProviderException>(ex);
    }

    [Fact]
    public async Task Requests_UseApiKeyHeaderServerIdAndPathPrefix()
    {
        await using var http = new LoopbackHttpServer((method, path) => path.Contains("/zones/", StringComparison.Ordinal)
            ? new CannedResponse(200, """{"id":"example.org.","name":"example.org.","rrsets":[{"name":"www.example.org.","type":"A","ttl":60,"records":[{"content":"192.0.2.1","disabled":false},{"content":"192.0.2.2","disabled":true}]}]}""")
            : new CannedResponse(200, ZoneList));
        var options = Options(http.Url + "/proxy/");
        options.ServerId = "srv1";
        using var provider = new PowerDnsProvider(options);

        var records = await provider.GetRecordsAsync();

        var record = Assert.Single(records);
        Assert.Equal(["192.0.2.1"], record.Targets);
        Assert.Equal(60, record.Ttl);
        Assert.Equal(2, http.Requests.Count);
        Assert.StartsWith("GET /proxy/api/v1/servers/srv1/zones?dnssec=false HTTP/1.1", http.Requests[0], StringComparison.Ordinal);
        Assert.StartsWith("GET /proxy/api/v1/servers/srv1/zones/example.org. HTTP/1.1", http.Requests[1], StringComparison.Ordinal);
        Assert.All(http.Requests, r => Assert.Contains($"X-API-Key: {Key}", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetRecords_WrongKeyAgainstRealServer_PermanentUnauthorizedWithoutTheKey()
    {
        const string wrongKey = "wrong-key-5d9a71c3";
        var logger = new CapturingLogger<PowerDnsProvider>();
        using var provider = new PowerDnsProvider(Options(server.ApiUrl, wrongKey), logger);

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.GetRecordsAsync());

        Assert.False(ex.IsTransient);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("API key", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_NeverInLogsOrExceptionMessages()
    {
        var logger = new CapturingLogger<PowerDnsProvider>();
        var messages = new List<string>();
        var zone = await server.CreateZoneAsync();

        // Success paths against the real server: reads, a create, an update, a delete.
        using (var provider = new PowerDnsProvider(server.Options(zone), logger))
        {
            var a = new DnsEndpoint($"k.{zone}", RecordType.A, "192.0.2.1");
            await provider.ApplyChangesAsync(new DnsChanges { Create = [a] });
            await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [a], UpdateNew = [a with { Ttl = 60 }] });
            Assert.NotEmpty(await provider.GetRecordsAsync());

            // A 422 from the real server, a rejected endpoint, and a multi-zone partial failure.
            messages.Add((await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.ApplyChangesAsync(
                new DnsChanges { Create = [new DnsEndpoint($"bad.{zone}", RecordType.A, "999.1.1.1")] }))).ToString());
            messages.Add((await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(
                new DnsChanges { Create = [a with { SetIdentifier = "x" }, new DnsEndpoint($"k2.{zone}", RecordType.A, "192.0.2.2")] }))).ToString());
            await provider.ApplyChangesAsync(new DnsChanges { Delete = [a] });
        }

        Assert.Equal(["192.0.2.2"], await server.Dig.DataAsync($"k2.{zone}", "A"));

        // A server that echoes the key back in its error text, a 503 and a refused connection.
        await using (var echo = new LoopbackHttpServer((_, _) => new CannedResponse(503, $$"""{"error": "key {{Key}} is overloaded"}""")))
        using (var provider = new PowerDnsProvider(Options(echo.Url), logger))
        {
            var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.ApplyChangesAsync(OneCreate()));
            Assert.Contains("key *** is overloaded", ex.Message, StringComparison.Ordinal);
            messages.Add(ex.ToString());
            Assert.All(echo.Requests, r => Assert.Contains(Key, r, StringComparison.Ordinal));
        }

        using (var provider = new PowerDnsProvider(Options($"http://127.0.0.1:{LoopbackPorts.FreeTcpPort()}"), logger))
        {
            messages.Add((await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.GetRecordsAsync())).ToString());
        }

        Assert.Contains(logger.Lines, e => e.StartsWith("Information 3 ", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, e => e.StartsWith("Debug 4 ", StringComparison.Ordinal)); // the refusal, at Debug: the caller reports it
        Assert.Contains(logger.Lines, e => e.StartsWith("Debug 5 ", StringComparison.Ordinal)); // the refused endpoints, summarised at Debug
        foreach (var text in logger.Lines.Concat(messages))
        {
            Assert.DoesNotContain(server.ApiKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
        }
    }
}
