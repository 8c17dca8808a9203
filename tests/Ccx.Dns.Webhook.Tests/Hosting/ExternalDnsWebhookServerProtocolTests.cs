using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Webhook;
using Ccx.Dns.TestServers;
using Ccx.Dns.Webhook.Tests.Support;

namespace Ccx.Dns.Webhook.Tests.Hosting;

/// <summary>Raw HTTP against the webhook server on a real Kestrel listener, per the protocol.</summary>
[Trait("Category", "Integration")]
public sealed class ExternalDnsWebhookServerProtocolTests : IAsyncLifetime
{
    private const string MediaType = ExternalDnsWebhookProtocol.MediaType;
    private readonly ScriptedDnsProvider _provider = new("example.org");
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private WebhookServerHost _server = null!;

    public async Task InitializeAsync() => _server = await WebhookServerHost.StartAsync(_provider, o => o.MaxRequestBodySize = 4096);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Uri Route(string path) => new(_server.Url, path.TrimStart('/'));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string? contentType = MediaType, string? accept = MediaType)
    {
        using var request = new HttpRequestMessage(method, Route(path));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        return await _http.SendAsync(request);
    }

    private static string RawContentType(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? string.Join(",", values) : "(none)";

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(ExternalDnsWebhookProtocol.ProblemMediaType, RawContentType(response));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, document.RootElement.GetProperty("status").GetInt32());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Negotiate_AnswersTheDomainFilterWithTheExactMediaType()
    {
        using var response = await SendAsync(HttpMethod.Get, "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MediaType, RawContentType(response));
        Assert.Equal("""{"include":["example.org"]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Negotiate_ContentTypeHeaderOnTheWire_IsByteForByteTheMediaType()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.Url.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {MediaType}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Type: {MediaType}\r\n", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("*/*")]
    [InlineData("application/*")]
    [InlineData("application/external.dns.webhook+json")]
    [InlineData("application/external.dns.webhook+json; version=1, text/plain;q=0.5")]
    public async Task Records_AcceptableAccept_Answers200(string? accept)
    {
        using var response = await SendAsync(HttpMethod.Get, "/records", accept: accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MediaType, RawContentType(response));
        Assert.Equal("[]", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/json")]
    [InlineData("application/external.dns.webhook+json;version=2")]
    public async Task Records_AcceptWithoutTheMediaType_Is406(string accept)
    {
        using var response = await SendAsync(HttpMethod.Get, "/records", accept: accept);

        await ProblemAsync(response, 406);
    }

    [Fact]
    public async Task Apply_ValidChanges_Is204AndTheRecordsAreServed()
    {
        const string Changes = """{"create":[{"dnsName":"www.example.org","targets":["192.0.2.1"],"recordType":"A","recordTTL":60,"labels":{"owner":"me"}}]}""";

        using var apply = await SendAsync(HttpMethod.Post, "/records", Changes);
        using var read = await SendAsync(HttpMethod.Get, "/records");

        Assert.Equal(HttpStatusCode.NoContent, apply.StatusCode);
        Assert.Empty(await apply.Content.ReadAsByteArrayAsync());
        // The in-memory provider keeps no labels (ownership lives in TXT records), so they are not served back.
        Assert.Equal("""[{"dnsName":"www.example.org","targets":["192.0.2.1"],"recordType":"A","recordTTL":60}]""", await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Apply_CaseInsensitiveKeys_AreRead()
    {
        using var apply = await SendAsync(HttpMethod.Post, "/records", """{"Create":[{"DNSName":"a.example.org","Targets":["192.0.2.1"],"RecordType":"A"}]}""");

        Assert.Equal(HttpStatusCode.NoContent, apply.StatusCode);
        Assert.Equal("a.example.org", Assert.Single(await _provider.GetRecordsAsync()).DnsName);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("""{"create":{"dnsName":"a.example.org"}}""")]
    [InlineData("""{"create":[{"dnsName":5}]}""")]
    [InlineData("""{"updateOld":[{"dnsName":"a.example.org","recordType":"A"}],"updateNew":[]}""")]
    [InlineData("""{"create":[]} trailing""")]
    public async Task Apply_MalformedBody_Is400AndNothingIsApplied(string body)
    {
        using var response = await SendAsync(HttpMethod.Post, "/records", body);

        var problem = await ProblemAsync(response, 400);
        Assert.False(problem.GetProperty("transient").GetBoolean());
        Assert.Empty(_provider.ApplyTokens);
    }

    [Fact]
    public async Task Apply_DeclaredLengthOverTheLimit_Is413()
    {
        var body = """{"create":[""" + string.Join(",", Enumerable.Range(0, 100).Select(i => $$"""{"dnsName":"n{{i}}.example.org","targets":["192.0.2.1"],"recordType":"A"}""")) + "]}";

        using var response = await SendAsync(HttpMethod.Post, "/records", body);

        var problem = await ProblemAsync(response, 413);
        Assert.Contains("4096", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_provider.ApplyTokens);
    }

    [Fact]
    public async Task Apply_ChunkedBodyOverTheLimit_Is413()
    {
        var body = """{"create":[""" + string.Join(",", Enumerable.Range(0, 100).Select(i => $$"""{"dnsName":"n{{i}}.example.org","targets":["192.0.2.1"],"recordType":"A"}""")) + "]}";
        using var request = new HttpRequestMessage(HttpMethod.Post, Route("/records"))
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", MediaType);
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);

        await ProblemAsync(response, 413);
        Assert.Empty(_provider.ApplyTokens);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/external.dns.webhook+json;version=2")]
    public async Task Apply_OtherContentType_Is415(string contentType)
    {
        using var response = await SendAsync(HttpMethod.Post, "/records", """{"create":[]}""", contentType);

        await ProblemAsync(response, 415);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData(null)]
    public async Task Apply_PlainJsonOrUntypedBody_IsAccepted(string? contentType)
    {
        using var response = await SendAsync(HttpMethod.Post, "/records", """{"create":[]}""", contentType);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory]
    [InlineData("PUT", "/records")]
    [InlineData("DELETE", "/records")]
    [InlineData("POST", "/")]
    [InlineData("GET", "/adjustendpoints")]
    public async Task OtherMethods_Are405(string method, string path)
    {
        using var response = await SendAsync(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Healthz_Is200()
    {
        using var response = await SendAsync(HttpMethod.Get, "/healthz", accept: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Records_ProviderTransientFailure_Is503WithRetryAfter()
    {
        _provider.ReadFailure = new DnsProviderException("PowerDNS timed out", isTransient: true);

        using var response = await SendAsync(HttpMethod.Get, "/records");

        var problem = await ProblemAsync(response, 503);
        Assert.True(problem.GetProperty("transient").GetBoolean());
        Assert.Equal("PowerDNS timed out", problem.GetProperty("detail").GetString());
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Apply_ProviderPermanentFailure_Is422WithPartialAndRejections()
    {
        var refused = new DnsEndpoint("w.example.org", RecordType.A, "192.0.2.1") { SetIdentifier = "eu" };
        _provider.ApplyFailure = new DnsProviderException("set identifiers are not supported", isTransient: false)
        {
            IsPartial = true,
            RejectedEndpoints = [new RejectedEndpoint(refused, "set identifiers are not supported")],
        };

        using var response = await SendAsync(HttpMethod.Post, "/records", """{"create":[{"dnsName":"a.example.org","targets":["192.0.2.1"],"recordType":"A"}]}""");

        var problem = await ProblemAsync(response, 422);
        Assert.False(problem.GetProperty("transient").GetBoolean());
        Assert.True(problem.GetProperty("partial").GetBoolean());
        Assert.False(problem.GetProperty("conflict").GetBoolean());
        var rejected = Assert.Single(problem.GetProperty("rejected").EnumerateArray());
        Assert.Equal("eu", rejected.GetProperty("endpoint").GetProperty("setIdentifier").GetString());
    }

    [Fact]
    public async Task Apply_ProviderConflict_Is503MarkedAsConflict()
    {
        var refused = new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1");
        _provider.ApplyFailure = new DnsRecordConflictException("the record set exists", [new RejectedEndpoint(refused, "exists")], isPartial: false);

        using var response = await SendAsync(HttpMethod.Post, "/records", """{"create":[{"dnsName":"a.example.org","targets":["192.0.2.1"],"recordType":"A"}]}""");

        var problem = await ProblemAsync(response, 503);
        Assert.True(problem.GetProperty("conflict").GetBoolean());
        Assert.True(problem.GetProperty("transient").GetBoolean());
        Assert.Equal("a.example.org", Assert.Single(problem.GetProperty("rejected").EnumerateArray()).GetProperty("endpoint").GetProperty("dnsName").GetString());
    }

    [Fact]
    public async Task Apply_UnexpectedProviderException_Is500WithoutItsText()
    {
        _provider.ApplyFailure = new InvalidOperationException("connection string Password=hunter2");

        using var response = await SendAsync(HttpMethod.Post, "/records", """{"create":[{"dnsName":"a.example.org","targets":["192.0.2.1"],"recordType":"A"}]}""");

        var problem = await ProblemAsync(response, 500);
        Assert.DoesNotContain("hunter2", problem.ToString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("partial").GetBoolean());
    }

    [Fact]
    public async Task Adjust_ReturnsTheProvidersAdjustmentWithTheMediaType()
    {
        _provider.Adjust = endpoints => [.. endpoints.Select(e => e with { Ttl = 300 })];

        using var response = await SendAsync(HttpMethod.Post, "/adjustendpoints", """[{"dnsName":"a.example.org","targets":["192.0.2.1"],"recordType":"A"}]""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MediaType, RawContentType(response));
        Assert.Equal("""[{"dnsName":"a.example.org","targets":["192.0.2.1"],"recordType":"A","recordTTL":300}]""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Adjust_MalformedBody_Is400()
    {
        using var response = await SendAsync(HttpMethod.Post, "/adjustendpoints", """{"dnsName":"a.example.org"}""");

        await ProblemAsync(response, 400);
    }

    [Fact]
    public async Task Apply_ClientHangsUpDuringTheApply_TheApplyCompletesUncancelled()
    {
        _provider.ApplyGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var abandon = new CancellationTokenSource())
        {
            var request = SendAsyncCancellable(abandon.Token);
            await Eventually.TrueAsync(() => _provider.ApplyTokens.Count == 1, "the apply reached the provider");
            await abandon.CancelAsync(); // the client goes away with the apply in flight
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        }

        _provider.ApplyGate.SetResult();
        await Eventually.TrueAsync(() => _provider.GetRecordsAsync().Result.Count == 1, "the apply completed");

        Assert.False(_provider.ApplyTokens[0].IsCancellationRequested);
        Assert.Equal("late.example.org", (await _provider.GetRecordsAsync())[0].DnsName);

        async Task SendAsyncCancellable(CancellationToken token)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, Route("/records"))
            {
                Content = new StringContent("""{"create":[{"dnsName":"late.example.org","targets":["192.0.2.1"],"recordType":"A"}]}"""),
            };
            message.Content.Headers.ContentType = null;
            using var response = await _http.SendAsync(message, token);
        }
    }

    [Fact]
    public async Task Client_EveryEndpointField_SurvivesTheRoundTrip()
    {
        using var client = new ExternalDnsWebhookProvider(_server.ClientOptions());
        var endpoint = new DnsEndpoint("full.example.org", RecordType.TXT, "\"v=spf1 include:+x/y -all\"")
        {
            SetIdentifier = "blue",
            Ttl = 120,
            Labels = new Dictionary<string, string> { ["owner"] = "me", ["resource"] = "ingress/ns/name" },
            ProviderSpecific = [new("aws/weight", "10"), new("alias", "false")],
        };

        var adjusted = Assert.Single(await client.AdjustEndpointsAsync([endpoint])); // the provider's adjustment is the identity
        await client.ApplyChangesAsync(new Planning.DnsChanges { Create = [endpoint] });
        var read = Assert.Single(await client.GetRecordsAsync());

        Assert.Equal(endpoint, adjusted);
        Assert.Equal(endpoint.ToString(), adjusted.ToString());
        Assert.Equal(endpoint.WithLabels(new Dictionary<string, string>()), read); // the in-memory provider keeps no labels
    }
}
