using Ccx.Dns.Testing;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>One real BIND serving one zone per conformance scenario (zones must exist before named starts).</summary>
public sealed class BindFixture : IAsyncLifetime
{
    public const string Suffix = "bind.test";

    public BindServer Server { get; private set; } = null!;

    public static string ZoneFor(ConformanceScenario scenario) => scenario.Name + "." + Suffix;

    public async Task InitializeAsync() =>
        Server = await BindServer.StartAsync([.. ConformanceScenarios.All.Select(ZoneFor)]);

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BindServerGroup : ICollectionFixture<BindFixture>
{
    public const string Name = "conformance: BIND";
}
