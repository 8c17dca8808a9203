using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Registry;
using Ccx.Dns.Registry.Noop;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Tests.TestDoubles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.Registry.Txt;

public sealed class TxtRegistryBuilderExtensionsTests
{
    private static (ServiceCollection Services, IDnsReconcilerBuilder Builder, InMemoryDnsProvider Provider) Create()
    {
        var services = new ServiceCollection();
        var provider = new InMemoryDnsProvider(["example.org"]);
        services.AddSingleton<IDnsProvider>(provider);
        return (services, new TestReconcilerBuilder(services), provider);
    }

    [Fact]
    public async Task AddTxtRegistry_WithConfigureAction_RegistersTheTxtRegistryWithItsOptions()
    {
        var (services, builder, provider) = Create();
        builder.AddTxtRegistry(o => { o.OwnerId = "cluster-1"; o.Prefix = "txt."; });
        using var sp = services.BuildServiceProvider();

        var registry = Assert.IsType<TxtRegistry>(sp.GetRequiredService<IRegistry>());
        await registry.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint("foo.example.org", RecordType.A, "1.2.3.4")] });

        Assert.Equal("cluster-1", registry.OwnerId);
        Assert.NotNull(provider.GetZoneRecords("example.org").SingleOrDefault(r => r.DnsName == "txt.a-foo.example.org"));
    }

    [Fact]
    public void AddTxtRegistry_WithConfiguration_BindsOptions()
    {
        var (services, builder, _) = Create();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OwnerId"] = "from-config",
            ["Suffix"] = "-%{record_type}",
            ["CacheInterval"] = "00:02:00",
            ["ManagedRecordTypes:0"] = "A",
            ["ManagedRecordTypes:1"] = "MX",
        }).Build();
        builder.AddTxtRegistry(configuration);
        using var sp = services.BuildServiceProvider();

        var options = sp.GetRequiredService<IOptions<TxtRegistryOptions>>().Value;

        Assert.Equal("from-config", options.OwnerId);
        Assert.Equal("-%{record_type}", options.Suffix);
        Assert.Equal(TimeSpan.FromMinutes(2), options.CacheInterval);
        Assert.Equal(["A", "AAAA", "CNAME", "A", "MX"], options.ManagedRecordTypes); // binding appends to the defaults
        Assert.Equal("-%{record_type}", Assert.IsType<TxtRegistry>(sp.GetRequiredService<IRegistry>()).NameMapper.Suffix);
    }

    [Fact]
    public void AddTxtRegistry_InvalidOptions_FailStartupValidation()
    {
        var (services, builder, _) = Create();
        builder.AddTxtRegistry(o => { o.Prefix = "p."; o.Suffix = ".s"; });
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("mutually exclusive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTxtRegistry_RegistryAlreadyRegistered_KeepsTheFirst()
    {
        var (services, builder, _) = Create();
        builder.AddNoopRegistry().AddTxtRegistry();
        using var sp = services.BuildServiceProvider();

        Assert.IsType<NoopRegistry>(sp.GetRequiredService<IRegistry>());
    }
}
