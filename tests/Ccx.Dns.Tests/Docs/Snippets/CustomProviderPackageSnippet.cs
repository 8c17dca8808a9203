using Ccx.Dns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocSnippets;

// begin-snippet: custom-provider-package
public static class AcmeReconcilerBuilderExtensions
{
    public static IDnsReconcilerBuilder AddAcmeProvider(this IDnsReconcilerBuilder builder, Action<AcmeOptions> configure) =>
        builder.AddValidatedOptions<AcmeOptions, AcmeOptionsValidator>(configure).TryAddProvider(CreateProvider);

    public static IDnsReconcilerBuilder AddAcmeProvider(this IDnsReconcilerBuilder builder, IConfiguration configuration) =>
        builder.AddValidatedOptions<AcmeOptions, AcmeOptionsValidator>(configuration).TryAddProvider(CreateProvider);

    private static AcmeDnsProvider CreateProvider(IServiceProvider services) =>
        new(services.GetRequiredService<IOptions<AcmeOptions>>().Value);
}
// end-snippet

/// <summary>The options of the page's example package.</summary>
public sealed class AcmeOptions
{
    public string? ApiUrl { get; set; }

    public List<string> Zones { get; } = [];
}

/// <summary>Reports every error at once, as the page asks.</summary>
public sealed class AcmeOptionsValidator : IValidateOptions<AcmeOptions>
{
    public ValidateOptionsResult Validate(string? name, AcmeOptions options)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(options.ApiUrl, UriKind.Absolute, out _))
        {
            errors.Add("ApiUrl must be an absolute URL.");
        }

        if (options.Zones.Count == 0)
        {
            errors.Add("Zones must name at least one zone.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The page's example provider: its zones kept in memory, so that a reconcile through it can be checked.</summary>
public sealed class AcmeDnsProvider(AcmeOptions options) : Ccx.Dns.Providers.IDnsProvider
{
    public Ccx.Dns.Providers.InMemory.InMemoryDnsProvider Zones { get; } = new(options.Zones, new Ccx.Dns.Endpoints.DomainFilter(options.Zones));

    public Ccx.Dns.Endpoints.DomainFilter DomainFilter => Zones.DomainFilter;

    public Task<IReadOnlyList<Ccx.Dns.Endpoints.DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) =>
        Zones.GetRecordsAsync(cancellationToken);

    public Task ApplyChangesAsync(Ccx.Dns.Planning.DnsChanges changes, CancellationToken cancellationToken = default) =>
        Zones.ApplyChangesAsync(changes, cancellationToken);

    public IReadOnlyList<Ccx.Dns.Endpoints.DnsEndpoint> AdjustEndpoints(IReadOnlyList<Ccx.Dns.Endpoints.DnsEndpoint> endpoints) =>
        Zones.AdjustEndpoints(endpoints);
}

/// <summary>docs/custom-provider.md, "A package of your own": the page's extension class, used as a package user would.</summary>
public sealed class CustomProviderPackageSnippet
{
    [Fact]
    public async Task AddAcmeProvider_FromConfiguration_BindsTheOptionsAndReconcilesThroughTheProvider()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Acme:ApiUrl"] = "http://127.0.0.1:8080",
            ["Acme:Zones:0"] = "acme.example",
        }).Build();
        var services = new ServiceCollection();
        services.AddDnsReconciler()
            .AddAcmeProvider(configuration.GetSection("Acme"))
            .AddTxtRegistry(o => o.OwnerId = "acme-doc")
            .AddProgrammaticSource();
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<Ccx.Dns.Sources.Programmatic.ProgrammaticEndpointSource>().ReplaceAll(
            [new Ccx.Dns.Endpoints.DnsEndpoint("db.acme.example", Ccx.Dns.Endpoints.RecordType.A, "192.0.2.10")]);

        var result = await provider.GetRequiredService<Ccx.Dns.Reconciliation.DnsReconciler>().RunOnceAsync();

        var acme = Assert.IsType<AcmeDnsProvider>(provider.GetRequiredService<Ccx.Dns.Providers.IDnsProvider>());
        Assert.Equal("http://127.0.0.1:8080", provider.GetRequiredService<IOptions<AcmeOptions>>().Value.ApiUrl);
        Assert.True(result.Applied, result.ToString());
        var records = await acme.GetRecordsAsync();
        Assert.Contains(records, r => r.DnsName == "db.acme.example" && r.Targets.SequenceEqual(["192.0.2.10"]));
        Assert.Contains(records, r => r.DnsName == "a-db.acme.example" && r.RecordType == Ccx.Dns.Endpoints.RecordType.TXT);
    }

    [Fact]
    public async Task AddAcmeProvider_InvalidOptions_StopTheHostWithEveryError()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new());
        builder.Services.AddDnsReconciler().AddAcmeProvider(o => o.ApiUrl = "not a url").AddNoopRegistry();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("ApiUrl must be an absolute URL.", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Zones must name at least one zone.", StringComparison.Ordinal));
    }

    [Fact]
    public void AddAcmeProvider_AfterAnotherProvider_KeepsTheFirstAndRegistersOneValidator()
    {
        var services = new ServiceCollection();
        var first = new Ccx.Dns.Providers.InMemory.InMemoryDnsProvider(["first.example"]);
        services.AddSingleton<Ccx.Dns.Providers.IDnsProvider>(first);
        var builder = services.AddDnsReconciler();

        builder.AddAcmeProvider(o => o.Zones.Add("acme.example")).AddAcmeProvider(o => o.ApiUrl = "http://127.0.0.1:8080");
        using var provider = services.BuildServiceProvider();

        Assert.Same(first, provider.GetRequiredService<Ccx.Dns.Providers.IDnsProvider>());
        Assert.Single(provider.GetServices<IValidateOptions<AcmeOptions>>());
        var options = provider.GetRequiredService<IOptions<AcmeOptions>>().Value; // both configurations apply
        Assert.Equal("http://127.0.0.1:8080", options.ApiUrl);
        Assert.Equal(["acme.example"], options.Zones);
    }
}
