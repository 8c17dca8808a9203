using System.Diagnostics.Metrics;
using Ccx.Dns.Providers;
using Ccx.Dns.Patroni;
using Ccx.Dns.Patroni.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the <see cref="PatroniSource"/> on an <see cref="IDnsReconcilerBuilder"/>.</summary>
public static class PatroniReconcilerBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="PatroniSource"/> (a singleton; resolve it for <see cref="PatroniSource.RefreshAsync"/> and
    /// <see cref="PatroniSource.Statuses"/>) and a hosted service that polls it and, when
    /// <see cref="PatroniSourceOptions.CallbackListenerPrefix"/> is set, listens for Patroni's callbacks. The options are
    /// validated when the host starts (<see cref="PatroniSourceOptionsValidator"/>). The registered DNS provider is the
    /// source's seed provider (a datastore that cannot be read at start keeps what DNS publishes). Adding it again is harmless.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configure">Sets the options: at least one datastore with its id, user domain and members' REST API URLs.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IDnsReconcilerBuilder AddPatroniSource(this IDnsReconcilerBuilder builder, Action<PatroniSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(builder.AddValidatedOptions<PatroniSourceOptions, PatroniSourceOptionsValidator>(configure), httpClient: null);
    }

    /// <summary>
    /// Adds the <see cref="PatroniSource"/> as <see cref="AddPatroniSource(IDnsReconcilerBuilder, Action{PatroniSourceOptions})"/>
    /// does, with the REST API requests sent through a client of your own.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <param name="httpClient">
    /// Creates the client for the REST API requests (for TLS: a CA, a client certificate for Patroni's
    /// <c>verify_client</c>). It should not follow redirects; the source does not dispose it.
    /// </param>
    /// <returns>The builder, for chaining.</returns>
    public static IDnsReconcilerBuilder AddPatroniSource(this IDnsReconcilerBuilder builder, Action<PatroniSourceOptions> configure, Func<IServiceProvider, HttpClient> httpClient)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(httpClient);
        return AddCore(builder.AddValidatedOptions<PatroniSourceOptions, PatroniSourceOptionsValidator>(configure), httpClient);
    }

    /// <summary>
    /// Adds the <see cref="PatroniSource"/> configured from a configuration section whose keys are the
    /// <see cref="PatroniSourceOptions"/> property names (<c>Datastores</c> as an array of <c>Id</c>, <c>UserDomain</c>,
    /// <c>RestApiUrls</c>, <c>MaxReplicaLagBytes</c>; <c>PollInterval</c>, <c>RequestTimeout</c>, <c>Naming:RecordTtl</c>, …);
    /// see <see cref="AddPatroniSource(IDnsReconcilerBuilder, Action{PatroniSourceOptions})"/>. Start-up validation names
    /// errors by their configuration path. Configuration-only set-up reaches it with <c>"Sources": [ "Patroni" ]</c> in the
    /// reconciler's section and the settings in its <c>Patroni</c> subsection.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="section">The configuration section, for example <c>configuration.GetSection("Patroni")</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IDnsReconcilerBuilder AddPatroniSource(this IDnsReconcilerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        return AddCore(builder.AddValidatedOptions<PatroniSourceOptions, PatroniSourceOptionsValidator>(section), httpClient: null);
    }

    /// <summary>
    /// Adds the <see cref="PatroniSource"/> configured from a configuration section (see
    /// <see cref="AddPatroniSource(IDnsReconcilerBuilder, IConfiguration)"/>), with the REST API requests sent through a
    /// client of your own.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="section">The configuration section.</param>
    /// <param name="httpClient">Creates the client for the REST API requests (TLS settings); it should not follow redirects; the source does not dispose it.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IDnsReconcilerBuilder AddPatroniSource(this IDnsReconcilerBuilder builder, IConfiguration section, Func<IServiceProvider, HttpClient> httpClient)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(httpClient);
        return AddCore(builder.AddValidatedOptions<PatroniSourceOptions, PatroniSourceOptionsValidator>(section), httpClient);
    }

    /// <summary>Adds <see cref="PatroniSourceHealthCheck"/>: degraded while a datastore keeps its last published state, the failure status once it has for longer than <see cref="PatroniSourceOptions.HealthStaleAfter"/>.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported for a stale datastore; <see cref="HealthStatus.Unhealthy"/> when <see langword="null"/>.</param>
    /// <param name="tags">Tags for filtering checks.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddPatroniSourceCheck(
        this IHealthChecksBuilder builder,
        string name = "ccx-dns-patroni",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.AddCheck<PatroniSourceHealthCheck>(name, failureStatus, tags ?? []);
    }

    private static IDnsReconcilerBuilder AddCore(IDnsReconcilerBuilder builder, Func<IServiceProvider, HttpClient>? httpClient)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        builder.AddSource(sp => new PatroniSource(
            sp.GetRequiredService<IOptions<PatroniSourceOptions>>(),
            httpClient?.Invoke(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<PatroniSource>>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<IDnsProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PatroniHostedService>(sp => new PatroniHostedService(
            sp.GetRequiredService<PatroniSource>(),
            sp.GetService<ILoggerFactory>())));
        return builder;
    }
}
