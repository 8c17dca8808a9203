using Ccx.Dns.Hosting.Webhook;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the ExternalDNS webhook server's options and returns a builder to register the provider it serves.</summary>
public static class ExternalDnsWebhookServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the webhook server's options (validated when the host starts) and returns a builder on which the
    /// provider to serve is registered with the usual extension methods (<c>.AddPowerDnsProvider(…)</c>,
    /// <c>.AddRfc2136Provider(…)</c>, <c>.AddInMemoryProvider(…)</c>, …) without adding a reconciler. Map the routes with
    /// <c>app.MapExternalDnsWebhook()</c>. Calling it again is harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder whose <see cref="IDnsReconcilerBuilder.Services"/> are <paramref name="services"/>.</returns>
    public static IDnsReconcilerBuilder AddExternalDnsWebhookServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ExternalDnsWebhookServerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExternalDnsWebhookServerOptions>, ExternalDnsWebhookServerOptionsValidator>());
        return new WebhookServerBuilder(services);
    }

    /// <summary>Registers the webhook server (see <see cref="AddExternalDnsWebhookServer(IServiceCollection)"/>) and configures its options.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder to register the provider on.</returns>
    public static IDnsReconcilerBuilder AddExternalDnsWebhookServer(this IServiceCollection services, Action<ExternalDnsWebhookServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddExternalDnsWebhookServer();
        services.Configure(configure);
        return builder;
    }

    /// <summary>Registers the webhook server (see <see cref="AddExternalDnsWebhookServer(IServiceCollection)"/>) and binds its options (<c>MaxRequestBodySize</c>, <c>AllowRemoteClients</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>A builder to register the provider on.</returns>
    public static IDnsReconcilerBuilder AddExternalDnsWebhookServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddExternalDnsWebhookServer();
        services.Configure<ExternalDnsWebhookServerOptions>(configuration);
        return builder;
    }

    private sealed class WebhookServerBuilder(IServiceCollection services) : IDnsReconcilerBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
