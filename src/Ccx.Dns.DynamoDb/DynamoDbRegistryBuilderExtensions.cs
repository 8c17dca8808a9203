using Amazon.DynamoDBv2;
using Ccx.Dns.Coordination;
using Ccx.Dns.DynamoDb;
using Ccx.Dns.DynamoDb.Internal;
using Ccx.Dns.Providers;
using Ccx.Dns.Registry;
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
    public static IDnsReconcilerBuilder AddDynamoDbRegistry(this IDnsReconcilerBuilder builder, Action<DynamoDbRegistryOptions> configure) =>
        AddCore(builder.AddValidatedOptions<DynamoDbRegistryOptions, DynamoDbRegistryOptionsValidator>(configure));

    /// <summary>
    /// Registers <see cref="DynamoDbRegistry"/> as the <see cref="IRegistry"/> (see
    /// <see cref="AddDynamoDbRegistry(IDnsReconcilerBuilder, Action{DynamoDbRegistryOptions})"/>), its options bound from
    /// a configuration section (keys named as the <see cref="DynamoDbRegistryOptions"/> properties).
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDynamoDbRegistry(this IDnsReconcilerBuilder builder, IConfiguration configuration) =>
        AddCore(builder.AddValidatedOptions<DynamoDbRegistryOptions, DynamoDbRegistryOptionsValidator>(configuration));

    private static IDnsReconcilerBuilder AddCore(IDnsReconcilerBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DynamoDbRegistryStartupCheck>());
        return builder.TryAddRegistry(CreateRegistry);
    }

    private static DynamoDbRegistry CreateRegistry(IServiceProvider services)
    {
        var provider = services.GetRequiredService<IDnsProvider>();
        var options = services.GetRequiredService<IOptions<DynamoDbRegistryOptions>>().Value;
        var timeProvider = services.GetRequiredService<TimeProvider>();
        var logger = services.GetService<ILogger<DynamoDbRegistry>>();
        var client = services.GetService<IAmazonDynamoDB>();
        return (services.GetService<ILeaderLease>() as DynamoDbLeaderLease, client) switch
        {
            ({ } lease, { } shared) => new DynamoDbRegistry(provider, shared, options, lease, timeProvider, logger),
            ({ } lease, null) => new DynamoDbRegistry(provider, options, lease, timeProvider, logger),
            (null, { } shared) => new DynamoDbRegistry(provider, shared, options, timeProvider, logger),
            (null, null) => new DynamoDbRegistry(provider, options, timeProvider, logger),
        };
    }
}
