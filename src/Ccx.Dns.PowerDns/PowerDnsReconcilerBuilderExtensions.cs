using Ccx.Dns.Providers;
using Ccx.Dns.Providers.PowerDns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    public static IDnsReconcilerBuilder AddPowerDnsProvider(this IDnsReconcilerBuilder builder, Action<PowerDnsProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<PowerDnsProviderOptions>().Configure(configure);
        return AddCore(builder);
    }

    /// <summary>
    /// Uses PowerDNS as the DNS provider, configured from a configuration section whose keys are the
    /// <see cref="PowerDnsProviderOptions"/> property names (<c>ApiUrl</c>, <c>ApiKey</c>, <c>ServerId</c>,
    /// <c>DefaultTtl</c>, <c>IncludeDomains</c>, <c>ExcludeDomains</c>, <c>Timeout</c>). Validated when the host starts.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="section">The configuration section, for example <c>configuration.GetSection("PowerDns")</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IDnsReconcilerBuilder AddPowerDnsProvider(this IDnsReconcilerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<PowerDnsProviderOptions>().Bind(section);
        builder.Services.AddSingleton(new DnsOptionsSection(typeof(PowerDnsProviderOptions), (section as IConfigurationSection)?.Path ?? string.Empty));
        return AddCore(builder);
    }

    private static IDnsReconcilerBuilder AddCore(IDnsReconcilerBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PowerDnsProviderOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PowerDnsProviderOptions>, PowerDnsProviderOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PowerDnsProvider(
            sp.GetRequiredService<IOptions<PowerDnsProviderOptions>>().Value,
            sp.GetService<ILogger<PowerDnsProvider>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IDnsProvider>(sp => sp.GetRequiredService<PowerDnsProvider>());
        return builder;
    }
}
