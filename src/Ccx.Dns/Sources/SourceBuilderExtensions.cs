using Ccx.Dns.Sources.Datastore;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
    public static IDnsReconcilerBuilder AddDatastoreNamingSource(this IDnsReconcilerBuilder builder) =>
        AddDatastoreNaming(builder.AddValidatedOptions<DatastoreNamingSourceOptions, DatastoreNamingSourceOptionsValidator>());

    /// <summary>Adds the <see cref="DatastoreNamingSource"/> and configures its options.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDatastoreNamingSource(this IDnsReconcilerBuilder builder, Action<DatastoreNamingSourceOptions> configure) =>
        AddDatastoreNaming(builder.AddValidatedOptions<DatastoreNamingSourceOptions, DatastoreNamingSourceOptionsValidator>(configure));

    /// <summary>Adds the <see cref="DatastoreNamingSource"/> and binds its options from configuration.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddDatastoreNamingSource(this IDnsReconcilerBuilder builder, IConfiguration configuration) =>
        AddDatastoreNaming(builder.AddValidatedOptions<DatastoreNamingSourceOptions, DatastoreNamingSourceOptionsValidator>(configuration));

    /// <summary>
    /// Adds the <see cref="ProgrammaticEndpointSource"/> (a singleton; resolve it to push endpoints). Adding it
    /// again is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddProgrammaticSource(this IDnsReconcilerBuilder builder) =>
        builder.AddSource<ProgrammaticEndpointSource>();

    private static IDnsReconcilerBuilder AddDatastoreNaming(IDnsReconcilerBuilder builder) =>
        builder.AddSource(sp => new DatastoreNamingSource(sp.GetRequiredService<IOptions<DatastoreNamingSourceOptions>>()));
}
