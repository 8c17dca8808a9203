using Ccx.Dns.DependencyInjection;
using Ccx.Dns.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ccx.Dns;

/// <summary>Health check entries for named reconcilers.</summary>
public static class NamedDnsReconcilerHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="DnsReconcilerHealthCheck"/> entry for the named reconciler <paramref name="reconcilerName"/>
    /// (<c>services.AddDnsReconciler(reconcilerName)</c>).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="reconcilerName">The reconciler's name.</param>
    /// <param name="name">The entry's name; <c>ccx-dns-</c> followed by the reconciler's name when <see langword="null"/>.</param>
    /// <param name="failureStatus">The status reported when the sync is too old; <see cref="HealthStatus.Unhealthy"/> when <see langword="null"/>.</param>
    /// <param name="tags">Tags for filtering checks.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddNamedDnsReconcilerCheck(
        this IHealthChecksBuilder builder,
        string reconcilerName,
        string? name = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(reconcilerName);
        return builder.Add(new HealthCheckRegistration(
            name ?? "ccx-dns-" + reconcilerName,
            sp =>
            {
                var container = sp.GetRequiredKeyedService<NamedDnsReconcilerContainer>(reconcilerName);
                return new DnsReconcilerHealthCheck(container.Reconciler, container.TimeProvider);
            },
            failureStatus,
            tags ?? []));
    }

    /// <summary>
    /// Adds one health check entry per named reconciler registered so far (<c>ccx-dns-</c> followed by its name, see
    /// <see cref="AddNamedDnsReconcilerCheck"/>). Call it after the <c>AddDnsReconciler(name)</c> calls.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="failureStatus">The status reported when a sync is too old.</param>
    /// <param name="tags">Tags for filtering checks.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddNamedDnsReconcilerChecks(this IHealthChecksBuilder builder, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var names = builder.Services.Where(d => !d.IsKeyedService).Select(d => d.ImplementationInstance).OfType<NamedDnsReconcilerRegistration>().Select(r => r.Name).ToList();
        foreach (var reconcilerName in names)
        {
            builder.AddNamedDnsReconcilerCheck(reconcilerName, failureStatus: failureStatus, tags: tags);
        }

        return builder;
    }
}
