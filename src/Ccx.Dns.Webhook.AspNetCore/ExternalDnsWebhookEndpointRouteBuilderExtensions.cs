using Ccx.Dns.Hosting.Webhook;
using Ccx.Dns.Hosting.Webhook.Internal;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Webhook;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Maps ExternalDNS's webhook protocol onto an ASP.NET Core application.</summary>
public static class ExternalDnsWebhookEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the registered <see cref="IDnsProvider"/> over ExternalDNS's webhook protocol: <c>GET /</c> (negotiation,
    /// the provider's domain filter), <c>GET /records</c>, <c>POST /records</c> (apply, 204), <c>POST /adjustendpoints</c>
    /// and <c>GET /healthz</c>, relative to <paramref name="endpoints"/> (map it in a group for a path prefix). Point
    /// ExternalDNS at it with <c>--provider=webhook --webhook-provider-url=http://127.0.0.1:8888</c>.
    /// </summary>
    /// <param name="endpoints">The route builder (the application, or a group).</param>
    /// <returns>A builder for conventions on every route (authorization, rate limiting, …).</returns>
    /// <exception cref="InvalidOperationException">No <see cref="IDnsProvider"/> is registered.</exception>
    /// <exception cref="OptionsValidationException">The server's options are invalid.</exception>
    public static IEndpointConventionBuilder MapExternalDnsWebhook(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var provider = endpoints.ServiceProvider.GetService<IDnsProvider>() ?? throw new InvalidOperationException(
            "No IDnsProvider is registered for the ExternalDNS webhook server. Register one, for example "
            + "services.AddExternalDnsWebhookServer().AddPowerDnsProvider(...), or pass the provider to MapExternalDnsWebhook.");
        return endpoints.MapExternalDnsWebhook(provider);
    }

    /// <summary>
    /// Serves the <see cref="IDnsProvider"/> registered under a service key, for example the provider of a named
    /// reconciler (<c>services.AddDnsReconciler("public")</c>); see <see cref="MapExternalDnsWebhook(IEndpointRouteBuilder)"/>.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="serviceKey">The provider's service key.</param>
    /// <returns>A builder for conventions on every route.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="IDnsProvider"/> is registered under the key.</exception>
    public static IEndpointConventionBuilder MapExternalDnsWebhook(this IEndpointRouteBuilder endpoints, object serviceKey)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(serviceKey);
        var provider = endpoints.ServiceProvider.GetKeyedService<IDnsProvider>(serviceKey) ?? throw new InvalidOperationException(
            $"No IDnsProvider is registered under the key '{serviceKey}' for the ExternalDNS webhook server.");
        return endpoints.MapExternalDnsWebhook(provider);
    }

    /// <summary>Serves the given provider; see <see cref="MapExternalDnsWebhook(IEndpointRouteBuilder)"/>.</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="provider">The provider to serve.</param>
    /// <returns>A builder for conventions on every route.</returns>
    /// <exception cref="OptionsValidationException">The server's options are invalid.</exception>
    public static IEndpointConventionBuilder MapExternalDnsWebhook(this IEndpointRouteBuilder endpoints, IDnsProvider provider)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(provider);
        var services = endpoints.ServiceProvider;
        var options = services.GetService<IOptions<ExternalDnsWebhookServerOptions>>()?.Value ?? new ExternalDnsWebhookServerOptions();
        var errors = ExternalDnsWebhookServerOptionsValidator.Collect(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ExternalDnsWebhookServerOptions), errors);
        }

        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Ccx.Dns.Hosting.Webhook.ExternalDnsWebhookServer") ?? NullLogger.Instance;
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        var handler = new ExternalDnsWebhookHandler(provider, options, logger, stopping);
        var group = endpoints.MapGroup(string.Empty);
        group.MapGet(ExternalDnsWebhookProtocol.NegotiatePath, handler.NegotiateAsync);
        group.MapGet(ExternalDnsWebhookProtocol.RecordsPath, handler.RecordsAsync);
        group.MapPost(ExternalDnsWebhookProtocol.RecordsPath, handler.ApplyAsync);
        group.MapPost(ExternalDnsWebhookProtocol.AdjustEndpointsPath, handler.AdjustAsync);
        group.MapGet(ExternalDnsWebhookProtocol.HealthPath, handler.HealthAsync);
        Log.Serving(logger, provider, options.AllowRemoteClients);
        return group;
    }
}
