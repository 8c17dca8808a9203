using Ccx.Dns.DependencyInjection;
using Ccx.Dns.Providers;
using Ccx.Dns.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccx.Dns;

/// <summary>Plugs sources and providers into the reconciler.</summary>
public static class DnsReconcilerBuilderExtensions
{
    /// <summary>
    /// Adds a source of desired endpoints, resolved from the container as a singleton (also resolvable as
    /// <typeparamref name="TSource"/>). Sources add up; adding the same type twice is harmless.
    /// </summary>
    /// <typeparam name="TSource">The source type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddSource<TSource>(this IDnsReconcilerBuilder builder)
        where TSource : class, IEndpointSource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TSource>();
        return builder.AddSourceRegistration<TSource>();
    }

    /// <summary>Adds a source of desired endpoints created by <paramref name="factory"/> (a singleton).</summary>
    /// <typeparam name="TSource">The source type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the source.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddSource<TSource>(this IDnsReconcilerBuilder builder, Func<IServiceProvider, TSource> factory)
        where TSource : class, IEndpointSource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.TryAddSingleton(factory);
        return builder.AddSourceRegistration<TSource>();
    }

    /// <summary>
    /// Adds a custom DNS provider, resolved from the container as a singleton (also resolvable as
    /// <typeparamref name="TProvider"/>). A reconciler drives one provider: adding the same type again is harmless,
    /// adding a different one throws.
    /// </summary>
    /// <typeparam name="TProvider">The provider type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A different provider is already registered.</exception>
    public static IDnsReconcilerBuilder AddProvider<TProvider>(this IDnsReconcilerBuilder builder)
        where TProvider : class, IDnsProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.MarkProvider(typeof(TProvider)) ? builder.TryAddProvider<TProvider>() : builder;
    }

    /// <summary>Adds a custom DNS provider created by <paramref name="factory"/> (a singleton); see <see cref="AddProvider{TProvider}(IDnsReconcilerBuilder)"/>.</summary>
    /// <typeparam name="TProvider">The provider type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the provider.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A different provider is already registered.</exception>
    public static IDnsReconcilerBuilder AddProvider<TProvider>(this IDnsReconcilerBuilder builder, Func<IServiceProvider, TProvider> factory)
        where TProvider : class, IDnsProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        return builder.MarkProvider(typeof(TProvider)) ? builder.TryAddProvider(factory) : builder;
    }

    private static IDnsReconcilerBuilder AddSourceRegistration<TSource>(this IDnsReconcilerBuilder builder)
        where TSource : class, IEndpointSource
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEndpointSource, TSource>(sp => sp.GetRequiredService<TSource>()));
        return builder;
    }

    /// <summary>Records the provider type; returns whether it is new (false when the same type was added before).</summary>
    private static bool MarkProvider(this IDnsReconcilerBuilder builder, Type providerType)
    {
        foreach (var descriptor in builder.Services)
        {
            if (descriptor.ServiceType == typeof(DnsProviderRegistration) && descriptor.ImplementationInstance is DnsProviderRegistration existing)
            {
                if (existing.ProviderType == providerType)
                {
                    return false;
                }

                throw new InvalidOperationException(
                    $"A DNS provider ({existing.ProviderType.Name}) is already registered; a reconciler drives one provider, so {providerType.Name} cannot be added as well.");
            }
        }

        builder.Services.AddSingleton(new DnsProviderRegistration(providerType));
        return true;
    }
}
