using Ccx.Dns.Sources.Datastore;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>Registers the built-in endpoint sources.</summary>
public static class SourceBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="DatastoreNamingSource"/> (a singleton; resolve it to publish the topology). Adding it
    /// again is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDatastoreNamingSource(this IDnsReconcilerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DatastoreNamingSourceOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatastoreNamingSourceOptions>, DatastoreNamingSourceOptionsValidator>());
        return builder.AddSource(sp => new DatastoreNamingSource(sp.GetRequiredService<IOptions<DatastoreNamingSourceOptions>>()));
    }

    /// <summary>Adds the <see cref="DatastoreNamingSource"/> and configures its options.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDatastoreNamingSource(this IDnsReconcilerBuilder builder, Action<DatastoreNamingSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddDatastoreNamingSource();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds the <see cref="DatastoreNamingSource"/> and binds its options from configuration.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDatastoreNamingSource(this IDnsReconcilerBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.AddDatastoreNamingSource();
        builder.Services.Configure<DatastoreNamingSourceOptions>(configuration);
        builder.Services.AddSingleton(new DnsOptionsSection(typeof(DatastoreNamingSourceOptions), (configuration as IConfigurationSection)?.Path ?? string.Empty));
        return builder;
    }

    /// <summary>
    /// Adds the <see cref="ProgrammaticEndpointSource"/> (a singleton; resolve it to push endpoints). Adding it
    /// again is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddProgrammaticSource(this IDnsReconcilerBuilder builder) =>
        builder.AddSource<ProgrammaticEndpointSource>();
}
