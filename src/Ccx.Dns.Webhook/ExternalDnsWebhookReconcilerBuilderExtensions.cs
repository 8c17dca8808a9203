using Ccx.Dns.Providers;
using Ccx.Dns.Webhook;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
    public static IDnsReconcilerBuilder AddExternalDnsWebhookProvider(this IDnsReconcilerBuilder builder, Action<ExternalDnsWebhookProviderOptions> configure) =>
        builder.AddValidatedOptions<ExternalDnsWebhookProviderOptions, ExternalDnsWebhookProviderOptionsValidator>(configure).TryAddProvider(CreateProvider);

    /// <summary>
    /// Uses an ExternalDNS webhook provider as the DNS provider, configured from a configuration section whose keys are
    /// the <see cref="ExternalDnsWebhookProviderOptions"/> property names (<c>Url</c>, <c>Timeout</c>, <c>MaxAttempts</c>,
    /// <c>InitialRetryDelay</c>, <c>MaxRetryDelay</c>, <c>MaxBodySize</c>, <c>RequestHeaders</c>). Validated when the host starts.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configuration">The configuration section, for example <c>configuration.GetSection("Webhook")</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IDnsReconcilerBuilder AddExternalDnsWebhookProvider(this IDnsReconcilerBuilder builder, IConfiguration configuration) =>
        builder.AddValidatedOptions<ExternalDnsWebhookProviderOptions, ExternalDnsWebhookProviderOptionsValidator>(configuration).TryAddProvider(CreateProvider);

    private static ExternalDnsWebhookProvider CreateProvider(IServiceProvider services) => new(
        services.GetRequiredService<IOptions<ExternalDnsWebhookProviderOptions>>().Value,
        services.GetService<ILogger<ExternalDnsWebhookProvider>>(),
        services.GetRequiredService<TimeProvider>());
}
