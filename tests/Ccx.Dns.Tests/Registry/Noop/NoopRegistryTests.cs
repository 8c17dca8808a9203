using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Registry.Noop;

namespace Ccx.Dns.Tests.Registry.Noop;

public sealed class NoopRegistryTests
{
    [Fact]
    public async Task GetRecordsAsync_ReturnsProviderRecordsUnchangedIncludingOwnershipTxt()
    {
        var provider = new InMemoryDnsProvider(["example.org"]);
        await provider.ApplyChangesAsync(new DnsChanges
        {
            Create =
            [
                new DnsEndpoint("foo.example.org", RecordType.A, "1.2.3.4"),
                new DnsEndpoint("a-foo.example.org", RecordType.TXT, "\"heritage=external-dns,external-dns/owner=x\""),
            ],
        });
        var registry = new NoopRegistry(provider);

        var records = await registry.GetRecordsAsync();

        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Empty(r.Labels));
        Assert.Equal(string.Empty, registry.OwnerId);
    }

    [Fact]
    public async Task ApplyChangesAsync_ForwardsEverythingWithoutOwnershipRecords()
    {
        var provider = new InMemoryDnsProvider(["example.org"]);
        var registry = new NoopRegistry(provider);
        var changes = new DnsChanges { Create = [new DnsEndpoint("foo.example.org", RecordType.A, "1.2.3.4")] };

        var result = await registry.ApplyChangesAsync(changes);

        Assert.Same(changes, result.Applied);
        Assert.Empty(result.Rejected);
        Assert.Single(provider.GetZoneRecords("example.org"));
        Assert.Equal(1, provider.ApplyCount);
    }

    [Fact]
    public void DomainFilter_IsTheProviders()
    {
        var filter = new DomainFilter(["example.org"]);

        Assert.Same(filter, new NoopRegistry(new InMemoryDnsProvider(["example.org"], filter)).DomainFilter);
    }
}
