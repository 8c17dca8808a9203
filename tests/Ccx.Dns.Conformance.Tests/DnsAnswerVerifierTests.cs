using Ccx.Dns.Conformance.Tests.Infrastructure;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Testing;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>The real-DNS check used after each step must fail when the server's answers differ from the desired state.</summary>
[Trait("Category", "Integration")]
public sealed class DnsAnswerVerifierTests
{
    private const string Zone = "verifier.test";

    [Fact]
    public async Task VerifyAsync_ExpectedRecordMissingOrDifferent_ThrowsNamingIt()
    {
        await using var server = await BindServer.StartAsync([Zone]);
        var verifier = new DnsAnswerVerifier(server.Query(), static t => t);
        var zone = new ConformanceZone(Zone);

        // ns1 A 127.0.0.1 exists in the zone file; www does not.
        var present = zone.Record("ns1", RecordType.A, "127.0.0.1");
        await verifier.VerifyAsync(Context(zone, server, [present], []), CancellationToken.None);
        Assert.Equal(1, verifier.Queries);

        var wrong = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            verifier.VerifyAsync(Context(zone, server, [zone.Record("ns1", RecordType.A, "127.0.0.2")], []), CancellationToken.None));
        Assert.Contains("ns1.verifier.test A: DNS answers [127.0.0.1], want [127.0.0.2]", wrong.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            verifier.VerifyAsync(Context(zone, server, [zone.Record("www", RecordType.A, "192.0.2.1")], []), CancellationToken.None));
        Assert.Contains("www.verifier.test A: no answer", missing.Message, StringComparison.Ordinal);

        var notDeleted = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            verifier.VerifyAsync(Context(zone, server, [], [new EndpointKey(zone.Fqdn("ns1"), RecordType.A)]), CancellationToken.None));
        Assert.Contains("still answers [127.0.0.1] after deletion", notDeleted.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"plain\"", "plain")]
    [InlineData("\"say \\\"hi\\\" to C:\\\\dir\"", "say \"hi\" to C:\\dir")]
    [InlineData("\"h\\195\\169llo\"", "héllo")]
    [InlineData("\"part one\" \"part two\"", "part onepart two")]
    [InlineData("unquoted", "unquoted")]
    public void UnquotePresentation_PowerDnsTxtContent_GivesWireText(string presentation, string expected) =>
        Assert.Equal(expected, DnsAnswerVerifier.UnquotePresentation(presentation));

    private static ConformanceStepContext Context(ConformanceZone zone, BindServer server, IReadOnlyList<DnsEndpoint> expected, IReadOnlyList<EndpointKey> removed) =>
        new(ConformanceScenarios.Get("a-create"), 0, zone, server.CreateProvider(Zone), expected, removed, []);
}
