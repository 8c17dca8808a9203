using Ccx.Dns.DependencyInjection;
using Ccx.Dns.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccx.Dns;

/// <summary>Feeds several reconcilers from one source.</summary>
public static class SharedSourceBuilderExtensions
{
    /// <summary>
    /// Feeds this reconciler from the host's single <typeparamref name="TSource"/> (a singleton in the host's container,
    /// registered here unless it already is): every reconciler that adds it reads the same instance and reacts to its
    /// change signals, so one source can feed a primary and a secondary DNS. On the unnamed reconciler this is
    /// <see cref="DnsReconcilerBuilderExtensions.AddSource{TSource}(IDnsReconcilerBuilder)"/>.
    /// </summary>
    /// <typeparam name="TSource">The source type.</typeparam>
    /// <param name="builder">The reconciler's builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddSharedSource<TSource>(this IDnsReconcilerBuilder builder)
        where TSource : class, IEndpointSource
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder is not NamedDnsReconcilerBuilder named)
        {
            return builder.AddSource<TSource>();
        }

        named.HostServices.TryAddSingleton<TSource>();
        var registration = new SharedSourceRegistration(typeof(TSource));
        if (!named.Services.Any(d => !d.IsKeyedService && registration.Equals(d.ImplementationInstance)))
        {
            named.Services.AddSingleton(registration);
        }

        return builder;
    }
}
