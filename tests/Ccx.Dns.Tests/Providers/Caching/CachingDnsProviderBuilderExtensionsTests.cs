using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Registry;
using Ccx.Dns.Tests.TestDoubles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.Providers.Caching;

public sealed class CachingDnsProviderBuilderExtensionsTests
{
    private static (ServiceCollection Services, IDnsReconcilerBuilder Builder, InMemoryDnsProvider Provider) Create()
    {
        var services = new ServiceCollection();
        var provider = new InMemoryDnsProvider(["example.org"]);
        services.AddSingleton<IDnsProvider>(provider);
        return (services, new TestReconcilerBuilder(services), provider);
    }

    [Fact]
    public async Task AddCaching_WrapsTheRegisteredProviderOnceForTheRegistryToo()
    {
        var (services, builder, provider) = Create();
        builder.AddCaching(o => o.CacheDuration = TimeSpan.FromMinutes(3)).AddCaching().AddTxtRegistry();
        using var sp = services.BuildServiceProvider();

        var cache = Assert.IsType<CachingDnsProvider>(sp.GetRequiredService<IDnsProvider>());
        Assert.Same(provider, cache.Inner);
        var registry = sp.GetRequiredService<IRegistry>();
        await registry.GetRecordsAsync();
        await registry.GetRecordsAsync();
        Assert.Equal(1, provider.ReadCount);
        Assert.Equal(TimeSpan.FromMinutes(3), sp.GetRequiredService<IOptions<CachingDnsProviderOptions>>().Value.CacheDuration);
    }

    [Fact]
    public void AddCaching_ProviderRegisteredByType_IsBuiltAndWrapped()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new ZoneList(["example.org"]));
        services.AddSingleton<IDnsProvider, TypedProvider>();
        new TestReconcilerBuilder(services).AddCaching(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CacheDuration"] = "00:00:30" }).Build());
        using var sp = services.BuildServiceProvider();

        var cache = Assert.IsType<CachingDnsProvider>(sp.GetRequiredService<IDnsProvider>());

        Assert.IsType<TypedProvider>(cache.Inner);
        Assert.Same(cache, sp.GetRequiredService<IDnsProvider>());
    }

    [Fact]
    public void AddCaching_WithoutProvider_Throws()
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<InvalidOperationException>(() => new TestReconcilerBuilder(services).AddCaching());

        Assert.Contains("register a provider", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCaching_NegativeDuration_FailsStartupValidation()
    {
        var (services, builder, _) = Create();
        builder.AddCaching(o => o.CacheDuration = TimeSpan.FromSeconds(-5));
        using var sp = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IStartupValidator>().Validate());
    }

    public sealed record ZoneList(string[] Zones);

    public sealed class TypedProvider(ZoneList zones) : IDnsProvider
    {
        private readonly InMemoryDnsProvider _inner = new(zones.Zones);

        public DomainFilter DomainFilter => _inner.DomainFilter;

        public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) => _inner.GetRecordsAsync(cancellationToken);

        public Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default) => _inner.ApplyChangesAsync(changes, cancellationToken);

        public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => endpoints;
    }
}
