using Ccx.Dns.Endpoints;
using Ccx.Dns.Sources.Programmatic;

namespace Ccx.Dns.Tests.Sources;

public sealed class ProgrammaticEndpointSourceTests
{
    private static DnsEndpoint A(string name, string ip) => new($"{name}.example.org", RecordType.A, ip);

    [Fact]
    public async Task UpsertRemoveReplaceAll_MaintainOneEndpointPerKeyAndSignalChanges()
    {
        var source = new ProgrammaticEndpointSource();
        var raised = 0;
        source.Changed += (_, _) => raised++;

        Assert.True(source.Upsert(A("b", "10.0.0.1")));
        Assert.True(source.Upsert(A("a", "10.0.0.1")));
        Assert.False(source.Upsert(A("a", "10.0.0.1"))); // unchanged
        Assert.True(source.Upsert(A("A", "10.0.0.2"))); // same key, new target
        Assert.True(source.Remove(new EndpointKey("b.example.org", RecordType.A)));
        Assert.False(source.Remove(new EndpointKey("b.example.org", RecordType.A)));

        Assert.Equal(["a.example.org 10.0.0.2"], (await source.GetEndpointsAsync()).Select(e => $"{e.DnsName.ToLowerInvariant()} {e.Targets[0]}"));
        Assert.True(source.ReplaceAll([A("c", "10.0.0.3"), A("d", "10.0.0.4")]));
        Assert.False(source.ReplaceAll([A("d", "10.0.0.4"), A("c", "10.0.0.3")]));
        Assert.Equal(["c.example.org", "d.example.org"], source.Endpoints.Select(e => e.DnsName));
        Assert.True(source.Clear());
        Assert.False(source.Clear());
        Assert.Equal(6, raised);
    }

    [Fact]
    public async Task Upsert_ConcurrentWriters_LoseNothing()
    {
        var source = new ProgrammaticEndpointSource();

        await Parallel.ForAsync(0, 500, (i, _) =>
        {
            source.Upsert(A($"host{i}", "10.0.0.1"));
            return ValueTask.CompletedTask;
        });

        Assert.Equal(500, (await source.GetEndpointsAsync()).Count);
    }
}
