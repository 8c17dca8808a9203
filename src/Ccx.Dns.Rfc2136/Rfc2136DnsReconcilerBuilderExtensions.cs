using Ccx.Dns.Providers;
using Ccx.Dns.Rfc2136;
using Microsoft.Extensions.Configuration;

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
    public static IDnsReconcilerBuilder AddRfc2136Provider(this IDnsReconcilerBuilder builder, Action<Rfc2136ProviderOptions> configure) =>
        builder.AddValidatedOptions<Rfc2136ProviderOptions, Rfc2136ProviderOptionsValidator>(configure).TryAddProvider<Rfc2136DnsProvider>();

    /// <summary>
    /// Adds <see cref="Rfc2136DnsProvider"/> as the <see cref="IDnsProvider"/> (unless one is already registered),
    /// bound to a configuration section (keys as the <see cref="Rfc2136ProviderOptions"/> properties, <c>Zones</c> as
    /// an array) and validated at start-up.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddRfc2136Provider(this IDnsReconcilerBuilder builder, IConfiguration configuration) =>
        builder.AddValidatedOptions<Rfc2136ProviderOptions, Rfc2136ProviderOptionsValidator>(configuration).TryAddProvider<Rfc2136DnsProvider>();
}
