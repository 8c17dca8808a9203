using Ccx.Dns.PowerDns;
using Ccx.Dns.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the PowerDNS provider on an <see cref="IDnsReconcilerBuilder"/>.</summary>
public static class PowerDnsReconcilerBuilderExtensions
{
    /// <summary>
    /// Uses PowerDNS as the DNS provider, configured in code. The options are validated when the host starts
    /// (<see cref="PowerDnsProviderOptionsValidator"/>). Registration is idempotent: an <see cref="IDnsProvider"/>
    /// registered earlier wins.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configure">Sets the options, at least <see cref="PowerDnsProviderOptions.ApiUrl"/> and <see cref="PowerDnsProviderOptions.ApiKey"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IDnsReconcilerBuilder AddPowerDnsProvider(this IDnsReconcilerBuilder builder, Action<PowerDnsProviderOptions> configure) =>
        builder.AddValidatedOptions<PowerDnsProviderOptions, PowerDnsProviderOptionsValidator>(configure).TryAddProvider(CreateProvider);

    /// <summary>
    /// Uses PowerDNS as the DNS provider, configured from a configuration section whose keys are the
    /// <see cref="PowerDnsProviderOptions"/> property names (<c>ApiUrl</c>, <c>ApiKey</c>, <c>ServerId</c>,
    /// <c>DefaultTtl</c>, <c>IncludeDomains</c>, <c>ExcludeDomains</c>, <c>Timeout</c>). Validated when the host starts.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configuration">The configuration section, for example <c>configuration.GetSection("PowerDns")</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IDnsReconcilerBuilder AddPowerDnsProvider(this IDnsReconcilerBuilder builder, IConfiguration configuration) =>
        builder.AddValidatedOptions<PowerDnsProviderOptions, PowerDnsProviderOptionsValidator>(configuration).TryAddProvider(CreateProvider);

    private static PowerDnsProvider CreateProvider(IServiceProvider services) => new(
        services.GetRequiredService<IOptions<PowerDnsProviderOptions>>().Value,
        services.GetService<ILogger<PowerDnsProvider>>(),
        services.GetRequiredService<TimeProvider>());
}
