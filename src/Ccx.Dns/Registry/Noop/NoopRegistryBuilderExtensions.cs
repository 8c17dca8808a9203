using Ccx.Dns.Providers;
using Ccx.Dns.Registry;
using Ccx.Dns.Registry.Noop;
using Microsoft.Extensions.DependencyInjection;

namespace Ccx.Dns;

/// <summary>Registers the <see cref="NoopRegistry"/>.</summary>
public static class NoopRegistryBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="NoopRegistry"/> as the <see cref="IRegistry"/> (unless a registry is already registered):
    /// no ownership is kept, every record matching the filters is managed.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddNoopRegistry(this IDnsReconcilerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.TryAddRegistry(static sp => new NoopRegistry(sp.GetRequiredService<IDnsProvider>()));
    }
}
