using Ccx.Dns.Route53;
using Ccx.Dns.Route53.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the Route 53 provider on an <see cref="IDnsReconcilerBuilder"/>.</summary>
public static class Route53DnsReconcilerBuilderExtensions
{
    /// <summary>Adds the Route 53 provider with default options (default credential chain, every hosted zone).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddRoute53Provider(this IDnsReconcilerBuilder builder) =>
        AddRoute53Provider(builder, static _ => { });

    /// <summary>Adds the Route 53 provider configured in code.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddRoute53Provider(this IDnsReconcilerBuilder builder, Action<Route53ProviderOptions> configure) =>
        AddCore(builder.AddValidatedOptions<Route53ProviderOptions, Route53ProviderOptionsValidator>(configure));

    /// <summary>Adds the Route 53 provider bound to a configuration section (for example <c>Dns:Route53</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The section holding <see cref="Route53ProviderOptions"/> properties.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddRoute53Provider(this IDnsReconcilerBuilder builder, IConfiguration configuration) =>
        AddCore(builder.AddValidatedOptions<Route53ProviderOptions, Route53ProviderOptionsValidator>(configuration));

    private static IDnsReconcilerBuilder AddCore(IDnsReconcilerBuilder builder)
    {
        // One set of rate limiters per account, shared by every Route 53 provider in the container.
        builder.Services.TryAddSingleton<Route53AccountRateLimiters>();
        return builder.TryAddProvider(static sp => new Route53Provider(
            sp.GetRequiredService<IOptions<Route53ProviderOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            httpMessageHandler: null,
            sp.GetRequiredService<Route53AccountRateLimiters>()));
    }
}
