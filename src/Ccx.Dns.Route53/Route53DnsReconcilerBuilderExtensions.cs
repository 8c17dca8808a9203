using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Route53;
using Ccx.Dns.Providers.Route53.Internal;
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
    public static IDnsReconcilerBuilder AddRoute53Provider(this IDnsReconcilerBuilder builder, Action<Route53ProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<Route53ProviderOptions>().Configure(configure);
        return AddCore(builder);
    }

    /// <summary>Adds the Route 53 provider bound to a configuration section (for example <c>Dns:Route53</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The section holding <see cref="Route53ProviderOptions"/> properties.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddRoute53Provider(this IDnsReconcilerBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<Route53ProviderOptions>().Bind(configuration);
        builder.Services.AddSingleton(new DnsOptionsSection(typeof(Route53ProviderOptions), (configuration as IConfigurationSection)?.Path ?? string.Empty));
        return AddCore(builder);
    }

    private static IDnsReconcilerBuilder AddCore(IDnsReconcilerBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<Route53ProviderOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Route53ProviderOptions>, Route53ProviderOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Route53AccountRateLimiters>();
        services.TryAddSingleton(static sp => new Route53Provider(
            sp.GetRequiredService<IOptions<Route53ProviderOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            httpMessageHandler: null,
            sp.GetRequiredService<Route53AccountRateLimiters>()));
        services.TryAddSingleton<IDnsProvider>(static sp => sp.GetRequiredService<Route53Provider>());
        return builder;
    }
}
