using Ccx.Dns.DependencyInjection;
using Ccx.Dns.Registry.Txt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.DependencyInjection;

/// <summary>Every configuration error of every options class is reported at start, at once, each with its configuration path.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task StartAsync_BadSettingsInThreeOptionClasses_OneExceptionListsEveryErrorWithItsPath()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dns:Interval"] = "00:00:00",
            ["Dns:Guard:MaxDeletePercent"] = "130",
            ["Txt:OwnerId"] = "a,b",
            ["Memory:Zones:0"] = "bad..zone",
        });
        builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"))
            .AddInMemoryProvider(builder.Configuration.GetSection("Memory"))
            .AddTxtRegistry(builder.Configuration.GetSection("Txt"))
            .AddDatastoreNamingSource();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Dns:Interval (DnsReconcilerOptions.Interval) must be positive (was 00:00:00).", ex.Failures);
        Assert.Contains("Dns:Guard:MaxDeletePercent (DnsReconcilerOptions.Guard.MaxDeletePercent) must be between 0 and 100 (was 130).", ex.Failures);
        Assert.Contains("Txt:OwnerId (TxtRegistryOptions.OwnerId) 'a,b' must not contain ',' or '\"'", ex.Failures);
        Assert.Contains(ex.Failures, f => f.StartsWith("Memory:Zones (InMemoryDnsProviderOptions.Zones) contains 'bad..zone'", StringComparison.Ordinal));
        Assert.Equal(4, ex.Failures.Count());
    }

    [Fact]
    public async Task StartAsync_OptionsSetInCode_ErrorsNameTheClassAndOption()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDnsReconciler(o => o.MaxRetryDelay = TimeSpan.Zero)
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddTxtRegistry(o => o.OwnerId = " ");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith("DnsReconcilerOptions.MaxRetryDelay (00:00:00) must not be less than", StringComparison.Ordinal));
        Assert.Contains("TxtRegistryOptions.OwnerId must be set (the TXT registry needs an owner id)", ex.Failures);
    }

    [Fact]
    public async Task StartAsync_UnconvertibleValue_ReportedWithTheOtherErrors()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Dns:Interval"] = "soon", ["Txt:OwnerId"] = "" });
        builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"))
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddTxtRegistry(builder.Configuration.GetSection("Txt"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.Contains("'Dns:Interval'", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Txt:OwnerId (TxtRegistryOptions.OwnerId) must be set", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OwnerId must be set", "Txt", "Txt:OwnerId (TxtRegistryOptions.OwnerId) must be set")]
    [InlineData("TxtRegistryOptions.Prefix and Suffix are mutually exclusive", "Txt", "Txt:Prefix (TxtRegistryOptions.Prefix) and Suffix are mutually exclusive")]
    [InlineData("ApiKey is required.", "Txt", "Txt (TxtRegistryOptions): ApiKey is required.")] // not a property of the class: no invented path
    [InlineData("OwnerId must be set", null, "TxtRegistryOptions.OwnerId must be set")]
    public void Describe_NamesThePathAndTheOption(string failure, string? path, string expected) =>
        Assert.Equal(expected, DnsOptionsValidation.Describe(typeof(TxtRegistryOptions), path, failure));
}
