using System.Diagnostics.Metrics;
using Ccx.Dns.Coordination;
using Ccx.Dns.DependencyInjection;
using Ccx.Dns.Diagnostics;
using Ccx.Dns.Hosting;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the DNS reconciler and its hosted service.</summary>
public static class DnsReconcilerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the reconciler, its hosted service, metrics and <see cref="TimeProvider.System"/> (unless a clock is
    /// registered). Chain a provider (<c>.AddInMemoryProvider()</c>, …), a registry (<c>.AddTxtRegistry()</c> or
    /// <c>.AddNoopRegistry()</c>) and sources (<c>.AddSource&lt;T&gt;()</c>, <c>.AddDatastoreNamingSource()</c>).
    /// Calling it again is harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDnsReconciler(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DnsReconcilerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DnsReconcilerOptions>, DnsReconcilerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DnsTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp =>
        {
            DnsOptionsValidation.ThrowIfInvalid(sp, services); // every options error of every class at once, with its path
            return CreateReconciler(sp);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DnsSetupMonitor>(sp => new DnsSetupMonitor(
            sp.GetRequiredService<DnsReconciler>(),
            sp.GetService<Providers.IDnsProvider>(),
            sp.GetService<IRegistry>(),
            CreateLogger<DnsSetupMonitor>(sp))));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DnsReconcilerHostedService>(sp => new DnsReconcilerHostedService(
            sp.GetRequiredService<DnsReconciler>(),
            sp.GetRequiredService<TimeProvider>(),
            CreateLogger<DnsReconcilerHostedService>(sp))));
        return new DnsReconcilerBuilder(services);
    }

    /// <summary>Adds the reconciler (see <see cref="AddDnsReconciler(IServiceCollection)"/>) and configures its options.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDnsReconciler(this IServiceCollection services, Action<DnsReconcilerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddDnsReconciler();
        services.Configure(configure);
        return builder;
    }

    /// <summary>Adds the reconciler (see <see cref="AddDnsReconciler(IServiceCollection)"/>) and binds its options from configuration.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section, for example <c>configuration.GetSection("Dns")</c>.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDnsReconciler(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddDnsReconciler();
        services.Configure<DnsReconcilerOptions>(configuration);
        services.AddSingleton(new DnsOptionsSection(typeof(DnsReconcilerOptions), (configuration as IConfigurationSection)?.Path ?? string.Empty));
        return builder;
    }

    private static DnsReconciler CreateReconciler(IServiceProvider services)
    {
        var registry = services.GetService<IRegistry>() ?? throw new InvalidOperationException(
            "No IRegistry is registered for the DNS reconciler. Add one after AddDnsReconciler(): .AddTxtRegistry(...) to keep "
            + "ExternalDNS-compatible ownership records, or .AddNoopRegistry() to manage every record without ownership.");
        return new DnsReconciler(
            services.GetServices<IEndpointSource>(),
            registry,
            services.GetRequiredService<IOptions<DnsReconcilerOptions>>(),
            services.GetRequiredService<TimeProvider>(),
            CreateLogger<DnsReconciler>(services),
            services.GetRequiredService<DnsTelemetry>(),
            services.GetService<ILeaderLease>());
    }

    private static ILogger<T> CreateLogger<T>(IServiceProvider services) =>
        services.GetService<ILoggerFactory>() is { } factory ? new Logger<T>(factory) : NullLogger<T>.Instance;
}
