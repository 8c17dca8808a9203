using Ccx.Dns.Providers;
using Ccx.Dns.Registry;
using Ccx.Dns.Registry.Txt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the <see cref="TxtRegistry"/>.</summary>
public static class TxtRegistryBuilderExtensions
{
    /// <summary>Registers <see cref="TxtRegistry"/> as the <see cref="IRegistry"/> with default options (owner id <c>default</c>).</summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddTxtRegistry(this IDnsReconcilerBuilder builder) => builder.AddTxtRegistry(static _ => { });

    /// <summary>
    /// Registers <see cref="TxtRegistry"/> as the <see cref="IRegistry"/> (unless a registry is already registered),
    /// its options validated at start. The registry wraps the registered <see cref="IDnsProvider"/>.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddTxtRegistry(this IDnsReconcilerBuilder builder, Action<TxtRegistryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return AddCore(builder);
    }

    /// <summary>
    /// Registers <see cref="TxtRegistry"/> as the <see cref="IRegistry"/> (unless a registry is already registered),
    /// its options bound from a configuration section (keys named as the <see cref="TxtRegistryOptions"/>
    /// properties) and validated at start.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddTxtRegistry(this IDnsReconcilerBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<TxtRegistryOptions>(configuration);
        builder.Services.AddSingleton(new DnsOptionsSection(typeof(TxtRegistryOptions), (configuration as IConfigurationSection)?.Path ?? string.Empty));
        return AddCore(builder);
    }

    private static IDnsReconcilerBuilder AddCore(IDnsReconcilerBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TxtRegistryOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TxtRegistryOptions>, TxtRegistryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRegistry>(sp => new TxtRegistry(
            sp.GetRequiredService<IDnsProvider>(),
            sp.GetRequiredService<IOptions<TxtRegistryOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<TxtRegistry>>()));
        return builder;
    }
}
