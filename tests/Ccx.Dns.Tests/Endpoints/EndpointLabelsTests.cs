using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Tests.Endpoints;

public sealed class EndpointLabelsTests
{
    [Fact]
    public void Serialize_OwnerAndResource_MatchesExternalDnsText()
    {
        var labels = new Dictionary<string, string> { ["resource"] = "ingress/default/my-ingress", ["owner"] = "owner" };

        Assert.Equal(
            "\"heritage=external-dns,external-dns/owner=owner,external-dns/resource=ingress/default/my-ingress\"",
            EndpointLabels.Serialize(labels, withQuotes: true));
        Assert.Equal(
            "heritage=external-dns,external-dns/owner=owner,external-dns/resource=ingress/default/my-ingress",
            EndpointLabels.Serialize(labels, withQuotes: false));
    }

    [Fact]
    public void Serialize_EncryptionNonce_IsNeverWritten()
    {
        var labels = new Dictionary<string, string> { ["owner"] = "a", [EndpointLabels.TxtEncryptionNonceKey] = "bm9uY2U=" };

        Assert.Equal("heritage=external-dns,external-dns/owner=a", EndpointLabels.Serialize(labels, withQuotes: false));
    }

    [Fact]
    public void Parse_QuotedText_ReturnsLabels()
    {
        var labels = EndpointLabels.Parse("\"heritage=external-dns,external-dns/owner=foo,external-dns/resource=service/ns/svc\"");

        Assert.Equal(2, labels.Count);
        Assert.Equal("foo", labels["owner"]);
        Assert.Equal("service/ns/svc", labels["resource"]);
    }

    [Fact]
    public void Parse_ValueWithEquals_KeepsEverythingAfterFirstEquals()
    {
        var labels = EndpointLabels.Parse("heritage=external-dns,external-dns/owner=team=platform");

        Assert.Equal("team=platform", labels["owner"]);
    }

    [Fact]
    public void Parse_UnknownKeysAndTokensWithoutEquals_AreIgnored()
    {
        var labels = EndpointLabels.Parse("heritage=external-dns,random=stuff,novalue,external-dns/owner=x");

        Assert.Equal(["owner"], labels.Keys);
    }

    [Theory]
    [InlineData("heritage=mate,external-dns/owner=x")]
    [InlineData("external-dns/owner=x")]
    [InlineData("heritage=mate,heritage=external-dns,external-dns/owner=x")]
    [InlineData("")]
    [InlineData("v=spf1 include:_spf.example.com ~all")]
    public void TryParse_ForeignOrMissingHeritage_IsRejected(string text)
    {
        Assert.False(EndpointLabels.TryParse(text, out _));
        Assert.Throws<FormatException>(() => EndpointLabels.Parse(text));
    }

    [Fact]
    public void SerializeThenParse_RoundTrips()
    {
        var labels = new Dictionary<string, string> { ["owner"] = "o", ["resource"] = "datastore/1", ["zeta"] = "z" };

        var parsed = EndpointLabels.Parse(EndpointLabels.Serialize(labels, withQuotes: true));

        Assert.Equal(labels.OrderBy(l => l.Key, StringComparer.Ordinal), parsed);
    }

    [Fact]
    public void Matches_RandomTexts_SaysWhatParsingAndComparingWouldSay()
    {
        // The in-place check the TXT registry uses instead of parsing the text it just wrote: true exactly when parsing
        // gives the same pairs. Texts from the labels themselves, then disturbed: a value or key changed, a pair dropped,
        // added or repeated, the heritage missing or foreign, an unprefixed key, quotes or not.
        string[] keys = ["owner", "resource", "external-dns", "a", "b=c", "zone"];
        string[] values = ["me", "", "x=y", "datastore/1", "other", "\"q\""];
        var random = new Random(7);
        var matching = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var builder = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var n = random.Next(5); n > 0; n--)
            {
                builder[keys[random.Next(keys.Length)]] = values[random.Next(values.Length)];
            }

            var labels = LabelMap.From(builder);
            var tokens = new List<string> { "heritage=external-dns" };
            tokens.AddRange(labels.Select(l => (random.Next(8) == 0 ? "external-dns" : "external-dns/") + l.Key + "=" + l.Value));
            switch (random.Next(8))
            {
                case 0 when tokens.Count > 1:
                    tokens.RemoveAt(1 + random.Next(tokens.Count - 1));
                    break;
                case 1:
                    tokens.Add("external-dns/" + keys[random.Next(keys.Length)] + "=" + values[random.Next(values.Length)]);
                    break;
                case 2 when tokens.Count > 1:
                    tokens.Add(tokens[1 + random.Next(tokens.Count - 1)]);
                    break;
                case 3:
                    tokens[0] = random.Next(2) == 0 ? "heritage=other" : "no-heritage";
                    break;
                case 4:
                    tokens.Insert(random.Next(tokens.Count + 1), "unrelated=1");
                    break;
            }

            tokens = [.. tokens.OrderBy(_ => random.Next())];
            var text = string.Join(",", tokens);
            if (random.Next(2) == 0)
            {
                text = "\"" + text + "\"";
            }

            var want = EndpointLabels.TryParseMap(text, out var parsed) && parsed.SamePairs(labels);

            // A key given twice is left to the parser (the check says no), never the other way round.
            var repeated = tokens.Where(t => t.StartsWith("external-dns", StringComparison.Ordinal) && t.Contains('=', StringComparison.Ordinal))
                .Select(t => t[..t.IndexOf('=', StringComparison.Ordinal)].Replace("external-dns/", string.Empty, StringComparison.Ordinal))
                .GroupBy(k => k).Any(g => g.Count() > 1);
            var got = EndpointLabels.Matches(text, labels);
            Assert.True(want == got || (want && repeated), $"case {i}: '{text}' against {labels}: want {want}, got {got}");
            matching += want ? 1 : 0;
        }

        Assert.InRange(matching, 1_000, 4_500);
    }
}
