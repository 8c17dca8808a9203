using System.Text.Json;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Tests.Endpoints;

public sealed class DnsEndpointTests
{
    [Fact]
    public void Constructor_TrimsTrailingDotsExceptForTxtSrvNaptr()
    {
        Assert.Equal("a.example.org", new DnsEndpoint("a.example.org.", RecordType.CNAME, "b.example.org.").DnsName);
        Assert.Equal(["b.example.org"], new DnsEndpoint("a.example.org.", RecordType.CNAME, "b.example.org.").Targets);
        Assert.Equal(["0 5 5060 sip.example.org."], new DnsEndpoint("_sip._tcp.example.org", RecordType.SRV, "0 5 5060 sip.example.org.").Targets);
        Assert.Equal(["text."], new DnsEndpoint("a.example.org", RecordType.TXT, "text.").Targets);
    }

    [Fact]
    public void DnsName_InternationalisedName_IsMappedToPunycode()
    {
        Assert.Equal("xn--bcher-kva.example.com", new DnsEndpoint("Bücher.example.com", RecordType.A, "1.1.1.1").DnsName);
    }

    [Fact]
    public void Key_IsCaseInsensitiveOnNameAndSensitiveOnSetIdentifier()
    {
        var a = new DnsEndpoint("A.Example.org.", RecordType.A, "1.1.1.1") { SetIdentifier = "S" };
        var b = new DnsEndpoint("a.example.org", RecordType.A, "2.2.2.2") { SetIdentifier = "S" };
        var c = b with { SetIdentifier = "s" };

        Assert.Equal(a.Key, b.Key);
        Assert.NotEqual(b.Key, c.Key);
        Assert.Equal("a.example.org#A#S", a.Key.ToString());
    }

    [Fact]
    public void RecordType_IsUpperCasedAndKnownTypesListed()
    {
        Assert.Equal(RecordType.AAAA, new RecordType("aaaa"));
        Assert.True(RecordType.CAA.IsKnown);
        Assert.False(new RecordType("FOO").IsKnown);
        Assert.Equal(11, RecordType.Known.Count);
    }

    [Fact]
    public void WithProviderSpecific_ReplacesInPlaceOrAppends()
    {
        var e = new DnsEndpoint("a.example.org", RecordType.A, "1.1.1.1")
            .WithProviderSpecific("aws/weight", "10")
            .WithProviderSpecific("alias", "false")
            .WithProviderSpecific("aws/weight", "20");

        Assert.Equal([new ProviderSpecificProperty("aws/weight", "20"), new ProviderSpecificProperty("alias", "false")], e.ProviderSpecific);
        Assert.Equal([new ProviderSpecificProperty("alias", "false")], e.WithoutProviderSpecific("aws/weight").ProviderSpecific);
    }

    [Fact]
    public void WithProviderSpecific_AfterAssigningAPlainList_Works()
    {
        var e = new DnsEndpoint("a.example.org", RecordType.A, "1.1.1.1")
        {
            ProviderSpecific = new List<ProviderSpecificProperty> { new("aws/weight", "10") },
            Targets = new List<string> { "2.2.2.2" },
        };

        Assert.Equal("20", Assert.Single(e.WithProviderSpecific("aws/weight", "20").ProviderSpecific).Value);
        Assert.Empty(e.WithoutProviderSpecific("aws/weight").ProviderSpecific);
        Assert.Equal(["2.2.2.2"], e.Targets);
        Assert.IsNotType<List<string>>(e.Targets);
    }

    [Fact]
    public void Equality_ComparesEveryField()
    {
        var e = new DnsEndpoint("a.example.org", RecordType.A, "1.1.1.1") { Ttl = 60 }.WithLabel("owner", "o");

        Assert.Equal(e, new DnsEndpoint("A.example.org", RecordType.A, "1.1.1.1") { Ttl = 60 }.WithLabel("owner", "o"));
        Assert.NotEqual(e, e.WithLabel("owner", "p"));
        Assert.NotEqual(e, e with { Ttl = 61 });
        Assert.NotEqual(e, e.WithProviderSpecific("alias", "true"));
        Assert.NotEqual(e, e with { Targets = ["1.1.1.2"] });
    }

    [Fact]
    public void Json_WritesExternalDnsWebhookFieldsAndOmitsEmpty()
    {
        var e = new DnsEndpoint("a.example.org", RecordType.A, "1.1.1.1") { Ttl = 60, SetIdentifier = "s" }
            .WithLabel("owner", "o").WithProviderSpecific("aws/weight", "10");

        var json = JsonSerializer.Serialize(e);

        Assert.Equal(
            """{"dnsName":"a.example.org","targets":["1.1.1.1"],"recordType":"A","setIdentifier":"s","recordTTL":60,"labels":{"owner":"o"},"providerSpecific":[{"name":"aws/weight","value":"10"}]}""",
            json);
        Assert.Equal("""{"dnsName":"b.example.org","recordType":"CNAME"}""", JsonSerializer.Serialize(new DnsEndpoint("b.example.org", RecordType.CNAME)));
    }

    [Fact]
    public void DnsChanges_Json_RoundTripsAndReadsKeysCaseInsensitively()
    {
        var changes = new DnsChanges
        {
            Create = [new DnsEndpoint("a.example.org", RecordType.A, "1.1.1.1")],
            UpdateOld = [new DnsEndpoint("b.example.org", RecordType.A, "1.1.1.1") { Ttl = 30 }],
            UpdateNew = [new DnsEndpoint("b.example.org", RecordType.A, "2.2.2.2") { Ttl = 30 }],
            Delete = [new DnsEndpoint("c.example.org", RecordType.CNAME, "x.example.net").WithLabel("owner", "o")],
        };

        var json = changes.ToJson();
        var parsed = DnsChanges.FromJson(json);

        Assert.StartsWith("""{"create":[{"dnsName":"a.example.org""", json, StringComparison.Ordinal);
        Assert.Equal(changes.Create, parsed.Create);
        Assert.Equal(changes.UpdateOld, parsed.UpdateOld);
        Assert.Equal(changes.UpdateNew, parsed.UpdateNew);
        Assert.Equal(changes.Delete, parsed.Delete);

        var webhook = DnsChanges.FromJson("""{"Create":[{"DNSName":"x.example.org","Targets":["1.2.3.4"],"RecordType":"A","RecordTTL":300,"ProviderSpecific":[{"Name":"alias","Value":"false"}]}]}""");
        var created = Assert.Single(webhook.Create);
        Assert.Equal(300, created.Ttl);
        Assert.True(created.TryGetProviderSpecific("alias", out var alias));
        Assert.Equal("false", alias);
        Assert.Empty(webhook.Delete);
    }

    [Fact]
    public void DnsNames_NormalizeAndCompare()
    {
        Assert.Equal("xn--bcher-kva.example", DnsNames.Normalize(" Bücher.Example. "));
        Assert.True(DnsNames.AreEqual("Bücher.example", "xn--bcher-kva.EXAMPLE."));
        Assert.False(DnsNames.AreEqual("a.example", "b.example"));
        Assert.True(DnsNames.IsAtOrBelow("a.b.example", "b.example"));
        Assert.False(DnsNames.IsAtOrBelow("ab.example", "b.example"));
    }

    [Fact]
    public void WithoutLabels_AfterLabelling_GivesBackTheUnlabelledInstanceOnlyWhenOnlyLabelsChanged()
    {
        var plain = new DnsEndpoint("a.example.org", RecordType.TXT, "\"text\"") { Ttl = 60 };

        var labelled = plain.WithLabel(EndpointLabels.OwnedRecordKey, "a.example.org").WithLabel(EndpointLabels.OwnerKey, "me");
        var relabelled = labelled.WithLabels(new Dictionary<string, string> { ["x"] = "y" }).WithoutLabel("x").WithLabel("z", "1");

        Assert.Same(plain, labelled.WithoutLabels());
        Assert.Same(plain, relabelled.WithoutLabels());
        Assert.Same(plain, plain.WithoutLabels());

        // Any other change makes a record whose unlabelled form is its own copy, equal to it but for the labels.
        var changed = labelled with { Ttl = 30 };
        var stripped = changed.WithoutLabels();
        Assert.NotSame(plain, stripped);
        Assert.Equal(plain with { Ttl = 30 }, stripped);
        Assert.Same(stripped, changed.WithoutLabels());
        Assert.Empty(stripped.Labels);
    }
}
