using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Rfc2136.Tests;

public sealed class Rfc2136DnsReconcilerBuilderExtensionsTests
{
    private const string Secret = "96Ah/a2g0/nLeFGK+d/0tzQcccf9hCEIy34PoXX2Qg8=";

    private sealed class Builder(IServiceCollection services) : IDnsReconcilerBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    [Fact]
    public void AddRfc2136Provider_Action_RegistersProviderAsIDnsProvider()
    {
        var services = new ServiceCollection();
        new Builder(services).AddRfc2136Provider(o =>
        {
            o.Host = "127.0.0.1";
            o.Zones.Add("example.org");
            o.TsigKeyName = "k";
            o.TsigSecret = Secret;
        });
        using var provider = services.BuildServiceProvider();

        var dns = Assert.IsType<Rfc2136DnsProvider>(provider.GetRequiredService<IDnsProvider>());

        Assert.Equal(["example.org"], dns.Zones);
        Assert.Same(dns, provider.GetRequiredService<IDnsProvider>());
    }

    [Fact]
    public void AddRfc2136Provider_ConfigurationSection_BindsEveryOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dns:Rfc2136:Host"] = "127.0.0.2",
            ["Dns:Rfc2136:Port"] = "5353",
            ["Dns:Rfc2136:Zones:0"] = "example.org",
            ["Dns:Rfc2136:Zones:1"] = "sub.example.org",
            ["Dns:Rfc2136:TsigKeyName"] = "k",
            ["Dns:Rfc2136:TsigSecret"] = Secret,
            ["Dns:Rfc2136:TsigAlgorithm"] = "hmac-sha512",
            ["Dns:Rfc2136:BatchSize"] = "20",
            ["Dns:Rfc2136:Timeout"] = "00:00:03",
            ["Dns:Rfc2136:MinTtl"] = "60",
            ["Dns:Rfc2136:DefaultTtl"] = "120",
        }).Build();
        var services = new ServiceCollection();

        new Builder(services).AddRfc2136Provider(configuration.GetSection("Dns:Rfc2136"));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<Rfc2136ProviderOptions>>().Value;

        Assert.Equal("127.0.0.2", options.Host);
        Assert.Equal(5353, options.Port);
        Assert.Equal(["example.org", "sub.example.org"], options.Zones);
        Assert.Equal("hmac-sha512", options.TsigAlgorithm);
        Assert.Equal(20, options.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.Equal(60, options.MinTtl);
        Assert.Equal(120, options.DefaultTtl);
        Assert.Equal(["sub.example.org", "example.org"], Assert.IsType<Rfc2136DnsProvider>(provider.GetRequiredService<IDnsProvider>()).Zones);
    }

    [Fact]
    public void AddRfc2136Provider_InvalidOptions_FailsAtStartWithEveryError()
    {
        var services = new ServiceCollection();
        new Builder(services).AddRfc2136Provider(o => o.BatchSize = 0);
        using var provider = services.BuildServiceProvider();

        var validator = provider.GetRequiredService<IStartupValidator>();
        var e = Assert.Throws<OptionsValidationException>(validator.Validate);

        Assert.Contains(e.Failures, f => f.Contains("Host", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Zones", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("BatchSize", StringComparison.Ordinal));
    }

    [Fact]
    public void AddRfc2136Provider_CalledTwiceOrAfterAnotherProvider_DoesNotReplace()
    {
        var services = new ServiceCollection();
        var existing = new InMemoryDnsProvider(["other.example"]);
        services.AddSingleton<IDnsProvider>(existing);
        var builder = new Builder(services);

        builder.AddRfc2136Provider(o => o.Host = "h").AddRfc2136Provider(o => o.Host = "h");
        using var provider = services.BuildServiceProvider();

        Assert.Same(existing, provider.GetRequiredService<IDnsProvider>());
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<Rfc2136ProviderOptions>));
    }
}
