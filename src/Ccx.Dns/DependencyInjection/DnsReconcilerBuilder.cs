using Microsoft.Extensions.DependencyInjection;

namespace Ccx.Dns.DependencyInjection;

/// <summary>The builder returned by <c>AddDnsReconciler</c>.</summary>
internal sealed class DnsReconcilerBuilder(IServiceCollection services) : IDnsReconcilerBuilder
{
    public IServiceCollection Services { get; } = services;
}

/// <summary>Marks which provider type is registered, so a second, different provider is refused clearly.</summary>
internal sealed record DnsProviderRegistration(Type ProviderType);
