using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Registry;
using Ccx.Dns.Registry.Noop;
using Ccx.Dns.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace Ccx.Dns.Tests.Registry.Noop;

public sealed class NoopRegistryBuilderExtensionsTests
{
    [Fact]
    public async Task AddNoopRegistry_RegistersTheNoopRegistryOverTheProvider()
    {
        var services = new ServiceCollection();
        var provider = new InMemoryDnsProvider(["example.org"]);
        services.AddSingleton<IDnsProvider>(provider);
        new TestReconcilerBuilder(services).AddNoopRegistry().AddNoopRegistry();
        using var sp = services.BuildServiceProvider();

        var registry = Assert.IsType<NoopRegistry>(sp.GetRequiredService<IRegistry>());
        await registry.GetRecordsAsync();

        Assert.Single(services, d => d.ServiceType == typeof(IRegistry));
        Assert.Equal(1, provider.ReadCount);
    }
}
