using Ccx.Dns.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ccx.Dns;

/// <summary>Adds the reconciler's health check.</summary>
public static class DnsHealthChecksBuilderExtensions
{
    /// <summary>Adds <see cref="DnsReconcilerHealthCheck"/>: unhealthy when the last successful DNS sync is too old.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported when the sync is too old; <see cref="HealthStatus.Unhealthy"/> when <see langword="null"/>.</param>
    /// <param name="tags">Tags for filtering checks.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddDnsReconcilerCheck(
        this IHealthChecksBuilder builder,
        string name = "ccx-dns",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.AddCheck<DnsReconcilerHealthCheck>(name, failureStatus, tags ?? []);
    }
}
