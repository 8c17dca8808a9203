using Ccx.Dns.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Route53.Tests;

public sealed class Route53DnsReconcilerBuilderExtensionsTests
{
    private sealed class Builder(IServiceCollection services) : IDnsReconcilerBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    [Fact]
    public void AddRoute53Provider_Action_RegistersProviderOnceWithOptions()
    {
        var services = new ServiceCollection();
        var builder = new Builder(services);

        builder.AddRoute53Provider(o => { o.DomainFilter.Add("example.com"); o.Endpoint = new Uri("http://127.0.0.1:1"); })
            .AddRoute53Provider(o => o.ZoneType = Route53ZoneType.Private);
        using var provider = services.BuildServiceProvider();

        var dns = Assert.IsType<Route53Provider>(provider.GetRequiredService<IDnsProvider>());
        Assert.Same(dns, provider.GetRequiredService<IDnsProvider>());
        Assert.Single(services, d => d.ServiceType == typeof(IDnsProvider));
        Assert.Single(services, d => d.ImplementationType == typeof(Route53ProviderOptionsValidator));
        var options = provider.GetRequiredService<IOptions<Route53ProviderOptions>>().Value;
        Assert.Equal(Route53ZoneType.Private, options.ZoneType);
        Assert.True(dns.DomainFilter.Match("www.example.com"));
        Assert.False(dns.DomainFilter.Match("www.example.org"));
    }

    [Fact]
    public void AddDnsReconciler_Route53ChosenByName_SharesTheDomainFilterAndReadsGoDurations()
    {
        // Configuration-only set-up finds the provider and its options class by name (Ccx.Dns.Route53.Route53ProviderOptions).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dns:Provider"] = "aws",
            ["Dns:Registry"] = "Noop",
            ["Dns:DomainFilter:0"] = "example.com",
            ["Dns:Route53:Endpoint"] = "http://127.0.0.1:1",
            ["Dns:Route53:ZonesCacheDuration"] = "5m",
        }).Build();
        var services = new ServiceCollection();

        services.AddDnsReconciler(configuration.GetSection("Dns"));
        using var provider = services.BuildServiceProvider();

        var dns = Assert.IsType<Route53Provider>(provider.GetRequiredService<IDnsProvider>());
        var options = provider.GetRequiredService<IOptions<Route53ProviderOptions>>().Value;
        Assert.Equal(["example.com"], options.DomainFilter);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ZonesCacheDuration);
        Assert.True(dns.DomainFilter.Match("www.example.com"));
        Assert.False(dns.DomainFilter.Match("www.example.org"));
    }

    [Fact]
    public void AddRoute53Provider_Configuration_BindsEveryKind()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoint"] = "http://127.0.0.1:4566",
            ["ZoneType"] = "Public",
            ["DomainFilter:0"] = "example.com",
            ["ZoneTags:0"] = "env=prod",
            ["ZonesCacheDuration"] = "00:05:00",
            ["MaxChangesPerBatch"] = "500",
            ["CanonicalHostedZones:elb.example.net"] = "ZEXAMPLE",
        }).Build();
        var services = new ServiceCollection();

        new Builder(services).AddRoute53Provider(configuration);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<Route53ProviderOptions>>().Value;

        Assert.Equal(new Uri("http://127.0.0.1:4566"), options.Endpoint);
        Assert.Equal(Route53ZoneType.Public, options.ZoneType);
        Assert.Equal(["example.com"], options.DomainFilter);
        Assert.Equal(["env=prod"], options.ZoneTags);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ZonesCacheDuration);
        Assert.Equal(500, options.MaxChangesPerBatch);
        Assert.Equal("ZEXAMPLE", options.CanonicalHostedZones["elb.example.net"]);
    }

    [Fact]
    public void AddRoute53Provider_InvalidOptions_FailValidationOnStart()
    {
        var services = new ServiceCollection();
        new Builder(services).AddRoute53Provider(o => { o.MaxAttempts = 0; o.RequestsPerSecond = -1; });
        using var provider = services.BuildServiceProvider();

        var validator = provider.GetRequiredService<IStartupValidator>();
        var error = Assert.Throws<OptionsValidationException>(validator.Validate);

        Assert.Contains(error.Failures, f => f.Contains("MaxAttempts", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("RequestsPerSecond", StringComparison.Ordinal));
    }
}
