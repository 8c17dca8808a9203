using Microsoft.Extensions.DependencyInjection;

namespace Ccx.Dns;

/// <summary>
/// Returned by <c>services.AddDnsReconciler()</c>; providers, registries, sources and decorators chain off it
/// (<c>.AddInMemoryProvider()</c>, <c>.AddTxtRegistry()</c>, …).
/// </summary>
public interface IDnsReconcilerBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}
