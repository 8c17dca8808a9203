using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Webhook;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the ExternalDNS webhook provider client on an <see cref="IDnsReconcilerBuilder"/>.</summary>
public static class ExternalDnsWebhookReconcilerBuilderExtensions
{
    /// <summary>
    /// Uses an ExternalDNS webhook provider as the DNS provider, configured in code. The options are validated when the
    /// host starts (<see cref="ExternalDnsWebhookProviderOptionsValidator"/>, every problem at once). Registration is
    /// idempotent: an <see cref="IDnsProvider"/> registered earlier wins.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configure">Sets the options, at least <see cref="ExternalDnsWebhookProviderOptions.Url"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IDnsReconcilerBuilder AddExternalDnsWebhookProvider(this IDnsReconcilerBuilder builder, Action<ExternalDnsWebhookProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<ExternalDnsWebhookProviderOptions>().Configure(configure);
        return AddCore(builder);
    }

    /// <summary>
    /// Uses an ExternalDNS webhook provider as the DNS provider, configured from a configuration section whose keys are
    /// the <see cref="ExternalDnsWebhookProviderOptions"/> property names (<c>Url</c>, <c>Timeout</c>, <c>MaxAttempts</c>,
    /// <c>InitialRetryDelay</c>, <c>MaxRetryDelay</c>, <c>MaxBodySize</c>, <c>RequestHeaders</c>). Validated when the host starts.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="section">The configuration section, for example <c>configuration.GetSection("Webhook")</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IDnsReconcilerBuilder AddExternalDnsWebhookProvider(this IDnsReconcilerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<ExternalDnsWebhookProviderOptions>().Bind(section);
        return AddCore(builder);
    }

    private static IDnsReconcilerBuilder AddCore(IDnsReconcilerBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ExternalDnsWebhookProviderOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExternalDnsWebhookProviderOptions>, ExternalDnsWebhookProviderOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ExternalDnsWebhookProvider(
            sp.GetRequiredService<IOptions<ExternalDnsWebhookProviderOptions>>().Value,
            sp.GetService<ILogger<ExternalDnsWebhookProvider>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IDnsProvider>(sp => sp.GetRequiredService<ExternalDnsWebhookProvider>());
        return builder;
    }
}
