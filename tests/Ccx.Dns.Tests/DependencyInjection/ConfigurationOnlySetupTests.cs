using Ccx.Dns.DependencyInjection;
using Ccx.Dns.Hosting;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Sources.Programmatic;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.DependencyInjection;

/// <summary>Configuration-only set-up: provider and registry by name, one domain filter, ExternalDNS durations, run-once.</summary>
public sealed class ConfigurationOnlySetupTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Dns:" + v.Key, v.Value))).Build().GetSection("Dns");

    [Theory]
    [InlineData("500ms", 0, 0, 0, 500)]
    [InlineData("1m", 0, 1, 0, 0)]
    [InlineData("1h30m", 1, 30, 0, 0)]
    [InlineData("1.5h", 1, 30, 0, 0)]
    [InlineData("90s", 0, 1, 30, 0)]
    [InlineData("2m3.5s", 0, 2, 3, 500)]
    [InlineData("1500us", 0, 0, 0, 1.5)]
    [InlineData("0", 0, 0, 0, 0)]
    public void TryParse_GoDurations(string text, int hours, int minutes, int seconds, double milliseconds) =>
        Assert.Equal(
            (true, new TimeSpan(hours, minutes, seconds) + TimeSpan.FromMilliseconds(milliseconds)),
            (GoDurationConfiguration.TryParse(text, out var duration), duration));

    [Theory]
    [InlineData("1")]
    [InlineData("1d")]
    [InlineData("00:01:00")]
    [InlineData("m")]
    [InlineData("1 m")]
    public void TryParse_NotGoDurations(string text) => Assert.False(GoDurationConfiguration.TryParse(text, out _));

    [Fact]
    public void Durations_BothFormsBind_AndStringSettingsLookingLikeDurationsAreLeftAlone()
    {
        var services = new ServiceCollection();
        services.AddDnsReconciler(Section(("Interval", "2m"), ("MinEventSyncInterval", "00:00:00.250"), ("RegexDomainFilter", "1m"), ("Guard:MaxDeletePercent", "10")));

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<DnsReconcilerOptions>>().Value;

        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(250), "1m", 10d), (options.Interval, options.MinEventSyncInterval, options.RegexDomainFilter, options.Guard.MaxDeletePercent));
    }

    [Fact]
    public async Task ProviderAndRegistryByName_OneDomainFilter_ReconcilesWithoutCode()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDnsReconciler(Section(
            ("Provider", "inmemory"),
            ("Registry", "txt"),
            ("DomainFilter", "db.example.org, api.example.org"),
            ("Txt:OwnerId", "cp"),
            ("Caching:CacheDuration", "5m"),
            ("Sources:0", "Programmatic")));
        await using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<ProgrammaticEndpointSource>().ReplaceAll([new(
            "www.db.example.org", RecordType.A, "10.0.0.1")]);

        var result = await sp.GetRequiredService<DnsReconciler>().RunOnceAsync();

        Assert.True(result.Applied, result.ToString());
        Assert.Equal(["db.example.org", "api.example.org"], sp.GetRequiredService<IOptions<DnsReconcilerOptions>>().Value.IncludeDomains);
        Assert.Equal(["api.example.org", "db.example.org"], sp.GetRequiredService<InMemoryDnsProvider>().Zones);
        Assert.IsType<CachingDnsProvider>(sp.GetRequiredService<IDnsProvider>());
        Assert.Equal("cp", sp.GetRequiredService<IRegistry>().OwnerId);
    }

    [Fact]
    public void UnknownProviderOrRegistry_ClearErrorWithThePathAndTheNames()
    {
        var provider = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddDnsReconciler(Section(("Provider", "Bind"))));
        var registry = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddDnsReconciler(Section(("Registry", "Etcd"))));

        Assert.Equal("Dns:Provider 'Bind' is not one of: InMemory, PowerDns, Route53, Rfc2136", Assert.Single(provider.Failures));
        Assert.Equal("Dns:Registry 'Etcd' is not one of: Txt, Noop, DynamoDb", Assert.Single(registry.Failures));
    }

    [Fact]
    public void ProviderFromAPackageNotReferenced_SaysWhichPackageToAdd()
    {
        // This test project references Ccx.Dns only.
        var ex = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddDnsReconciler(Section(("Provider", "aws"))));

        Assert.Equal("Dns:Provider 'Route53' needs the package Ccx.Dns.Route53: dotnet add package Ccx.Dns.Route53", Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task RunOnce_FailingReconcile_ExitCodeOneAndTheLoopDoesNotRun()
    {
        var exitCode = Environment.ExitCode;
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            OwnerLabelRegistry? registry = null;
            builder.Services.AddDnsReconciler(Section(("Provider", "InMemory"), ("DomainFilter:0", "example.org"), ("Once", "true")));
            builder.Services.AddSingleton<IRegistry>(sp =>
            {
                registry = new OwnerLabelRegistry(sp.GetRequiredService<IDnsProvider>());
                registry.FailNextReads(new DnsProviderException("zone unreachable", isTransient: true));
                return registry;
            });
            using var host = builder.Build();
            var outcome = host.Services.GetRequiredService<DnsRunOnceOutcome>();

            await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal((1, 1), (outcome.ExitCode, Environment.ExitCode));
            Assert.Equal(ReconcileOutcome.Failed, outcome.Result!.Outcome);
            Assert.Equal(1, registry!.ReadCount); // one reconcile, no retry, no loop
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }
}
