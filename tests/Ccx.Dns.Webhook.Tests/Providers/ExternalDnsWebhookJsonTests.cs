using System.Buffers;
using System.Text;
using System.Text.Json;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.Webhook;

namespace Ccx.Dns.Webhook.Tests.Providers;

/// <summary>The protocol's JSON bodies, as ExternalDNS (Go) writes and reads them.</summary>
public sealed class ExternalDnsWebhookJsonTests
{
    private static string Write(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void ReadEndpoints_AnyKeyCaseEscapesAndNulls_ReadAsGoDoes()
    {
        var json = """
            [{"DNSName":"a.example.org","TARGETS":["192.0.2.1"],"RecordType":"a","recordTTL":30,"setIdentifier":null,
              "labels":{"owner":"x"},"ProviderSpecific":[{"Name":"alias","VALUE":"true"}],"unknown":{"deep":[1,2]}},
             {"dns\u004Eame":"b.example.org","targets":[],"recordType":"TYPE65534"}]
            """;

        var endpoints = ExternalDnsWebhookJson.ReadEndpoints(Encoding.UTF8.GetBytes(json));

        Assert.Equal(new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1")
        {
            Ttl = 30,
            Labels = new Dictionary<string, string> { ["owner"] = "x" },
            ProviderSpecific = [new("alias", "true")],
        }, endpoints[0]);
        Assert.Equal("b.example.org", endpoints[1].DnsName);
        Assert.Empty(endpoints[1].Targets);
        Assert.Equal("TYPE65534", endpoints[1].RecordType.Value);
    }

    [Fact]
    public void WriteEndpoints_ThenRead_KeepsEveryFieldAndOmitsEmptyOnes()
    {
        DnsEndpoint[] endpoints =
        [
            new("a.example.org", RecordType.A, "192.0.2.1", "192.0.2.2") { Ttl = 60, SetIdentifier = "eu", Labels = new Dictionary<string, string> { ["owner"] = "o" }, ProviderSpecific = [new("k", "v")] },
            new("t.example.org", RecordType.TXT, "\"a+b/c<d>\""),
        ];

        var json = Write(b => ExternalDnsWebhookJson.WriteEndpoints(b, endpoints));

        Assert.Equal(endpoints, ExternalDnsWebhookJson.ReadEndpoints(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("""{"dnsName":"t.example.org","targets":["\"a+b/c<d>\""],"recordType":"TXT"}""", json, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteChanges_HasAllFourListsEvenEmpty()
    {
        var json = Write(b => ExternalDnsWebhookJson.WriteChanges(b, new DnsChanges { Delete = [new("a.example.org", RecordType.A, "192.0.2.1")] }));

        Assert.Equal("""{"create":[],"updateOld":[],"updateNew":[],"delete":[{"dnsName":"a.example.org","targets":["192.0.2.1"],"recordType":"A"}]}""", json);
    }

    [Theory]
    [InlineData("{}", "include=[] exclude=[]")]
    [InlineData("null", "include=[] exclude=[]")]
    [InlineData("""{"include":["b.example","a.example"],"exclude":null}""", "include=[b.example, a.example] exclude=[]")]
    public void ReadDomainFilter_ListForms(string json, string expected) =>
        Assert.Equal(expected, ExternalDnsWebhookJson.ReadDomainFilter(Encoding.UTF8.GetBytes(json)).ToString());

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"include":"example.org"}""")]
    [InlineData("""{"include":[1]}""")]
    [InlineData("""{"regexInclude":"("}""")]
    [InlineData("""{"exclude":["x"],"regexExclude":"y"}""")]
    public void ReadDomainFilter_Malformed_Throws(string json) =>
        Assert.Throws<JsonException>(() => ExternalDnsWebhookJson.ReadDomainFilter(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void WriteDomainFilter_SortedListsOmittingEmptyOnes_OrRegularExpressions()
    {
        Assert.Equal("""{"include":["a.example","b.example"]}""", Write(b => ExternalDnsWebhookJson.WriteDomainFilter(b, new DomainFilter(["b.example", "a.example"]))));
        Assert.Equal("{}", Write(b => ExternalDnsWebhookJson.WriteDomainFilter(b, DomainFilter.All)));
        Assert.Equal("""{"regexInclude":"\\.example$"}""", Write(b => ExternalDnsWebhookJson.WriteDomainFilter(b, DomainFilter.FromRegex(@"\.example$"))));
    }

    [Fact]
    public void Problem_WriteThenRead_KeepsEveryMember()
    {
        var problem = new ExternalDnsWebhookProblem
        {
            Title = "t",
            Status = 503,
            Detail = "d",
            Transient = true,
            Partial = true,
            Conflict = true,
            Rejected = [new RejectedEndpoint(new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1"), "r")],
        };

        var read = ExternalDnsWebhookJson.TryReadProblem(Encoding.UTF8.GetBytes(Write(b => ExternalDnsWebhookJson.WriteProblem(b, problem))));

        Assert.NotNull(read);
        Assert.Equal((problem.Title, problem.Status, problem.Detail, true, true, true), (read.Title, read.Status, read.Detail, read.Transient, read.Partial, read.Conflict));
        Assert.Equal(problem.Rejected, read.Rejected);
        Assert.Null(ExternalDnsWebhookJson.TryReadProblem("<html>busy</html>"u8));
        Assert.Null(ExternalDnsWebhookJson.TryReadProblem("""{"error":"x"}"""u8));
    }
}
