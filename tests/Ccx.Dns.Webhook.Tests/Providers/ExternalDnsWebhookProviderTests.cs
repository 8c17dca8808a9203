using System.Net;
using System.Text;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Webhook.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Webhook.Tests.Providers;

/// <summary>The client against a scripted real HTTP listener: every error path of the protocol.</summary>
[Trait("Category", "Integration")]
public sealed class ExternalDnsWebhookProviderTests
{
    private static readonly DnsChanges OneCreate = new() { Create = [new DnsEndpoint("www.example.org", RecordType.A, "192.0.2.1") { Ttl = 60 }] };

    private static ExternalDnsWebhookProvider CreateClient(
        ScriptedWebhookServer server,
        Action<ExternalDnsWebhookProviderOptions>? configure = null,
        TimeProvider? time = null,
        ILogger? logger = null,
        double jitter = 1.0)
    {
        var options = new ExternalDnsWebhookProviderOptions { Url = server.Url, InitialRetryDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return new ExternalDnsWebhookProvider(options, new SocketsHttpHandler { AllowAutoRedirect = false }, disposeHandler: true, logger, time, () => jitter);
    }

    [Fact]
    public async Task NegotiateAsync_ServerFilter_IsAdoptedAndNothingIsManagedBefore()
    {
        await using var server = new ScriptedWebhookServer((_, _) => ScriptedAnswer.Json("""{"include":["example.org","a.example.net"],"exclude":["internal.example.org"]}"""));
        using var client = CreateClient(server);

        Assert.False(client.IsNegotiated);
        Assert.False(client.DomainFilter.Match("www.example.org"));

        var filter = await client.NegotiateAsync();

        Assert.Same(filter, client.DomainFilter);
        Assert.True(client.DomainFilter.Match("www.example.org"));
        Assert.True(client.DomainFilter.Match("x.a.example.net"));
        Assert.False(client.DomainFilter.Match("db.internal.example.org"));
        Assert.False(client.DomainFilter.Match("www.example.com"));
        var request = Assert.Single(server.Requests);
        Assert.Equal(("GET", "/"), (request.Method, request.Path));
        Assert.Equal(ExternalDnsWebhookProtocol.MediaType, request.Headers["Accept"]);
    }

    [Fact]
    public async Task NegotiateAsync_RegexFilter_IsAdopted()
    {
        await using var server = new ScriptedWebhookServer((_, _) => ScriptedAnswer.Json("""{"regexInclude":"\\.example\\.org$","regexExclude":"^db\\."}"""));
        using var client = CreateClient(server);

        await client.NegotiateAsync();

        Assert.True(client.DomainFilter.Match("www.example.org"));
        Assert.False(client.DomainFilter.Match("db.example.org"));
    }

    [Fact]
    public async Task NegotiateAsync_BothFilterForms_FailsPermanently()
    {
        await using var server = new ScriptedWebhookServer((_, _) => ScriptedAnswer.Json("""{"include":["example.org"],"regexInclude":"x"}"""));
        using var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.NegotiateAsync());

        Assert.False(error.IsTransient);
        Assert.Contains("both domain lists and regular expressions", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsNegotiated);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/external.dns.webhook+json; version=1")]
    [InlineData("application/external.dns.webhook+json;version=2")]
    public async Task NegotiateAsync_OtherContentType_IsRefusedPermanently(string contentType)
    {
        await using var server = new ScriptedWebhookServer((_, _) => new ScriptedAnswer.Respond(200, contentType, "{}"u8.ToArray()));
        using var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.NegotiateAsync());

        Assert.False(error.IsTransient);
        Assert.Contains($"Content-Type '{contentType}'", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task GetRecordsAsync_WrongContentTypeOnRecords_IsRefused()
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => new ScriptedAnswer.Respond(200, "application/json", "[]"u8.ToArray()));
        using var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.GetRecordsAsync());

        Assert.False(error.IsTransient);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    [Fact]
    public async Task GetRecordsAsync_NegotiatesOnceThenReadsEveryField()
    {
        const string Records = """
            [{"dnsName":"www.example.org","targets":["192.0.2.1","192.0.2.2"],"recordType":"A","setIdentifier":"eu","recordTTL":300,
              "labels":{"owner":"me","resource":"svc/a"},"providerSpecific":[{"name":"alias","value":"false"}]},
             {"dnsName":"a-www.example.org","targets":["\"heritage=external-dns,external-dns/owner=me\""],"recordType":"TXT"}]
            """;
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => ScriptedAnswer.Json(Records));
        using var client = CreateClient(server);

        await client.GetRecordsAsync();
        var records = await client.GetRecordsAsync();

        Assert.Equal(3, server.Requests.Count); // one negotiation, two reads
        var www = records[0];
        Assert.Equal(new DnsEndpoint("www.example.org", RecordType.A, "192.0.2.1", "192.0.2.2")
        {
            SetIdentifier = "eu",
            Ttl = 300,
            Labels = new Dictionary<string, string> { ["owner"] = "me", ["resource"] = "svc/a" },
            ProviderSpecific = [new("alias", "false")],
        }, www);
        Assert.Equal("\"heritage=external-dns,external-dns/owner=me\"", Assert.Single(records[1].Targets));
    }

    [Fact]
    public async Task GetRecordsAsync_MalformedJson_FailsPermanently()
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => ScriptedAnswer.Json("""[{"dnsName": 5}]"""));
        using var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.GetRecordsAsync());

        Assert.False(error.IsTransient);
        Assert.Contains("not the protocol's JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChangesAsync_SendsWebhookChangesWithTheMediaType()
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => ScriptedAnswer.NoContent());
        using var client = CreateClient(server);
        var changes = new DnsChanges
        {
            Create = [new DnsEndpoint("new.example.org", RecordType.A, "192.0.2.9")],
            UpdateOld = [new DnsEndpoint("www.example.org", RecordType.A, "192.0.2.1")],
            UpdateNew = [new DnsEndpoint("www.example.org", RecordType.A, "192.0.2.2")],
            Delete = [new DnsEndpoint("old.example.org", RecordType.CNAME, "x.example.net")],
        };

        await client.ApplyChangesAsync(changes);
        await client.ApplyChangesAsync(DnsChanges.Empty);

        var apply = Assert.Single(server.Calls);
        Assert.Equal(("POST", "/records"), (apply.Method, apply.Path));
        Assert.Equal(ExternalDnsWebhookProtocol.MediaType, apply.Headers["Content-Type"]);
        Assert.Equal(ExternalDnsWebhookProtocol.MediaType, apply.Headers["Accept"]);
        var echoed = ExternalDnsWebhookJson.ReadChanges(apply.Body);
        Assert.Equal(changes.Create, echoed.Create);
        Assert.Equal(changes.UpdateOld, echoed.UpdateOld);
        Assert.Equal(changes.UpdateNew, echoed.UpdateNew);
        Assert.Equal(changes.Delete, echoed.Delete);
    }

    [Fact]
    public async Task AdjustEndpointsAsync_ReturnsTheServersEndpoints()
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) =>
            ScriptedAnswer.Json("""[{"dnsName":"www.example.org","targets":["192.0.2.1"],"recordType":"A","recordTTL":300}]"""));
        using var client = CreateClient(server);

        var adjusted = client.AdjustEndpoints([new DnsEndpoint("www.example.org", RecordType.A, "192.0.2.1")]);

        Assert.Equal(300, Assert.Single(adjusted).Ttl);
        var call = Assert.Single(server.Calls);
        Assert.Equal(("POST", "/adjustendpoints"), (call.Method, call.Path));
        Assert.Equal("www.example.org", Assert.Single(ExternalDnsWebhookJson.ReadEndpoints(call.Body)).DnsName);
    }

    [Fact]
    public async Task GetRecordsAsync_ServerErrorsThenSuccess_RetriesWithExponentialBackoffOnTheTimeProvider()
    {
        var time = new ManualTimeProvider();
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, n) => n <= 4 ? ScriptedAnswer.Error(503, "busy") : ScriptedAnswer.Json("[]"));
        using var client = CreateClient(server, o => (o.InitialRetryDelay, o.MaxRetryDelay) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), time);

        var read = client.GetRecordsAsync();

        // Tries 1..3 fail; the waits after them are 1 s, 2 s, 4 s (jitter pinned to its maximum).
        foreach (var (failures, wait) in new[] { (1, 1), (2, 2), (3, 4) })
        {
            await Eventually.TrueAsync(
                () => server.Calls.Count == failures && time.PendingDelays is [var pending] && pending == TimeSpan.FromSeconds(wait),
                () => $"try {failures} failed and a back-off wait of {wait} s started (calls {server.Calls.Count}, pending [{string.Join(", ", time.PendingDelays)}])");
            time.Advance(TimeSpan.FromSeconds(wait) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(failures, server.Calls.Count); // not a moment early
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Empty(await read);
        Assert.Equal(4, server.Calls.Count);
    }

    [Fact]
    public async Task Backoff_Jitter_StaysBetweenHalfAndAllOfTheExponentialDelay()
    {
        var time = new ManualTimeProvider();
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, n) => n <= 2 ? ScriptedAnswer.Error(500) : ScriptedAnswer.Json("[]"));
        using var client = CreateClient(server, o => (o.InitialRetryDelay, o.MaxRetryDelay) = (TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10)), time, jitter: 0);

        var read = client.GetRecordsAsync();

        await Eventually.TrueAsync(() => server.Calls.Count == 1 && time.PendingDelays is [var pending] && pending == TimeSpan.FromSeconds(2), "first back-off, half of 4 s");
        time.Advance(TimeSpan.FromSeconds(2)); // jitter 0: half of 4 s
        Assert.Empty(await read);
    }

    [Fact]
    public async Task GetRecordsAsync_ServerErrorsEveryTime_FailsTransientlyAfterMaxAttempts()
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => ScriptedAnswer.Error(502, "bad gateway"));
        using var client = CreateClient(server, o => o.MaxAttempts = 3);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.GetRecordsAsync());

        Assert.True(error.IsTransient);
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Contains("bad gateway", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Calls.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task GetRecordsAsync_ClientError_FailsPermanentlyWithoutRetry(int status)
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => ScriptedAnswer.Error(status, "no"));
        using var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.GetRecordsAsync());

        Assert.False(error.IsTransient);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Single(server.Calls);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task ApplyChangesAsync_Redirect_IsNotFollowedAndFailsPermanently(int status)
    {
        await using var elsewhere = ScriptedWebhookServer.AfterNegotiation((_, _) => ScriptedAnswer.NoContent());
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) =>
            new ScriptedAnswer.Respond(status, null, [], [("Location", elsewhere.Url + "/records?token=x")]));
        using var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.ApplyChangesAsync(OneCreate));

        Assert.False(error.IsTransient);
        Assert.Contains("redirect", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("token=x", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Calls);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Client_HandlerThatFollowsRedirects_AnswerFromAnotherOriginIsRefused()
    {
        await using var elsewhere = new ScriptedWebhookServer((_, _) => ScriptedAnswer.Json("{}"));
        await using var server = new ScriptedWebhookServer((_, _) => new ScriptedAnswer.Respond(302, null, [], [("Location", elsewhere.Url + "/")]));
        var logs = new CapturingLoggerProvider();
        using var client = new ExternalDnsWebhookProvider(new ExternalDnsWebhookProviderOptions { Url = server.Url }, new SocketsHttpHandler(), disposeHandler: true, logs.CreateLogger("test"), null, null);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.NegotiateAsync());

        Assert.False(error.IsTransient);
        Assert.Contains("after a redirect", error.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Contains("follows redirects", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetRecordsAsync_BodyOverTheLimit_IsRefused(bool chunked)
    {
        var body = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 200).Select(i => $$"""{"dnsName":"n{{i}}.example.org","targets":["192.0.2.1"],"recordType":"A"}""")) + "]");
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => new ScriptedAnswer.Respond(200, ExternalDnsWebhookProtocol.MediaType, body, Chunked: chunked));
        using var client = CreateClient(server, o => o.MaxBodySize = body.Length - 1);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.GetRecordsAsync());

        Assert.False(error.IsTransient);
        Assert.Contains("MaxBodySize", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Calls);
    }

    [Fact]
    public async Task GetRecordsAsync_BodyExactlyAtTheLimit_IsRead()
    {
        var body = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 50).Select(i => $$"""{"dnsName":"n{{i}}.example.org","targets":["192.0.2.1"],"recordType":"A"}""")) + "]");
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => new ScriptedAnswer.Respond(200, ExternalDnsWebhookProtocol.MediaType, body, Chunked: true));
        using var client = CreateClient(server, o => o.MaxBodySize = body.Length);

        Assert.Equal(50, (await client.GetRecordsAsync()).Count);
    }

    [Fact]
    public async Task ApplyChangesAsync_ChangesOverTheLimit_AreNotSent()
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => ScriptedAnswer.NoContent());
        using var client = CreateClient(server, o => o.MaxBodySize = 1024);
        var many = new DnsChanges { Create = [.. Enumerable.Range(0, 100).Select(i => new DnsEndpoint($"n{i}.example.org", RecordType.A, "192.0.2.1"))] };

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.ApplyChangesAsync(many));

        Assert.False(error.IsTransient);
        Assert.Contains("not sent", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task GetRecordsAsync_ServerNeverAnswers_TimesOutTransientlyOnTheTimeProvider()
    {
        var time = new ManualTimeProvider();
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => new ScriptedAnswer.Hang());
        using var client = CreateClient(server, o => o.Timeout = TimeSpan.FromSeconds(30), time);
        await client.NegotiateAsync();

        var read = client.GetRecordsAsync();
        await Eventually.TrueAsync(() => server.Calls.Count == 1, "the read arrived");
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => read);
        Assert.True(error.IsTransient);
        Assert.Contains("timed out after 30 s", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsOutcomeUnknown);
    }

    [Fact]
    public async Task ApplyChangesAsync_ServerNeverAnswers_OutcomeUnknownAndNotSentAgain()
    {
        var time = new ManualTimeProvider();
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => new ScriptedAnswer.Hang());
        using var client = CreateClient(server, o => o.Timeout = TimeSpan.FromSeconds(10), time);
        await client.NegotiateAsync();

        var apply = client.ApplyChangesAsync(OneCreate);
        await Eventually.TrueAsync(() => server.Calls.Count == 1, "the apply arrived");
        time.Advance(TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => apply);
        Assert.True(error.IsTransient);
        Assert.True(error.IsPartial);
        Assert.True(error.IsOutcomeUnknown);
        Assert.Single(server.Calls);
    }

    [Fact]
    public async Task ApplyChangesAsync_ConnectionDroppedAfterTheRequest_OutcomeUnknownAndNotSentAgain()
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => new ScriptedAnswer.Drop());
        var logs = new CapturingLoggerProvider();
        using var client = CreateClient(server, logger: logs.CreateLogger("test"));

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.ApplyChangesAsync(OneCreate));

        Assert.True(error.IsTransient);
        Assert.True(error.IsPartial);
        Assert.True(error.IsOutcomeUnknown);
        Assert.Contains("the next read of the records decides", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Calls, c => c.Method == "POST");
        Assert.Contains(logs.Lines, l => l.Contains("outcome of the apply", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetRecordsAsync_ConnectionDroppedOnce_IsReadAgain()
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, n) => n == 2 ? new ScriptedAnswer.Drop() : ScriptedAnswer.Json("[]"));
        using var client = CreateClient(server);

        Assert.Empty(await client.GetRecordsAsync());
        Assert.Equal(2, server.Calls.Count);
    }

    [Fact]
    public async Task GetRecordsAsync_NoServerListening_TriesMaxAttemptsThenFailsTransiently()
    {
        string url;
        await using (var gone = new ScriptedWebhookServer((_, _) => ScriptedAnswer.Json("{}")))
        {
            url = gone.Url;
        }

        using var client = new ExternalDnsWebhookProvider(
            new ExternalDnsWebhookProviderOptions { Url = url, MaxAttempts = 2, InitialRetryDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.Zero },
            new SocketsHttpHandler { AllowAutoRedirect = false },
            disposeHandler: true,
            null,
            null,
            null);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.GetRecordsAsync());

        Assert.True(error.IsTransient);
        Assert.Null(error.StatusCode);
        Assert.Contains("cannot reach the webhook server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChangesAsync_CcxConflictProblem_IsAConflictWithTheRefusedChangesAndNotRetried()
    {
        var refused = new DnsEndpoint("www.example.org", RecordType.A, "192.0.2.1");
        var problem = new Support.ProblemBody(new ExternalDnsWebhookProblem
        {
            Title = "conflict",
            Status = 503,
            Detail = "www.example.org A already exists",
            Transient = true,
            Partial = true,
            Conflict = true,
            Rejected = [new RejectedEndpoint(refused, "the record set exists")],
        });
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => problem.Answer());
        using var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<DnsRecordConflictException>(() => client.ApplyChangesAsync(OneCreate));

        Assert.True(error.IsTransient);
        Assert.True(error.IsPartial);
        Assert.Equal(refused, Assert.Single(error.RejectedEndpoints).Endpoint);
        Assert.Equal("the record set exists", error.RejectedEndpoints[0].Reason);
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Calls);
    }

    [Fact]
    public async Task ApplyChangesAsync_CcxTransientNothingApplied_IsRetried()
    {
        var problem = new Support.ProblemBody(new ExternalDnsWebhookProblem { Title = "busy", Status = 503, Transient = true, Partial = false });
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, n) => n == 2 ? problem.Answer() : ScriptedAnswer.NoContent());
        using var client = CreateClient(server);

        await client.ApplyChangesAsync(OneCreate);

        Assert.Equal(2, server.Calls.Count);
    }

    [Fact]
    public async Task ApplyChangesAsync_CcxPermanentPartial_KeepsPartialAndRejections()
    {
        var refused = new DnsEndpoint("w.example.org", RecordType.A, "192.0.2.1") { SetIdentifier = "eu" };
        var problem = new Support.ProblemBody(new ExternalDnsWebhookProblem
        {
            Title = "refused",
            Status = 422,
            Detail = "set identifiers are not supported",
            Partial = true,
            Rejected = [new RejectedEndpoint(refused, "set identifiers are not supported")],
        });
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => problem.Answer());
        using var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.ApplyChangesAsync(OneCreate));

        Assert.False(error.IsTransient);
        Assert.True(error.IsPartial);
        Assert.Equal(refused, Assert.Single(error.RejectedEndpoints).Endpoint);
    }

    [Fact]
    public async Task ApplyChangesAsync_OtherServers5xxThroughout_IsTransientAndPartialAfterTheTries()
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => ScriptedAnswer.Error(500, "boom"));
        using var client = CreateClient(server, o => o.MaxAttempts = 2);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.ApplyChangesAsync(OneCreate));

        Assert.True(error.IsTransient);
        Assert.True(error.IsPartial); // what another server did before failing is unknown
        Assert.False(error.IsOutcomeUnknown);
        Assert.Equal(2, server.Calls.Count);
    }

    [Fact]
    public async Task Secrets_RequestHeaderEchoedByTheServer_NeverReachMessagesOrLogs()
    {
        const string Secret = "Bearer s3cr3t-t0ken-value";
        await using var server = ScriptedWebhookServer.AfterNegotiation((request, _) => ScriptedAnswer.Error(401, "refused credentials " + request.Headers["Authorization"]));
        var logs = new CapturingLoggerProvider();
        using var client = CreateClient(server, o => o.RequestHeaders["Authorization"] = Secret, logger: logs.CreateLogger("test"));

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.GetRecordsAsync());

        Assert.Equal(Secret, server.Calls[0].Headers["Authorization"]);
        Assert.DoesNotContain("s3cr3t", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain("s3cr3t", logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorBody_LongerThanTheDrainLimit_IsCutAndTheMessageStaysShort()
    {
        await using var server = ScriptedWebhookServer.AfterNegotiation((_, _) => new ScriptedAnswer.Respond(400, "text/plain", new byte[3 * 1024 * 1024].Select(_ => (byte)'x').ToArray()));
        using var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<ExternalDnsWebhookException>(() => client.GetRecordsAsync());

        Assert.False(error.IsTransient);
        Assert.True(error.Message.Length < 2048, $"message of {error.Message.Length} characters");
    }
}
