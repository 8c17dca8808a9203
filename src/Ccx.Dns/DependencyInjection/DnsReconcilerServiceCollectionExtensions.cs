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
public static partial class DnsReconcilerServiceCollectionExtensions
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
        services.TryAddSingleton<DnsRunOnceOutcome>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DnsRunOnceService>(sp => new DnsRunOnceService(
            sp.GetRequiredService<DnsReconciler>(),
            sp.GetRequiredService<DnsRunOnceOutcome>(),
            sp.GetService<IHostApplicationLifetime>(),
            CreateLogger<DnsRunOnceService>(sp))));
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

    /// <summary>
    /// Adds the reconciler (see <see cref="AddDnsReconciler(IServiceCollection)"/>), binds its options from configuration
    /// and registers what the section names, ExternalDNS style: <c>Provider</c> (<c>InMemory</c>, <c>PowerDns</c>,
    /// <c>Route53</c>, <c>Rfc2136</c>; ExternalDNS <c>--provider</c>) and <c>Registry</c> (<c>Txt</c>, <c>Noop</c>,
    /// <c>DynamoDb</c>; <c>--registry</c>), each configured from the subsection of its name (<c>Dns:PowerDns</c>,
    /// <c>Dns:Txt</c>); <c>DomainFilter</c>, one list shared by the reconciler and the provider (<c>--domain-filter</c>);
    /// <c>Caching</c> (a subsection: the provider is cached); <c>Sources</c> (<c>DatastoreNaming</c>,
    /// <c>Programmatic</c>). Durations may be written as .NET time spans or ExternalDNS durations (<c>500ms</c>, <c>1m</c>).
    /// Without those keys only the options are bound, and the provider and registry are added in code.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section, for example <c>configuration.GetSection("Dns")</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">The section names an unknown provider, registry or source, or one whose package is not referenced.</exception>
    public static IDnsReconcilerBuilder AddDnsReconciler(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddDnsReconciler();
        services.Configure<DnsReconcilerOptions>(DnsConfigurationSetup.Durations(configuration, typeof(DnsReconcilerOptions)));
        services.AddSingleton(new DnsOptionsSection(typeof(DnsReconcilerOptions), (configuration as IConfigurationSection)?.Path ?? string.Empty));
        DnsConfigurationSetup.Apply(builder, configuration);
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
