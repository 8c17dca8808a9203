using Ccx.Dns.Providers;
using Ccx.Dns.Rfc2136;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the RFC 2136 provider on an <see cref="IDnsReconcilerBuilder"/>.</summary>
public static class Rfc2136DnsReconcilerBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="Rfc2136DnsProvider"/> as the <see cref="IDnsProvider"/> (unless one is already registered),
    /// with options validated at start-up.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddRfc2136Provider(this IDnsReconcilerBuilder builder, Action<Rfc2136ProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<Rfc2136ProviderOptions>().Configure(configure).ValidateOnStart();
        return AddServices(builder);
    }

    /// <summary>
    /// Adds <see cref="Rfc2136DnsProvider"/> as the <see cref="IDnsProvider"/> (unless one is already registered),
    /// bound to a configuration section (keys as the <see cref="Rfc2136ProviderOptions"/> properties, <c>Zones</c> as
    /// an array) and validated at start-up.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddRfc2136Provider(this IDnsReconcilerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<Rfc2136ProviderOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton(new DnsOptionsSection(typeof(Rfc2136ProviderOptions), (section as IConfigurationSection)?.Path ?? string.Empty));
        return AddServices(builder);
    }

    private static IDnsReconcilerBuilder AddServices(IDnsReconcilerBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Rfc2136ProviderOptions>, Rfc2136ProviderOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<Rfc2136DnsProvider>();
        builder.Services.TryAddSingleton<IDnsProvider>(sp => sp.GetRequiredService<Rfc2136DnsProvider>());
        return builder;
    }
}
