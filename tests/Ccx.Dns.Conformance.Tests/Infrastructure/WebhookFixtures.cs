using System.Collections.Concurrent;
using Ccx.Dns.Providers;
using Ccx.Dns.Webhook;
using Ccx.Dns.Testing;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>
/// The webhook path for one scenario: a real provider served by Ccx.Dns's webhook server on a real Kestrel listener on
/// loopback, and the webhook client pointed at it. Each test owns one and disposes it (and so its servers) when it ends.
/// </summary>
public sealed class WebhookPaths : IAsyncDisposable
{
    private readonly ConcurrentBag<IAsyncDisposable> _hosts = [];
    private readonly ConcurrentBag<IDisposable> _disposables = [];

    /// <summary>Disposes <paramref name="provider"/> with the paths.</summary>
    public T Own<T>(T provider)
        where T : IDisposable
    {
        _disposables.Add(provider);
        return provider;
    }

    /// <summary>Serves <paramref name="provider"/> over the protocol and returns a client of it.</summary>
    public async Task<ExternalDnsWebhookProvider> ServeAsync(IDnsProvider provider)
    {
        var host = await WebhookServerHost.StartAsync(provider);
        _hosts.Add(host);
        var client = new ExternalDnsWebhookProvider(host.ClientOptions());
        _disposables.Add(client);
        await client.NegotiateAsync();
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}

/// <summary>One real pdns_server for the webhook runs; each scenario gets its own zone, webhook server and client.</summary>
public sealed class WebhookPowerDnsFixture : IAsyncLifetime
{
    private readonly PowerDnsFixture _pdns = new();

    public PowerDnsServer Server => _pdns.Server;

    public async Task<ExternalDnsWebhookProvider> CreateZoneAndClientAsync(WebhookPaths paths, string zone, CancellationToken cancellationToken) =>
        await paths.ServeAsync(await _pdns.CreateZoneAndProviderAsync(zone, cancellationToken));

    public Task InitializeAsync() => _pdns.InitializeAsync();

    public Task DisposeAsync() => _pdns.DisposeAsync();
}

/// <summary>One real BIND serving a zone per scenario and mode, behind the webhook server.</summary>
public sealed class WebhookBindFixture : ServerFixture<Rfc2136Server>
{
    public const string Suffix = "webhook.rfc2136.test";

    public static string ZoneFor(ConformanceScenario scenario, ConformanceReconcileMode mode) => Rfc2136Fixture.ZoneFor(scenario, mode, Suffix);

    public Task<ExternalDnsWebhookProvider> CreateClientAsync(WebhookPaths paths, string zone) => paths.ServeAsync(Server.CreateProvider(zone));

    protected override Task<Rfc2136Server> StartServerAsync() => Rfc2136Server.StartAsync(Rfc2136ServerKind.Bind, Rfc2136Fixture.ScenarioZones(Suffix));
}

[CollectionDefinition(Name)]
public sealed class WebhookPowerDnsServerGroup : ICollectionFixture<WebhookPowerDnsFixture>
{
    public const string Name = "conformance: webhook → PowerDNS";
}

[CollectionDefinition(Name)]
public sealed class WebhookBindServerGroup : ICollectionFixture<WebhookBindFixture>
{
    public const string Name = "conformance: webhook → BIND";
}
