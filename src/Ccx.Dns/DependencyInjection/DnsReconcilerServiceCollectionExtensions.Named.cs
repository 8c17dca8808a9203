using Ccx.Dns.Coordination;
using Ccx.Dns.DependencyInjection;
using Ccx.Dns.Hosting;
using Ccx.Dns.Providers;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns;

/// <summary>Named reconcilers: several providers in one host.</summary>
public static partial class DnsReconcilerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a named reconciler with its own hosted service: a host may run several (public names on Route 53, private
    /// ones on PowerDNS; a primary and a secondary DNS), each with its own provider, registry and owner id, lease,
    /// options, health check entry (<c>AddNamedDnsReconcilerCheck(name)</c>), metric tag (<c>ccx.dns.reconciler</c>) and
    /// log scope (<c>DnsReconciler</c>). Chain its parts on the returned builder as for the unnamed reconciler
    /// (<c>.AddPowerDnsProvider(…)</c>, <c>.AddTxtRegistry(…)</c>, <c>.AddSource&lt;T&gt;()</c>); they go to a container of its own
    /// that sees the host's clock, logging and meters. A source the host holds once can feed several reconcilers with
    /// <c>.AddSharedSource&lt;T&gt;()</c>. The parts are resolvable from the host as keyed services, the name being the key:
    /// <see cref="DnsReconciler"/>, <see cref="IDnsProvider"/>, <see cref="IRegistry"/> and <see cref="ILeaderLease"/>
    /// (<see langword="null"/> without a lease). The unnamed reconciler (<see cref="AddDnsReconciler(IServiceCollection)"/>)
    /// is independent of named ones and may sit beside them. Adding the same name again returns the same reconciler's builder.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="name">The reconciler's name, for example <c>public</c>.</param>
    /// <returns>The reconciler's builder.</returns>
    public static IDnsReconcilerBuilder AddDnsReconciler(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (var descriptor in services)
        {
            if (!descriptor.IsKeyedService && descriptor.ImplementationInstance is NamedDnsReconcilerRegistration existing && existing.Name == name)
            {
                return new NamedDnsReconcilerBuilder(existing, services);
            }
        }

        var registration = new NamedDnsReconcilerRegistration(name, new ServiceCollection());
        services.AddSingleton(registration);
        services.AddKeyedSingleton(name, (sp, _) => new NamedDnsReconcilerContainer(registration, sp));
        services.AddKeyedSingleton(name, static (sp, key) => Container(sp, key).Reconciler);
        services.AddKeyedSingleton(name, static (sp, key) => Container(sp, key).Registry);
        services.AddKeyedSingleton(name, static (sp, key) => Container(sp, key).Provider!);
        services.AddKeyedSingleton(name, static (sp, key) => Container(sp, key).Lease!);

        // Resolving the hosted service builds the reconciler's container, which validates its options: a named
        // reconciler with invalid options or no registry stops the host from starting, as the unnamed one does. The
        // hosted services its parts registered in that container (a source's poller) start first, before its loop.
        services.AddSingleton<IHostedService>(sp => new NamedDnsReconcilerPartsService(Container(sp, name).HostedServices));
        services.AddSingleton<IHostedService>(sp =>
        {
            var container = Container(sp, name);
            return new DnsReconcilerHostedService(container.Reconciler, container.TimeProvider, new Logger<DnsReconcilerHostedService>(container.LoggerFactory));
        });
        services.AddSingleton<IHostedService>(sp =>
        {
            var container = Container(sp, name);
            return new DnsSetupMonitor(container.Reconciler, container.Provider, container.Registry, new Logger<DnsSetupMonitor>(container.LoggerFactory));
        });
        return new NamedDnsReconcilerBuilder(registration, services).AddValidatedOptions<DnsReconcilerOptions, DnsReconcilerOptionsValidator>();
    }

    /// <summary>Adds a named reconciler (see <see cref="AddDnsReconciler(IServiceCollection, string)"/>) and configures its options.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="name">The reconciler's name.</param>
    /// <param name="configure">Configures its options.</param>
    /// <returns>The reconciler's builder.</returns>
    public static IDnsReconcilerBuilder AddDnsReconciler(this IServiceCollection services, string name, Action<DnsReconcilerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure); // before the reconciler is added
        return services.AddDnsReconciler(name).AddValidatedOptions<DnsReconcilerOptions, DnsReconcilerOptionsValidator>(configure);
    }

    /// <summary>Adds a named reconciler (see <see cref="AddDnsReconciler(IServiceCollection, string)"/>) and binds its options from configuration.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="name">The reconciler's name.</param>
    /// <param name="configuration">The configuration section, for example <c>configuration.GetSection("Dns:Public")</c>.</param>
    /// <returns>The reconciler's builder.</returns>
    public static IDnsReconcilerBuilder AddDnsReconciler(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration); // before the reconciler is added
        return services.AddDnsReconciler(name).AddValidatedOptions<DnsReconcilerOptions, DnsReconcilerOptionsValidator>(configuration);
    }

    private static NamedDnsReconcilerContainer Container(IServiceProvider services, object? key) =>
        services.GetRequiredKeyedService<NamedDnsReconcilerContainer>(key);
}
