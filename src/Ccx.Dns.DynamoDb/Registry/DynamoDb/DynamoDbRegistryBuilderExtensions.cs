using Amazon.DynamoDBv2;
using Ccx.Dns.Coordination;
using Ccx.Dns.Coordination.DynamoDb;
using Ccx.Dns.Providers;
using Ccx.Dns.Registry;
using Ccx.Dns.Registry.DynamoDb;
using Ccx.Dns.Registry.DynamoDb.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the <see cref="DynamoDbRegistry"/>.</summary>
public static class DynamoDbRegistryBuilderExtensions
{
    /// <summary>Registers <see cref="DynamoDbRegistry"/> as the <see cref="IRegistry"/> with default options (table <c>external-dns</c>, owner id <c>default</c>).</summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDynamoDbRegistry(this IDnsReconcilerBuilder builder) => builder.AddDynamoDbRegistry(static _ => { });

    /// <summary>
    /// Registers <see cref="DynamoDbRegistry"/> as the <see cref="IRegistry"/> (unless a registry is already
    /// registered), its options validated at start. The registry wraps the registered <see cref="IDnsProvider"/> and
    /// uses the registered <see cref="IAmazonDynamoDB"/> when there is one, otherwise its own client for the
    /// configured region and endpoint with the AWS SDK's default credentials. When the host starts, the table is
    /// checked (and created when missing and allowed): a missing table or a wrong key schema stops the start. When the
    /// registered <see cref="ILeaderLease"/> is a <see cref="DynamoDbLeaderLease"/> (<c>AddDynamoDbLeaderElection</c>,
    /// in either order), the registry's ownership writes are fenced by it: each is a transaction conditioned on the
    /// lease item naming this instance with its fencing token.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDynamoDbRegistry(this IDnsReconcilerBuilder builder, Action<DynamoDbRegistryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return AddCore(builder);
    }

    /// <summary>
    /// Registers <see cref="DynamoDbRegistry"/> as the <see cref="IRegistry"/> (see
    /// <see cref="AddDynamoDbRegistry(IDnsReconcilerBuilder, Action{DynamoDbRegistryOptions})"/>), its options bound from
    /// a configuration section (keys named as the <see cref="DynamoDbRegistryOptions"/> properties).
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDynamoDbRegistry(this IDnsReconcilerBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<DynamoDbRegistryOptions>(configuration);
        builder.Services.AddSingleton(new DnsOptionsSection(typeof(DynamoDbRegistryOptions), (configuration as IConfigurationSection)?.Path ?? string.Empty));
        return AddCore(builder);
    }

    private static IDnsReconcilerBuilder AddCore(IDnsReconcilerBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DynamoDbRegistryOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DynamoDbRegistryOptions>, DynamoDbRegistryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRegistry>(sp =>
        {
            var provider = sp.GetRequiredService<IDnsProvider>();
            var options = sp.GetRequiredService<IOptions<DynamoDbRegistryOptions>>().Value;
            var timeProvider = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetService<ILogger<DynamoDbRegistry>>();
            var client = sp.GetService<IAmazonDynamoDB>();
            return (sp.GetService<ILeaderLease>() as DynamoDbLeaderLease, client) switch
            {
                ({ } lease, { } shared) => new DynamoDbRegistry(provider, shared, options, lease, timeProvider, logger),
                ({ } lease, null) => new DynamoDbRegistry(provider, options, lease, timeProvider, logger),
                (null, { } shared) => new DynamoDbRegistry(provider, shared, options, timeProvider, logger),
                (null, null) => new DynamoDbRegistry(provider, options, timeProvider, logger),
            };
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DynamoDbRegistryStartupCheck>());
        return builder;
    }
}
