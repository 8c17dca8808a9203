using System.Net;
using Ccx.Dns.Hosting.Webhook;
using Ccx.Dns.Hosting.Webhook.Internal;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Webhook.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Webhook.Tests.Hosting;

/// <summary>The server's registration, options and the loopback rule.</summary>
public sealed class ExternalDnsWebhookServerTests
{
    private static ExternalDnsWebhookHandler Handler(IDnsProvider provider, bool allowRemote) =>
        new(provider, new ExternalDnsWebhookServerOptions { AllowRemoteClients = allowRemote }, NullLogger.Instance, CancellationToken.None);

    private static DefaultHttpContext Context(IPAddress? remote)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = remote;
        context.Response.Body = new MemoryStream();
        return context;
    }

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("2001:db8::10")]
    public async Task Records_RemotePeer_Is403UnlessAllowed(string address)
    {
        var provider = new InMemoryDnsProvider(["example.org"]);
        var refused = Context(IPAddress.Parse(address));
        var allowed = Context(IPAddress.Parse(address));

        await Handler(provider, allowRemote: false).RecordsAsync(refused);
        await Handler(provider, allowRemote: true).RecordsAsync(allowed);

        Assert.Equal(StatusCodes.Status403Forbidden, refused.Response.StatusCode);
        Assert.Equal(1, provider.ReadCount); // only the allowed request read the provider
        Assert.Equal(StatusCodes.Status200OK, allowed.Response.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData(null)]
    public async Task Negotiate_LoopbackOrSocketPeer_IsServed(string? address)
    {
        var context = Context(address is null ? null : IPAddress.Parse(address));

        await Handler(new InMemoryDnsProvider(["example.org"]), allowRemote: false).NegotiateAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Fact]
    public async Task Healthz_RemotePeer_IsServed()
    {
        var context = Context(IPAddress.Parse("192.0.2.10"));

        await Handler(new InMemoryDnsProvider(["example.org"]), allowRemote: false).HealthAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Fact]
    public void Validator_TooSmallLimit_IsReported()
    {
        var result = new ExternalDnsWebhookServerOptionsValidator().Validate(null, new ExternalDnsWebhookServerOptions { MaxRequestBodySize = 10 });

        Assert.True(result.Failed);
        Assert.Contains("MaxRequestBodySize", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddExternalDnsWebhookServer_InvalidOptions_FailStart()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRouting();
        builder.Services.AddExternalDnsWebhookServer(o => o.MaxRequestBodySize = 0).AddInMemoryProvider(o => o.Zones.Add("example.org"));
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("MaxRequestBodySize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapExternalDnsWebhook_NoProviderRegistered_SaysHowToRegisterOne()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapExternalDnsWebhook());

        Assert.Contains("AddExternalDnsWebhookServer().AddPowerDnsProvider", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapExternalDnsWebhook_ProviderRegisteredOnTheServerBuilder_IsServed()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRouting();
        builder.Services.AddExternalDnsWebhookServer().AddInMemoryProvider(o => o.Zones.Add("served.example"));
        await using var app = builder.Build();
        app.MapExternalDnsWebhook();
        await app.StartAsync();
        using var client = new Ccx.Dns.Providers.Webhook.ExternalDnsWebhookProvider(new() { Url = app.Urls.Single() });

        var filter = await client.NegotiateAsync();

        Assert.True(filter.Match("www.served.example"));
        Assert.False(filter.Match("www.example.org"));
        Assert.Empty(await client.GetRecordsAsync());
        await app.StopAsync();
    }

    [Fact]
    public async Task MapExternalDnsWebhook_KeyedProvider_IsServed()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRouting();
        builder.Services.AddKeyedSingleton<IDnsProvider>("private", new InMemoryDnsProvider(["private.example"], new Endpoints.DomainFilter(["private.example"])));
        await using var app = builder.Build();
        app.MapExternalDnsWebhook("private");
        await app.StartAsync();
        using var client = new Ccx.Dns.Providers.Webhook.ExternalDnsWebhookProvider(new() { Url = app.Urls.Single() });

        Assert.True((await client.NegotiateAsync()).Match("db.private.example"));
        Assert.Throws<InvalidOperationException>(() => app.MapExternalDnsWebhook("public"));
        await app.StopAsync();
    }
}
