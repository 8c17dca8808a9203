using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Caching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Wraps the registered <see cref="IDnsProvider"/> in a <see cref="CachingDnsProvider"/>.</summary>
/// <remarks>
/// Call after registering the provider: <c>services.AddDnsReconciler().AddInMemoryProvider(…).AddCaching(o =&gt;
/// o.CacheDuration = TimeSpan.FromMinutes(5)).AddTxtRegistry(…)</c>. The last <see cref="IDnsProvider"/>
/// registration is replaced by one that builds the original (from its instance, factory or type) and wraps it,
/// keeping its lifetime; everything resolving <see cref="IDnsProvider"/>, the registry included, then gets the
/// decorator. Calling it again only re-configures the options; the provider is wrapped once.
/// </remarks>
public static class CachingDnsProviderBuilderExtensions
{
    /// <summary>Caches the provider's records for the default duration (one minute).</summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="IDnsProvider"/> is registered yet.</exception>
    public static IDnsReconcilerBuilder AddCaching(this IDnsReconcilerBuilder builder) => builder.AddCaching(static _ => { });

    /// <summary>Caches the provider's records; options validated at start.</summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="IDnsProvider"/> is registered yet.</exception>
    public static IDnsReconcilerBuilder AddCaching(this IDnsReconcilerBuilder builder, Action<CachingDnsProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return AddCore(builder);
    }

    /// <summary>Caches the provider's records; options bound from a configuration section and validated at start.</summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configuration">The configuration section (key <c>CacheDuration</c>, for example <c>00:05:00</c>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="IDnsProvider"/> is registered yet.</exception>
    public static IDnsReconcilerBuilder AddCaching(this IDnsReconcilerBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<CachingDnsProviderOptions>(configuration);
        builder.Services.AddSingleton(new DnsOptionsSection(typeof(CachingDnsProviderOptions), (configuration as IConfigurationSection)?.Path ?? string.Empty));
        return AddCore(builder);
    }

    private static IDnsReconcilerBuilder AddCore(IDnsReconcilerBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CachingDnsProviderOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CachingDnsProviderOptions>, CachingDnsProviderOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        if (services.Any(d => d.ServiceType == typeof(CachingDecoration)))
        {
            return builder;
        }

        var index = -1;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IDnsProvider) && !services[i].IsKeyedService)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            throw new InvalidOperationException(
                "AddCaching() decorates the registered IDnsProvider: register a provider before calling AddCaching().");
        }

        var original = services[index];
        services[index] = ServiceDescriptor.Describe(
            typeof(IDnsProvider),
            sp => new CachingDnsProvider(
                CreateOriginal(sp, original),
                sp.GetRequiredService<IOptions<CachingDnsProviderOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<CachingDnsProvider>>()),
            original.Lifetime);
        services.AddSingleton<CachingDecoration>();
        return builder;
    }

    private static IDnsProvider CreateOriginal(IServiceProvider services, ServiceDescriptor original) =>
        (IDnsProvider)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, original.ImplementationType!));

    /// <summary>Marks the provider registration as decorated, so that it is wrapped once.</summary>
    private sealed class CachingDecoration;
}
