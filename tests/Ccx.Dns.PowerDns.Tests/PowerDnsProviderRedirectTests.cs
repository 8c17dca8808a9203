using System.Net;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.PowerDns.Tests.Infrastructure;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>
/// Redirects on loopback: a "PowerDNS" that redirects to a second server which records what it receives. The API key
/// must never reach the redirect target through the provider's own handler, the error must say what happened, and an
/// answer that a caller-supplied handler fetched from the redirect target must never be taken as data.
/// </summary>
public sealed class PowerDnsProviderRedirectTests
{
    private const string Key = "redirect-test-key-3b7e90";
    private const string ZoneList = """[{"id":"example.org.","name":"example.org.","kind":"Native"}]""";
    private const string Zone = """{"id":"example.org.","name":"example.org.","rrsets":[{"name":"www.example.org.","type":"A","ttl":60,"records":[{"content":"203.0.113.66","disabled":false}]}]}""";

    private static PowerDnsProviderOptions Options(string url) => new() { ApiUrl = url, ApiKey = Key, Timeout = TimeSpan.FromSeconds(10) };

    private static CannedResponse Attacker(string path) =>
        new(200, path.Contains("/zones/", StringComparison.Ordinal) ? Zone : ZoneList);

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task GetRecords_RedirectAnswer_KeyNeverReachesTheTargetAndTheErrorSaysWhy(int status)
    {
        await using var target = new LoopbackHttpServer((_, path) => Attacker(path));
        await using var redirector = new LoopbackHttpServer((_, path) => new CannedResponse(status, Location: target.Url + path + "?stolen=1"));
        using var provider = new PowerDnsProvider(Options(redirector.Url));

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.GetRecordsAsync());

        Assert.Empty(target.Requests);
        Assert.Single(redirector.Requests);
        Assert.False(ex.IsTransient);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Contains($"HTTP {status}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("redirects are not followed", ex.Message, StringComparison.Ordinal);
        Assert.Contains(target.Url + "/api/v1/servers/localhost/zones", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("stolen", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChanges_PatchRedirected_KeyNeverReachesTheTargetAndNothingIsApplied()
    {
        await using var target = new LoopbackHttpServer((_, _) => new CannedResponse(204));
        await using var redirector = new LoopbackHttpServer((method, path) => method == "PATCH"
            ? new CannedResponse(307, Location: target.Url + path)
            : new CannedResponse(200, path.Contains("/zones/", StringComparison.Ordinal) ? """{"id":"example.org.","name":"example.org.","rrsets":[]}""" : ZoneList));
        using var provider = new PowerDnsProvider(Options(redirector.Url));

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() =>
            provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint("www.example.org", RecordType.A, "192.0.2.1")] }));

        Assert.Empty(target.Requests);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, ex.StatusCode);
        Assert.Contains("PowerDNS PATCH /api/v1/servers/localhost/zones/example.org.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("redirects are not followed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerHandlerThatFollowsRedirects_AnswerFromTheTargetIsRefusedAndAWarningIsLogged()
    {
        // A handler that follows redirects sends the key on before the provider sees anything; the provider warns at
        // construction and refuses the answer, so the target's records never become the provider's data.
        await using var target = new LoopbackHttpServer((_, path) => Attacker(path));
        await using var redirector = new LoopbackHttpServer((_, path) => new CannedResponse(302, Location: target.Url + path));
        var logger = new CapturingLogger<PowerDnsProvider>();
        using var provider = new PowerDnsProvider(Options(redirector.Url), new LoggingHandler(new SocketsHttpHandler()), disposeHandler: true, logger);

        var ex = await Assert.ThrowsAsync<PowerDnsApiException>(() => provider.GetRecordsAsync());

        Assert.Contains(logger.Lines, e => e.StartsWith("Warning 8 ", StringComparison.Ordinal) && e.Contains("AllowAutoRedirect = false", StringComparison.Ordinal));
        Assert.Single(target.Requests); // the zone list only: the refused answer ends the read
        Assert.False(ex.IsTransient);
        Assert.Contains($"was answered by {target.Url}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("redirects are not followed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerHandlerThatDoesNotFollowRedirects_NoWarning()
    {
        await using var server = new LoopbackHttpServer((_, path) => Attacker(path));
        var logger = new CapturingLogger<PowerDnsProvider>();
        using var provider = new PowerDnsProvider(
            Options(server.Url), new LoggingHandler(new SocketsHttpHandler { AllowAutoRedirect = false }), disposeHandler: true, logger);

        var records = await provider.GetRecordsAsync();

        Assert.Equal(["203.0.113.66"], Assert.Single(records).Targets);
        Assert.DoesNotContain(logger.Lines, e => e.StartsWith("Warning 8 ", StringComparison.Ordinal));
    }

    /// <summary>A pass-through delegating handler, so that the check looks through handler chains.</summary>
    private sealed class LoggingHandler(HttpMessageHandler inner) : DelegatingHandler(inner);
}
