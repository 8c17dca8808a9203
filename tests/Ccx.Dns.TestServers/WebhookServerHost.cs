using System.Net;
using Ccx.Dns.Hosting.Webhook;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Webhook;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.TestServers;

/// <summary>
/// Ccx.Dns's ExternalDNS webhook server (<c>MapExternalDnsWebhook</c>) on a real Kestrel listener on a free loopback
/// port, serving a given provider in-process.
/// </summary>
public sealed class WebhookServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookServerHost(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The server's base URL, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts a server for <paramref name="provider"/>.</summary>
    public static async Task<WebhookServerHost> StartAsync(IDnsProvider provider, Action<ExternalDnsWebhookServerOptions>? configure = null, ILoggerProvider? logger = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        // An empty builder: no configuration files (and so no file watchers), only Kestrel and routing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddRouting();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxRequestBodySize = null; // the webhook server enforces its own limit
        });
        builder.Logging.ClearProviders();
        if (logger is not null)
        {
            builder.Logging.AddProvider(logger);
        }

        builder.Services.AddExternalDnsWebhookServer(configure ?? (static _ => { }));
        var app = builder.Build();
        app.MapExternalDnsWebhook(provider);
        await app.StartAsync();
        var address = app.Urls.Single();
        return new WebhookServerHost(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>Options for a client of this server.</summary>
    public ExternalDnsWebhookProviderOptions ClientOptions() => new() { Url = Url.ToString() };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
