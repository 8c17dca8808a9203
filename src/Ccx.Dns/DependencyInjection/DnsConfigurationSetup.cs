using System.Reflection;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.DependencyInjection;

/// <summary>
/// Configuration-only set-up, ExternalDNS style: the reconciler's configuration section names the provider and the
/// registry (<c>"Provider": "PowerDns"</c>, <c>"Registry": "Txt"</c>, ExternalDNS <c>--provider</c>, <c>--registry</c>),
/// gives one domain filter for the reconciler and the provider (<c>"DomainFilter": ["db.example.org"]</c>,
/// <c>--domain-filter</c>), and holds their settings in subsections named after them (<c>Dns:PowerDns</c>,
/// <c>Dns:Txt</c>, <c>Dns:Caching</c>). Providers, registries and sources (<c>"Sources": ["Patroni"]</c>) of other
/// packages are found by name: the package must be referenced.
/// </summary>
internal static class DnsConfigurationSetup
{
    /// <summary>The providers that can be chosen by name.</summary>
    internal static IReadOnlyList<Plugin> Providers { get; } =
    [
        new("InMemory", [], null, null, null, typeof(InMemoryDnsProviderOptions).FullName!, "Zones"),
        new("PowerDns", ["pdns"], "Ccx.Dns.PowerDns", "Ccx.Dns.PowerDnsReconcilerBuilderExtensions", "AddPowerDnsProvider", "Ccx.Dns.PowerDns.PowerDnsProviderOptions", "IncludeDomains"),
        new("Route53", ["aws", "aws-route53"], "Ccx.Dns.Route53", "Ccx.Dns.Route53DnsReconcilerBuilderExtensions", "AddRoute53Provider", "Ccx.Dns.Route53.Route53ProviderOptions", "DomainFilter"),
        new("Rfc2136", [], "Ccx.Dns.Rfc2136", "Ccx.Dns.Rfc2136DnsReconcilerBuilderExtensions", "AddRfc2136Provider", "Ccx.Dns.Rfc2136.Rfc2136ProviderOptions", "Zones"),
    ];

    /// <summary>The registries that can be chosen by name.</summary>
    internal static IReadOnlyList<Plugin> Registries { get; } =
    [
        new("Txt", [], null, null, null, typeof(TxtRegistryOptions).FullName!, null),
        new("Noop", [], null, null, null, null, null),
        new("DynamoDb", [], "Ccx.Dns.DynamoDb", "Ccx.Dns.DynamoDbRegistryBuilderExtensions", "AddDynamoDbRegistry", "Ccx.Dns.DynamoDb.DynamoDbRegistryOptions", null),
    ];

    /// <summary>The sources of this package that can be named in <c>Sources</c>.</summary>
    private static readonly string[] BuiltInSources = ["DatastoreNaming", "Programmatic"];

    /// <summary>
    /// The sources of other packages that can be named in <c>Sources</c> (besides the built-in <c>DatastoreNaming</c> and
    /// <c>Programmatic</c>); each reads its settings from the subsection of its name.
    /// </summary>
    internal static IReadOnlyList<Plugin> PackageSources { get; } =
    [
        new("Patroni", [], "Ccx.Dns.Patroni", "Ccx.Dns.PatroniReconcilerBuilderExtensions", "AddPatroniSource", "Ccx.Dns.Patroni.PatroniSourceOptions", null),
    ];

    /// <summary>Registers what the section names; does nothing for a section that names no provider, registry or source.</summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="section">The reconciler's section (for example <c>Dns</c>).</param>
    /// <exception cref="OptionsValidationException">The section names an unknown provider, registry or source, or one whose package is not referenced.</exception>
    public static void Apply(IDnsReconcilerBuilder builder, IConfiguration section)
    {
        var path = section is IConfigurationSection { Path.Length: > 0 } named ? named.Path + ":" : string.Empty;
        var domains = DomainFilter(section);
        if (domains.Length > 0)
        {
            builder.Services.PostConfigure<DnsReconcilerOptions>(o => AddMissing(o.IncludeDomains, domains));
        }

        if (Named(section, "Provider") is { } providerName)
        {
            var provider = Find(Providers, providerName, path + "Provider");
            var providerSection = section.GetSection(provider.Name);
            Register(builder, provider, providerSection, path + "Provider");
            if (domains.Length > 0 && provider.FilterProperty is { } property)
            {
                ShareDomainFilter(builder.Services, provider.ResolveOptionsType(path + "Provider"), property, domains);
            }
        }

        if (section.GetSection("Caching").Exists())
        {
            builder.AddCaching(Durations(section.GetSection("Caching"), typeof(CachingDnsProviderOptions)));
        }

        if (Named(section, "Registry") is { } registryName)
        {
            var registry = Find(Registries, registryName, path + "Registry");
            Register(builder, registry, section.GetSection(registry.Name), path + "Registry");
        }

        foreach (var source in List(section.GetSection("Sources")))
        {
            if (string.Equals(source, "DatastoreNaming", StringComparison.OrdinalIgnoreCase))
            {
                builder.AddDatastoreNamingSource(Durations(section.GetSection("DatastoreNaming"), typeof(DatastoreNamingSourceOptions)));
            }
            else if (string.Equals(source, "Programmatic", StringComparison.OrdinalIgnoreCase))
            {
                builder.AddProgrammaticSource();
            }
            else if (PackageSources.FirstOrDefault(p => string.Equals(p.Name, source, StringComparison.OrdinalIgnoreCase)) is { } packaged)
            {
                Register(builder, packaged, section.GetSection(packaged.Name), path + "Sources");
            }
            else
            {
                var names = string.Join(", ", BuiltInSources.Concat(PackageSources.Select(p => p.Name)));
                throw Invalid($"{path}Sources contains '{source}', which is not a source that can be named in configuration ({names}); add your own in code with AddSource<T>()");
            }
        }
    }

    /// <summary>Wraps a section so that its <see cref="TimeSpan"/> settings also accept ExternalDNS durations (<c>500ms</c>, <c>1m</c>).</summary>
    internal static IConfiguration Durations(IConfiguration section, Type? optionsType) =>
        section is GoDurationConfiguration ? section : new GoDurationConfiguration(section, optionsType);

    private static void Register(IDnsReconcilerBuilder builder, Plugin plugin, IConfigurationSection section, string setting)
    {
        var configuration = Durations(section, plugin.OptionsTypeName is null ? null : plugin.ResolveOptionsType(setting));
        switch (plugin.Name)
        {
            case "InMemory":
                builder.AddInMemoryProvider(configuration);
                return;
            case "Txt":
                builder.AddTxtRegistry(configuration);
                return;
            case "Noop":
                builder.AddNoopRegistry();
                return;
        }

        var method = plugin.ResolveType(setting).GetMethod(plugin.Method!, BindingFlags.Public | BindingFlags.Static, [typeof(IDnsReconcilerBuilder), typeof(IConfiguration)])
            ?? throw Invalid($"{setting} '{plugin.Name}': {plugin.ExtensionType}.{plugin.Method}(IDnsReconcilerBuilder, IConfiguration) was not found in {plugin.Assembly}; reference a version of the package that has it");
        try
        {
            method.Invoke(null, [builder, configuration]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
        }
    }

    private static void ShareDomainFilter(IServiceCollection services, Type optionsType, string property, string[] domains)
    {
        var postConfigure = Activator.CreateInstance(typeof(SharedDomainFilter<>).MakeGenericType(optionsType), property, domains)!;
        services.AddSingleton(typeof(IPostConfigureOptions<>).MakeGenericType(optionsType), postConfigure);
    }

    private static Plugin Find(IReadOnlyList<Plugin> plugins, string name, string setting) =>
        plugins.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) || p.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase))
        ?? throw Invalid($"{setting} '{name}' is not one of: {string.Join(", ", plugins.Select(p => p.Name))}");

    private static string? Named(IConfiguration section, string key) => section[key] is { } value && value.Trim().Length > 0 ? value.Trim() : null;

    /// <summary>The shared domain filter: a list, or one value with comma-separated domains.</summary>
    private static string[] DomainFilter(IConfiguration section) => [.. List(section.GetSection("DomainFilter"))];

    private static IEnumerable<string> List(IConfigurationSection section)
    {
        var values = section.Value is { } single
            ? single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : section.GetChildren().Select(c => c.Value?.Trim() ?? string.Empty).Where(v => v.Length > 0);
        return values.Distinct(StringComparer.OrdinalIgnoreCase);
    }

    private static void AddMissing(IList<string> list, string[] domains)
    {
        foreach (var domain in domains)
        {
            if (!list.Contains(domain, StringComparer.OrdinalIgnoreCase))
            {
                list.Add(domain);
            }
        }
    }

    private static OptionsValidationException Invalid(string message) =>
        new(Options.DefaultName, typeof(DnsReconcilerOptions), [message]);

    /// <summary>A provider or registry that can be named in configuration.</summary>
    /// <param name="Name">The name (also the subsection holding its settings).</param>
    /// <param name="Aliases">Other accepted names (ExternalDNS's, such as <c>pdns</c> and <c>aws</c>).</param>
    /// <param name="Assembly">The package's assembly, or <see langword="null"/> for this one.</param>
    /// <param name="ExtensionType">The class with the <c>Add…(IDnsReconcilerBuilder, IConfiguration)</c> method.</param>
    /// <param name="Method">That method.</param>
    /// <param name="OptionsTypeName">The options class bound from the subsection.</param>
    /// <param name="FilterProperty">The options' list the shared domain filter is added to, when it has one.</param>
    internal sealed record Plugin(string Name, string[] Aliases, string? Assembly, string? ExtensionType, string? Method, string? OptionsTypeName, string? FilterProperty)
    {
        public Type ResolveType(string setting) =>
            Load(setting).GetType(ExtensionType!)
            ?? throw Invalid($"{setting} '{Name}': {ExtensionType} was not found in {Assembly}; reference a version of the package that has it");

        public Type ResolveOptionsType(string setting) =>
            Load(setting).GetType(OptionsTypeName!)
            ?? throw Invalid($"{setting} '{Name}': {OptionsTypeName} was not found in {Assembly}; reference a version of the package that has it");

        private Assembly Load(string setting)
        {
            if (Assembly is null)
            {
                return typeof(DnsConfigurationSetup).Assembly;
            }

            try
            {
                return System.Reflection.Assembly.Load(new AssemblyName(Assembly));
            }
            catch (FileNotFoundException)
            {
                throw Invalid($"{setting} '{Name}' needs the package {Assembly}: dotnet add package {Assembly}");
            }
        }
    }

    /// <summary>Adds the shared domain filter to one list of an options class.</summary>
    private sealed class SharedDomainFilter<TOptions>(string property, string[] domains) : IPostConfigureOptions<TOptions>
        where TOptions : class
    {
        public void PostConfigure(string? name, TOptions options)
        {
            if (name == Options.DefaultName && typeof(TOptions).GetProperty(property)?.GetValue(options) is IList<string> list)
            {
                AddMissing(list, domains);
            }
        }
    }
}
