using Amazon.DynamoDBv2;
using Ccx.Dns.Coordination;
using Ccx.Dns.Coordination.DynamoDb;
using Ccx.Dns.Reconciliation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the <see cref="DynamoDbLeaderLease"/> for leader election between replicas.</summary>
public static class DynamoDbLeaderLeaseBuilderExtensions
{
    /// <summary>Registers <see cref="DynamoDbLeaderLease"/> as the <see cref="ILeaderLease"/> with default options.</summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDynamoDbLeaderElection(this IDnsReconcilerBuilder builder) => builder.AddDynamoDbLeaderElection(static _ => { });

    /// <summary>
    /// Registers <see cref="DynamoDbLeaderLease"/> as the <see cref="ILeaderLease"/> (unless a lease is already
    /// registered), its options validated at start: the reconciler then applies changes only while this instance holds
    /// the lease, and a DynamoDB registry fences its ownership writes with the lease's token. The reconciler's
    /// <see cref="DnsReconcilerOptions.LeaseApplyMargin"/> is checked against the lease's timings at start. Uses the
    /// registered <see cref="IAmazonDynamoDB"/> when there is one, otherwise its own client. See docs/lease-and-fencing.md.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDynamoDbLeaderElection(this IDnsReconcilerBuilder builder, Action<DynamoDbLeaderLeaseOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return AddCore(builder);
    }

    /// <summary>Registers <see cref="DynamoDbLeaderLease"/> with options bound from a configuration section.</summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDynamoDbLeaderElection(this IDnsReconcilerBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<DynamoDbLeaderLeaseOptions>(configuration);
        builder.Services.AddSingleton(new DnsOptionsSection(typeof(DynamoDbLeaderLeaseOptions), (configuration as IConfigurationSection)?.Path ?? string.Empty));
        return AddCore(builder);
    }

    private static IDnsReconcilerBuilder AddCore(IDnsReconcilerBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DynamoDbLeaderLeaseOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DynamoDbLeaderLeaseOptions>, DynamoDbLeaderLeaseOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DnsReconcilerOptions>, DynamoDbLeaseApplyMarginValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILeaderLease>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DynamoDbLeaderLeaseOptions>>().Value;
            var timeProvider = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetService<ILogger<DynamoDbLeaderLease>>();
            return sp.GetService<IAmazonDynamoDB>() is { } client
                ? new DynamoDbLeaderLease(client, options, timeProvider, logger)
                : new DynamoDbLeaderLease(options, timeProvider, logger);
        });
        return builder;
    }
}
