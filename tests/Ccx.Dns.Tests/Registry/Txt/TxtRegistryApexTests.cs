using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.InMemory;
using static Ccx.Dns.Tests.Registry.Txt.TxtRegistryTestKit;

namespace Ccx.Dns.Tests.Registry.Txt;

public sealed class TxtRegistryApexTests
{
    [Fact]
    public async Task ApplyChangesAsync_ApexRecordWithDefaultNaming_IsRejectedAndTheRestApplied()
    {
        var provider = new InMemoryDnsProvider([Zone], new DomainFilter([Zone]));
        var registry = CreateRegistry(provider);

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A("example.org", "10.0.0.1"), A("www.example.org", "10.0.0.2")] });

        var rejected = Assert.Single(result.Rejected);
        Assert.Equal("example.org", rejected.Endpoint.DnsName);
        Assert.Contains("a-example.org would lie outside the provider's zones", rejected.Reason, StringComparison.Ordinal);
        Assert.Null(FindInZone(provider, "example.org", RecordType.A));
        Assert.NotNull(FindInZone(provider, "www.example.org", RecordType.A));
        Assert.NotNull(FindInZone(provider, "a-www.example.org", RecordType.TXT));
    }

    [Fact]
    public async Task ApplyChangesAsync_ApexRecordWithTemplatedDottedPrefix_IsCreatedWithItsOwnership()
    {
        var provider = new InMemoryDnsProvider([Zone], new DomainFilter([Zone]));
        var registry = CreateRegistry(provider, o => o.Prefix = "%{record_type}-owner.");

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A("example.org", "10.0.0.1")] });

        Assert.Empty(result.Rejected);
        Assert.NotNull(FindInZone(provider, "example.org", RecordType.A));
        Assert.NotNull(FindInZone(provider, "a-owner.example.org", RecordType.TXT));
    }
}
