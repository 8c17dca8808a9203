using System.Collections.Concurrent;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>
/// One real server for a provider's conformance runs; each scenario gets its own zone and provider, and every
/// provider and the server are disposed at the end.
/// </summary>
/// <param name="start">Starts the server.</param>
/// <param name="createZoneAndProvider">Creates a zone on the server and a provider for it.</param>
public abstract class ZonePerScenarioFixture<TServer, TProvider>(
    Func<Task<TServer>> start, Func<TServer, string, CancellationToken, Task<TProvider>> createZoneAndProvider) : ServerFixture<TServer>
    where TServer : class, IAsyncDisposable
    where TProvider : IDisposable
{
    private readonly ConcurrentBag<TProvider> _providers = [];

    public async Task<TProvider> CreateZoneAndProviderAsync(string zone, CancellationToken cancellationToken)
    {
        var provider = await createZoneAndProvider(Server, zone, cancellationToken);
        _providers.Add(provider);
        return provider;
    }

    public override async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        await base.DisposeAsync();
    }

    protected override Task<TServer> StartServerAsync() => start();
}
