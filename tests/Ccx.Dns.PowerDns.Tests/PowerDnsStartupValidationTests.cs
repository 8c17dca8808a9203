using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>A host configured from configuration with three bad settings in three option classes: one start, every error.</summary>
public sealed class PowerDnsStartupValidationTests
{
    [Fact]
    public async Task StartAsync_ThreeBadSettingsInThreeClasses_OneExceptionNamesEachByPath()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dns:Policy"] = "upsert",
            ["Txt:Prefix"] = "own er",
            ["PowerDns:ApiUrl"] = "http://127.0.0.1:8081",
        });
        builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"))
            .AddPowerDnsProvider(builder.Configuration.GetSection("PowerDns"))
            .AddTxtRegistry(builder.Configuration.GetSection("Txt"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("PowerDns:ApiKey (PowerDnsProviderOptions.ApiKey) is required.", ex.Failures);
        Assert.Contains(ex.Failures, f => f.StartsWith("Dns:Policy (DnsReconcilerOptions.Policy) 'upsert' is not one of", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Txt:Prefix (TxtRegistryOptions.Prefix) 'own er' may only contain", StringComparison.Ordinal));
        Assert.Equal(3, ex.Failures.Count());
    }
}
