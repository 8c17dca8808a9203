using System.Diagnostics.Metrics;
using Ccx.Dns.Coordination;
using Ccx.Dns.Diagnostics;
using Ccx.Dns.Providers;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.DependencyInjection;

/// <summary>
/// A named reconciler and the container of its own parts, built from its registrations on first use (after the host's
/// container exists). The parts see the host's clock, logging (inside a <c>DnsReconciler = name</c> scope) and meter
/// factory, and nothing else of the host, so that two reconcilers never share a provider, registry, lease or options.
/// Sources added with <c>AddSharedSource</c> come from the host's container. The options registered with
/// <c>ValidateOnStart</c> are validated when the container is built, every error at once. The hosted services registered
/// in it are started by the reconciler's own hosted service (<see cref="Hosting.NamedDnsReconcilerPartsService"/>).
/// </summary>
internal sealed class NamedDnsReconcilerContainer : IDisposable
{
    private readonly ServiceProvider _services;

    public NamedDnsReconcilerContainer(NamedDnsReconcilerRegistration registration, IServiceProvider host)
    {
        Name = registration.Name;
        var services = new ServiceCollection();
        foreach (var descriptor in registration.Services)
        {
            // Provider packages add TimeProvider.System as a default (TryAdd); the host's clock replaces that default.
            if (!descriptor.IsKeyedService && descriptor.ServiceType == typeof(TimeProvider) && ReferenceEquals(descriptor.ImplementationInstance, TimeProvider.System))
            {
                continue;
            }

            services.Add(descriptor);
        }

        services.TryAddSingleton(host.GetService<TimeProvider>() ?? TimeProvider.System);
        LoggerFactory = host.GetService<ILoggerFactory>() is { } hostLogging ? new ReconcilerScopedLoggerFactory(hostLogging, Name) : NullLoggerFactory.Instance;
        services.TryAddSingleton(LoggerFactory);
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
        var meters = host.GetService<IMeterFactory>();
        if (meters is not null)
        {
            services.TryAddSingleton(meters);
        }

        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        try
        {
            try
            {
                _services.GetService<IStartupValidator>()?.Validate();
            }
            catch (OptionsValidationException ex)
            {
                throw new OptionsValidationException(ex.OptionsName, ex.OptionsType, [.. ex.Failures.Select(f => $"DNS reconciler '{Name}': {f}")]);
            }

            TimeProvider = _services.GetRequiredService<TimeProvider>();
            Registry = _services.GetService<IRegistry>() ?? throw new InvalidOperationException(
                $"No IRegistry is registered for the DNS reconciler '{Name}'. Add one on its builder: services.AddDnsReconciler(\"{Name}\")"
                + ".AddTxtRegistry(...) (with an owner id of its own) or .AddNoopRegistry().");
            Provider = _services.GetService<IDnsProvider>();
            Lease = _services.GetService<ILeaderLease>();
            var sources = _services.GetServices<IEndpointSource>().ToList();
            foreach (var shared in _services.GetServices<SharedSourceRegistration>().DistinctBy(s => s.SourceType))
            {
                var source = (IEndpointSource)host.GetRequiredService(shared.SourceType);
                if (!sources.Contains(source))
                {
                    sources.Add(source);
                }
            }

            Telemetry = new DnsTelemetry(meters, Name);
            Reconciler = new DnsReconciler(
                sources,
                Registry,
                _services.GetRequiredService<IOptions<DnsReconcilerOptions>>(),
                TimeProvider,
                new Logger<DnsReconciler>(LoggerFactory),
                Telemetry,
                Lease);
        }
        catch
        {
            Telemetry?.Dispose();
            _services.Dispose();
            throw;
        }
    }

    public string Name { get; }

    public DnsReconciler Reconciler { get; }

    public IRegistry Registry { get; }

    public IDnsProvider? Provider { get; }

    public ILeaderLease? Lease { get; }

    public TimeProvider TimeProvider { get; }

    public ILoggerFactory LoggerFactory { get; }

    public DnsTelemetry Telemetry { get; }

    /// <summary>The hosted services the reconciler's parts registered in its container, in registration order.</summary>
    public IReadOnlyList<IHostedService> HostedServices => [.. _services.GetServices<IHostedService>()];

    public void Dispose()
    {
        Reconciler.Dispose();
        Telemetry.Dispose();
        _services.Dispose();
    }
}
