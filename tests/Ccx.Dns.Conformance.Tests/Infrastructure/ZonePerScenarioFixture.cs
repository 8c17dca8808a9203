using System.Collections.Concurrent;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>
/// One real server for a provider's conformance runs; each scenario gets its own zone and provider, and every
/// provider and the server are disposed at the end.
/// </summary>
public abstract class ZonePerScenarioFixture<TServer, TProvider> : ServerFixture<TServer>
    where TServer : class, IAsyncDisposable
    where TProvider : IDisposable
{
    private readonly ConcurrentBag<TProvider> _providers = [];

    public async Task<TProvider> CreateZoneAndProviderAsync(string zone, CancellationToken cancellationToken)
    {
        var provider = await CreateZoneAndProviderCoreAsync(zone, cancellationToken);
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

    protected abstract Task<TProvider> CreateZoneAndProviderCoreAsync(string zone, CancellationToken cancellationToken);
}
