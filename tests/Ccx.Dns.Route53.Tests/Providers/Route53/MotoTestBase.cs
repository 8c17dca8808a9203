using Ccx.Dns.Endpoints;
using Ccx.Dns.Route53.Tests.Infrastructure;

namespace Ccx.Dns.Route53.Tests.Providers.Route53;

/// <summary>Integration tests against moto_server: state is reset before every test.</summary>
[Collection(MotoServerGroup.Name)]
[Trait("Category", "Integration")]
public abstract class MotoTestBase : IAsyncLifetime, IDisposable
{
    protected MotoTestBase(MotoServerFixture moto)
    {
        Moto = moto;
        Providers = new TestProviders(moto.Endpoint);
    }

    protected MotoServerFixture Moto { get; }

    protected TestProviders Providers { get; }

    public Task InitializeAsync() => Moto.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Assert.Equal(0, Providers.Signatures.Mismatches);
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
