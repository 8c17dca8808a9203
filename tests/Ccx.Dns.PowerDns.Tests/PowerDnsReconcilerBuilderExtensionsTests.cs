using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.PowerDns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.PowerDns.Tests;

public sealed class PowerDnsReconcilerBuilderExtensionsTests
{
    private sealed class TestBuilder(IServiceCollection services) : IDnsReconcilerBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    [Fact]
    public void AddPowerDnsProvider_Action_RegistersProviderAsIDnsProvider()
    {
        var services = new ServiceCollection();
        new TestBuilder(services).AddPowerDnsProvider(o =>
        {
            o.ApiUrl = "http://127.0.0.1:8081";
            o.ApiKey = "k";
            o.IncludeDomains.Add("example.org");
        });

        using var provider = services.BuildServiceProvider();
        var dns = provider.GetRequiredService<IDnsProvider>();

        var powerDns = Assert.IsType<PowerDnsProvider>(dns);
        Assert.Same(powerDns, provider.GetRequiredService<PowerDnsProvider>());
        Assert.True(dns.DomainFilter.Match("www.example.org"));
        Assert.False(dns.DomainFilter.Match("www.example.com"));
    }

    [Fact]
    public void AddPowerDnsProvider_ConfigurationSection_BindsEverySetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PowerDns:ApiUrl"] = "http://127.0.0.1:8081/prefix",
            ["PowerDns:ApiKey"] = "k",
            ["PowerDns:ServerId"] = "other",
            ["PowerDns:DefaultTtl"] = "60",
            ["PowerDns:Timeout"] = "00:00:05",
            ["PowerDns:IncludeDomains:0"] = "example.org",
            ["PowerDns:ExcludeDomains:0"] = "internal.example.org",
        }).Build();
        var services = new ServiceCollection();
        new TestBuilder(services).AddPowerDnsProvider(configuration.GetSection("PowerDns"));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<PowerDnsProviderOptions>>().Value;

        Assert.Equal("http://127.0.0.1:8081/prefix", options.ApiUrl);
        Assert.Equal("other", options.ServerId);
        Assert.Equal(60, options.DefaultTtl);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);
        Assert.Equal(["example.org"], options.IncludeDomains);
        Assert.Equal(["internal.example.org"], options.ExcludeDomains);
        var dns = provider.GetRequiredService<IDnsProvider>();
        Assert.False(dns.DomainFilter.Match("a.internal.example.org"));
        Assert.True(dns.DomainFilter.Match("a.example.org"));
    }

    [Fact]
    public void AddPowerDnsProvider_InvalidOptions_FailStartupValidationWithEveryError()
    {
        var services = new ServiceCollection();
        new TestBuilder(services).AddPowerDnsProvider(o => o.DefaultTtl = 0);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.StartsWith("ApiUrl", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("ApiKey", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("DefaultTtl", StringComparison.Ordinal));
    }

    [Fact]
    public void AddPowerDnsProvider_ProviderAlreadyRegistered_KeepsTheFirst()
    {
        var services = new ServiceCollection();
        var existing = new InMemoryDnsProvider(["other.example"]);
        services.AddSingleton<IDnsProvider>(existing);
        new TestBuilder(services).AddPowerDnsProvider(o =>
        {
            o.ApiUrl = "http://127.0.0.1:8081";
            o.ApiKey = "k";
        });

        using var provider = services.BuildServiceProvider();

        Assert.Same(existing, provider.GetRequiredService<IDnsProvider>());
    }

    [Fact]
    public void AddPowerDnsProvider_CalledTwice_RegistersOneValidatorAndOneProvider()
    {
        var services = new ServiceCollection();
        var builder = new TestBuilder(services);
        builder.AddPowerDnsProvider(o => { o.ApiUrl = "http://127.0.0.1:8081"; o.ApiKey = "k"; });
        builder.AddPowerDnsProvider(o => o.DefaultTtl = 42);

        Assert.Single(services, d => d.ServiceType == typeof(IDnsProvider));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<PowerDnsProviderOptions>));
        using var provider = services.BuildServiceProvider();
        Assert.Equal(42, provider.GetRequiredService<IOptions<PowerDnsProviderOptions>>().Value.DefaultTtl);
    }
}
