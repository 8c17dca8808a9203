using System.Net;
using Ccx.Dns.Planning;
using Ccx.Dns.Route53.Tests.Infrastructure;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Route53.Tests;

/// <summary>
/// A signed request is only ever answered by the configured endpoint: the endpoint (the rule proxy) answers with a
/// redirect to a second loopback server that records what reaches it.
/// </summary>
public sealed class Route53ProviderRedirectTests(MotoServerFixture moto) : MotoTestBase(moto)
{
    [Fact]
    public async Task GetRecordsAsync_EndpointRedirects_IsAPermanentErrorAndNothingReachesTheTarget()
    {
        await Moto.CreateZoneAsync("example.com");
        await using var target = Route53RuleProxy.Start(Moto.Endpoint);
        Moto.Proxy.InjectRedirect(new Uri(target.Endpoint, "/2013-04-01/hostedzone?maxitems=100&token=secret"));
        using var factory = Providers.Logs.CreateFactory();
        using var provider = new Route53Provider(Providers.Options(), Providers.Time, factory); // the provider's own handler

        var error = await Assert.ThrowsAsync<Route53ApiException>(() => provider.GetRecordsAsync());

        Assert.Equal("Redirect", error.ErrorCode);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.Contains($"redirect to {target.Endpoint.GetLeftPart(UriPartial.Authority)}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, target.TotalCalls);
        Assert.Equal(1, Moto.Proxy.Calls("ListHostedZones")); // not retried
    }

    [Fact]
    public async Task ApplyChangesAsync_ChangeBatchRedirected_IsAPermanentErrorAndNothingIsWritten()
    {
        await Moto.CreateZoneAsync("example.com");
        await using var target = Route53RuleProxy.Start(Moto.Endpoint);
        using var factory = Providers.Logs.CreateFactory();
        using var provider = new Route53Provider(Providers.Options(), Providers.Time, factory);
        await provider.GetRecordsAsync();
        Moto.Proxy.InjectRedirect(target.Endpoint, operation: "ChangeResourceRecordSets");

        var error = await Assert.ThrowsAsync<Route53ApiException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = [A("www.example.com", "192.0.2.1")] }));

        Assert.Equal("Redirect", error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Equal(0, target.TotalCalls);
        Assert.DoesNotContain(await provider.GetRecordsAsync(), r => r.DnsName == "www.example.com");
    }

    [Fact]
    public async Task GetRecordsAsync_CallersHandlerFollowsTheRedirect_AnswerIsRefusedAndNoSignatureReachedTheTarget()
    {
        await Moto.CreateZoneAsync("example.com");
        await using var target = Route53RuleProxy.Start(Moto.Endpoint);
        Moto.Proxy.InjectRedirect(new Uri(target.Endpoint, "/2013-04-01/hostedzone?maxitems=100"));
        using var factory = Providers.Logs.CreateFactory();
        using var following = new SocketsHttpHandler { AllowAutoRedirect = true };
        using var provider = new Route53Provider(Providers.Options(), Providers.Time, factory, following);

        var error = await Assert.ThrowsAsync<Route53ApiException>(() => provider.GetRecordsAsync());

        Assert.Equal("RedirectFollowed", error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Contains($"followed a redirect to {target.Endpoint.GetLeftPart(UriPartial.Authority)}", error.Message, StringComparison.Ordinal);
        var reached = Assert.Single(target.Requests);
        Assert.False(reached.HadAuthorization); // the handler drops the Authorization header (the SigV4 signature) when it follows
        Assert.Equal(string.Empty, reached.Caller);
        Assert.Contains(Providers.Logs.Lines, l => l.Contains("follows redirects", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_HandlerThatDoesNotFollowRedirects_LogsNoWarning()
    {
        using var factory = Providers.Logs.CreateFactory();
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        using var provider = new Route53Provider(Providers.Options(), Providers.Time, factory, new CountingFaultHandler(handler));

        Assert.DoesNotContain(Providers.Logs.Lines, l => l.Contains("follows redirects", StringComparison.Ordinal));
    }
}
