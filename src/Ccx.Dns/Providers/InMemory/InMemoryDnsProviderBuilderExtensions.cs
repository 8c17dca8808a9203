using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers.InMemory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the <see cref="InMemoryDnsProvider"/>.</summary>
public static class InMemoryDnsProviderBuilderExtensions
{
    /// <summary>
    /// Adds the in-memory provider (resolvable as <see cref="InMemoryDnsProvider"/> and <see cref="Providers.IDnsProvider"/>);
    /// its zones come from options configured elsewhere (for example <c>services.Configure&lt;InMemoryDnsProviderOptions&gt;</c>).
    /// The provider's domain filter is its zones, so names outside them are reported rather than planned.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddInMemoryProvider(this IDnsReconcilerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<InMemoryDnsProviderOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InMemoryDnsProviderOptions>, InMemoryDnsProviderOptionsValidator>());
        return builder.AddProvider(sp =>
        {
            var zones = sp.GetRequiredService<IOptions<InMemoryDnsProviderOptions>>().Value.Zones.Select(z => z.Trim()).ToArray();
            return new InMemoryDnsProvider(zones, new DomainFilter(zones));
        });
    }

    /// <summary>Adds the in-memory provider (see <see cref="AddInMemoryProvider(IDnsReconcilerBuilder)"/>) and configures its options.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddInMemoryProvider(this IDnsReconcilerBuilder builder, Action<InMemoryDnsProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddInMemoryProvider();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds the in-memory provider (see <see cref="AddInMemoryProvider(IDnsReconcilerBuilder)"/>) and binds its options from configuration.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddInMemoryProvider(this IDnsReconcilerBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.AddInMemoryProvider();
        builder.Services.Configure<InMemoryDnsProviderOptions>(configuration);
        builder.Services.AddSingleton(new DnsOptionsSection(typeof(InMemoryDnsProviderOptions), (configuration as IConfigurationSection)?.Path ?? string.Empty));
        return builder;
    }
}
