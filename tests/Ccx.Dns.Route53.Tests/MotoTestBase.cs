using Ccx.Dns.Endpoints;
using Ccx.Dns.Route53.Tests.Infrastructure;

namespace Ccx.Dns.Route53.Tests;

/// <summary>Integration tests against moto_server behind the Route 53 rule proxy: state is reset before every test.</summary>
[Collection(MotoServerGroup.Name)]
[Trait("Category", "Integration")]
public abstract class MotoTestBase : IAsyncLifetime, IDisposable
{
    protected MotoTestBase(MotoServerFixture moto)
    {
        Moto = moto;
        Providers = new TestProviders(moto.Proxy.Endpoint);
    }

    protected MotoServerFixture Moto { get; }

    protected TestProviders Providers { get; }

    public Task InitializeAsync() => Moto.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Assert.Equal(0, Providers.Signatures.Mismatches);
        Assert.Empty(Moto.Proxy.ProxyErrors);
        Assert.DoesNotContain(Moto.Proxy.Batches, b => b.Outcome == Ccx.Dns.TestServers.Route53BatchOutcome.RefusedUpstream);
        foreach (var line in Providers.Logs.Lines)
        {
            Assert.DoesNotContain(TestProviders.AccessKey, line, StringComparison.Ordinal);
            Assert.DoesNotContain(TestProviders.SecretKey, line, StringComparison.Ordinal);
        }

        Providers.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static DnsEndpoint A(string name, params string[] ips) => new(name, RecordType.A, ips) { Ttl = 300 };

    protected static Dictionary<EndpointKey, DnsEndpoint> ByKey(IEnumerable<DnsEndpoint> endpoints) => endpoints.ToDictionary(e => e.Key);
}
