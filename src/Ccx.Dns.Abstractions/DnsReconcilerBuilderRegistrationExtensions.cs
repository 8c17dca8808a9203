using Ccx.Dns.Providers;
using Ccx.Dns.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns;

/// <summary>
/// What every <c>Add…</c> method on <see cref="IDnsReconcilerBuilder"/> is made of, shared by the provider, registry,
/// lease, cache and source packages here and open to a package of your own (see docs/custom-provider.md).
/// <see cref="AddValidatedOptions{TOptions, TValidator}(IDnsReconcilerBuilder, IConfiguration)"/> and its overloads
/// register a part's options: validated when the host starts, configured in code or bound from a configuration section
/// whose path the start-up errors then name. <see cref="TryAddProvider{TProvider}(IDnsReconcilerBuilder)"/> and
/// <see cref="TryAddRegistry(IDnsReconcilerBuilder, Func{IServiceProvider, IRegistry})"/> register the part itself, the
/// first registration winning. What is left to an <c>Add…</c> method is its documentation and what is its own.
/// </summary>
/// <example>
/// <code>
/// public static IDnsReconcilerBuilder AddAcmeProvider(this IDnsReconcilerBuilder builder, Action&lt;AcmeOptions&gt; configure) =>
///     builder.AddValidatedOptions&lt;AcmeOptions, AcmeOptionsValidator&gt;(configure).TryAddProvider&lt;AcmeDnsProvider&gt;();
///
/// public static IDnsReconcilerBuilder AddAcmeProvider(this IDnsReconcilerBuilder builder, IConfiguration configuration) =>
///     builder.AddValidatedOptions&lt;AcmeOptions, AcmeOptionsValidator&gt;(configuration).TryAddProvider&lt;AcmeDnsProvider&gt;();
/// </code>
/// </example>
public static class DnsReconcilerBuilderRegistrationExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/>, validated by <typeparamref name="TValidator"/> when the host starts
    /// (for a named reconciler, when its container is built), with the values configured elsewhere or the defaults.
    /// Registering the same options again adds no second validator.
    /// </summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <typeparam name="TValidator">Its validator, which should report every error at once.</typeparam>
    /// <param name="builder">The reconciler builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddValidatedOptions<TOptions, TValidator>(this IDnsReconcilerBuilder builder)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="TOptions"/> validated at start (see
    /// <see cref="AddValidatedOptions{TOptions, TValidator}(IDnsReconcilerBuilder)"/>) and configures them in code.
    /// Configurations add up in the order they are registered.
    /// </summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <typeparam name="TValidator">Its validator.</typeparam>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddValidatedOptions<TOptions, TValidator>(this IDnsReconcilerBuilder builder, Action<TOptions> configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.AddValidatedOptions<TOptions, TValidator>();
    }

    /// <summary>
    /// Registers <typeparamref name="TOptions"/> validated at start (see
    /// <see cref="AddValidatedOptions{TOptions, TValidator}(IDnsReconcilerBuilder)"/>), binds them from a configuration
    /// section (keys named as the options' properties) and records the section's path as a <see cref="DnsOptionsSection"/>,
    /// so that the reconciler's start-up validation names each error by its setting (<c>Dns:PowerDns:ApiKey</c>).
    /// </summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <typeparam name="TValidator">Its validator.</typeparam>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="configuration">The configuration section, for example <c>configuration.GetSection("PowerDns")</c>.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder AddValidatedOptions<TOptions, TValidator>(this IDnsReconcilerBuilder builder, IConfiguration configuration)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<TOptions>(configuration);
        builder.Services.AddSingleton(new DnsOptionsSection(typeof(TOptions), (configuration as IConfigurationSection)?.Path ?? string.Empty));
        return builder.AddValidatedOptions<TOptions, TValidator>();
    }

    /// <summary>
    /// Registers <typeparamref name="TProvider"/>, created by the container as a singleton (so it needs a constructor
    /// the container can call, typically taking <c>IOptions&lt;TOptions&gt;</c>), as the <see cref="IDnsProvider"/> —
    /// unless a provider is registered already: the first registration wins, and registering again adds nothing. Also
    /// registers <see cref="TimeProvider.System"/> unless a clock is registered. (<c>AddProvider</c> in <c>Ccx.Dns</c>
    /// refuses a second, different provider instead.)
    /// </summary>
    /// <typeparam name="TProvider">The provider; also resolvable as itself.</typeparam>
    /// <param name="builder">The reconciler builder.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder TryAddProvider<TProvider>(this IDnsReconcilerBuilder builder)
        where TProvider : class, IDnsProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TProvider>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IDnsProvider>(static sp => sp.GetRequiredService<TProvider>());
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="TProvider"/>, created by <paramref name="factory"/> as a singleton, as the
    /// <see cref="IDnsProvider"/> unless a provider is registered already; see <see cref="TryAddProvider{TProvider}(IDnsReconcilerBuilder)"/>.
    /// </summary>
    /// <typeparam name="TProvider">The provider; also resolvable as itself.</typeparam>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="factory">Creates the provider from the container.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder TryAddProvider<TProvider>(this IDnsReconcilerBuilder builder, Func<IServiceProvider, TProvider> factory)
        where TProvider : class, IDnsProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.TryAddSingleton(factory);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IDnsProvider>(static sp => sp.GetRequiredService<TProvider>());
        return builder;
    }

    /// <summary>
    /// Registers the <see cref="IRegistry"/> created by <paramref name="factory"/> (a singleton; it usually wraps the
    /// registered <see cref="IDnsProvider"/>) unless a registry is registered already: the first registration wins, and
    /// registering again adds nothing. Also registers <see cref="TimeProvider.System"/> unless a clock is registered.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="factory">Creates the registry from the container.</param>
    /// <returns>The builder.</returns>
    public static IDnsReconcilerBuilder TryAddRegistry(this IDnsReconcilerBuilder builder, Func<IServiceProvider, IRegistry> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(factory);
        return builder;
    }
}
