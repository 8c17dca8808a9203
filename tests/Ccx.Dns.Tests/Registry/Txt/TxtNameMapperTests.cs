using Ccx.Dns.Endpoints;
using Ccx.Dns.Registry.Txt;

namespace Ccx.Dns.Tests.Registry.Txt;

// Vectors from the ExternalDNS affix name mapper (spec §3.2.3).
public sealed class TxtNameMapperTests
{
    private static TxtNameMapper Create(string prefix = "", string suffix = "", string wildcard = "") => new(prefix, suffix, wildcard);

    [Theory]
    [InlineData("foo.example.com", "A", "a-foo.example.com")]
    [InlineData("foo.example.com", "AAAA", "aaaa-foo.example.com")]
    [InlineData("foo.example.com", "CNAME", "cname-foo.example.com")]
    [InlineData("foo.example.com", "NS", "ns-foo.example.com")]
    [InlineData("foo.example.com", "MX", "mx-foo.example.com")]
    [InlineData("foo.example.com", "SRV", "srv-foo.example.com")]
    [InlineData("foo.example.com", "NAPTR", "naptr-foo.example.com")]
    [InlineData("foo.example.com", "DNAME", "dname-foo.example.com")]
    [InlineData("foo.example.com", "TXT", "txt-foo.example.com")]
    [InlineData("2.49.168.192.in-addr.arpa", "PTR", "ptr-2.49.168.192.in-addr.arpa")]
    [InlineData("example", "CNAME", "cname-example")]
    [InlineData("foo.example.com.", "A", "a-foo.example.com")]
    public void ToTxtName_NoAffix_PrefixesLowerCaseTypeToFirstLabel(string name, string type, string expected)
    {
        Assert.Equal(expected, Create().ToTxtName(name, RecordType.Parse(type)));
    }

    [Theory]
    [InlineData("txt.", "", "", "new-record-1.test-zone.example.org", "CNAME", "txt.cname-new-record-1.test-zone.example.org")]
    [InlineData("txt-", "", "wild", "*.example.com", "A", "txt-a-wild.example.com")]
    [InlineData("", "", "wild", "*.example.com", "A", "a-wild.example.com")]
    [InlineData("", "", "", "*.example.com", "A", "a-*.example.com")]
    [InlineData("%{record_type}-", "", "", "foo.example.com", "A", "a-foo.example.com")]
    [InlineData("", "-%{record_type}", "", "foo.example.com", "CNAME", "foo-cname.example.com")]
    [InlineData("%{record_type}-abc-.", "", "", "ex.com", "CNAME", "cname-abc-.ex.com")]
    [InlineData("", "-.%{record_type}", "", "www.ex.com", "CNAME", "www-.cname.ex.com")]
    [InlineData("TXT.", "", "", "foo.example.com", "A", "txt.a-foo.example.com")]
    [InlineData("", "-txt", "", "foo.example.com", "AAAA", "aaaa-foo-txt.example.com")]
    public void ToTxtName_Affixes_MatchExternalDns(string prefix, string suffix, string wildcard, string name, string type, string expected)
    {
        Assert.Equal(expected, Create(prefix, suffix, wildcard).ToTxtName(name, RecordType.Parse(type)));
    }

    [Theory]
    [InlineData("", "", "a-foo.example.com", "foo.example.com", "A")]
    [InlineData("", "", "AAAA-Foo.Example.com", "foo.example.com", "AAAA")]
    [InlineData("", "", "cname-example", "example", "CNAME")]
    [InlineData("", "", "ptr-2.49.168.192.in-addr.arpa", "2.49.168.192.in-addr.arpa", "PTR")]
    [InlineData("", "", "caa-foo.example.com", "foo.example.com", "CAA")]
    [InlineData("txt.", "", "txt.cname-new-record-1.test-zone.example.org", "new-record-1.test-zone.example.org", "CNAME")]
    [InlineData("txt-", "", "txt-a-wild.example.com", "wild.example.com", "A")]
    [InlineData("%{record_type}-", "", "aaaa-foo.example.com", "foo.example.com", "AAAA")]
    [InlineData("", "-%{record_type}", "foo-cname.example.com", "foo.example.com", "CNAME")]
    [InlineData("%{record_type}-abc-.", "", "cname-abc-.ex.com", "ex.com", "CNAME")]
    [InlineData("", "-.%{record_type}", "www-.cname.ex.com", "www.ex.com", "CNAME")]
    [InlineData("", ".foo.bar", "a-example.foo.bar.com", "example.com", "A")]
    [InlineData("", "-txt", "aaaa-foo-txt.example.com", "foo.example.com", "AAAA")]
    public void TryParseTxtName_NewFormat_ReturnsNameAndType(string prefix, string suffix, string txtName, string name, string type)
    {
        Assert.True(Create(prefix, suffix).TryParseTxtName(txtName, out var owned));
        Assert.Equal(name, owned.DnsName);
        Assert.Equal(RecordType.Parse(type), owned.RecordType);
    }

    [Theory]
    [InlineData("", "", "foo.example.com", "foo.example.com")]
    [InlineData("", "", "Foo.Example.com", "foo.example.com")]
    [InlineData("txt.", "", "txt.foo.example.com", "foo.example.com")]
    [InlineData("", "-txt", "foo-txt.example.com", "foo.example.com")]
    [InlineData("%{record_type}-", "", "-foo.example.com", "foo.example.com")]
    public void TryParseTxtName_OldFormat_ReturnsNameWithoutType(string prefix, string suffix, string txtName, string name)
    {
        Assert.True(Create(prefix, suffix).TryParseTxtName(txtName, out var owned));
        Assert.Equal(name, owned.DnsName);
        Assert.Null(owned.RecordType);
    }

    [Fact]
    public void TryParseTxtName_OldFormatStartingWithTypeName_IsReadAsNewFormat()
    {
        // ExternalDNS quirk, kept for compatibility: the old-format TXT of "ns-1.example.com" reads as NS "1.example.com".
        Assert.True(Create().TryParseTxtName("ns-1.example.com", out var owned));
        Assert.Equal(new TxtOwnedName("1.example.com", RecordType.NS), owned);
    }

    [Theory]
    [InlineData("txt.", "", "foo.example.com")]
    [InlineData("", ".foo.bar", "a-example.foo")]
    [InlineData("", "-txt", "a-foo.example.com")]
    public void TryParseTxtName_NameWithoutConfiguredAffix_DoesNotMatch(string prefix, string suffix, string txtName)
    {
        Assert.False(Create(prefix, suffix).TryParseTxtName(txtName, out _));
    }

    [Theory]
    [InlineData("", "", "", "foo.example.com", "A")]
    [InlineData("txt.", "", "", "new-record-1.test-zone.example.org", "CNAME")]
    [InlineData("", "-%{record_type}", "", "www.example.com", "MX")]
    [InlineData("%{record_type}-abc-.", "", "", "example.com", "CNAME")]
    [InlineData("", "-.%{record_type}", "", "www.ex.com", "SRV")]
    [InlineData("", ".foo.bar", "", "example.com", "NS")]
    public void TryParseTxtName_OfToTxtName_RoundTrips(string prefix, string suffix, string wildcard, string name, string type)
    {
        var mapper = Create(prefix, suffix, wildcard);

        Assert.True(mapper.TryParseTxtName(mapper.ToTxtName(name, RecordType.Parse(type)), out var owned));

        Assert.Equal(new TxtOwnedName(name, RecordType.Parse(type)), owned);
    }

    [Fact]
    public void TryGetTxtName_FirstLabelOf63BytesAfterTypePrefix_Fits()
    {
        var name = new string('x', 61) + ".example.com";

        Assert.True(Create().TryGetTxtName(name, RecordType.A, out var txtName, out var reason));
        Assert.Equal("a-" + name, txtName);
        Assert.Null(reason);
    }

    [Fact]
    public void TryGetTxtName_FirstLabelOver63Bytes_IsRefusedWithReason()
    {
        var name = new string('x', 62) + ".example.com";

        Assert.False(Create().TryGetTxtName(name, RecordType.A, out var txtName, out var reason));
        Assert.Null(txtName);
        Assert.Contains("64 bytes", reason, StringComparison.Ordinal);
        Assert.Contains("63", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGetTxtName_NameOver253Bytes_IsRefusedWithReason()
    {
        // A 250-byte name; the "cname-" prefix makes its ownership name 256 bytes.
        var name = string.Join('.', Enumerable.Repeat(new string('y', 55), 4)) + "." + new string('z', 14) + ".example.com";
        Assert.Equal(250, name.Length);

        Assert.False(Create().TryGetTxtName(name, RecordType.CNAME, out _, out var reason));
        Assert.Contains("253", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PrefixAndSuffix_Throws()
    {
        Assert.Throws<ArgumentException>(() => Create("p-", "-s"));
    }

    [Fact]
    public void Constructor_UpperCaseAffixes_AreLowerCased()
    {
        var mapper = Create("TXT-%{record_type}-", wildcard: "WILD");

        Assert.Equal("txt-%{record_type}-", mapper.Prefix);
        Assert.Equal("wild", mapper.WildcardReplacement);
    }

    [Fact]
    public void TryParseTxtNameOf_WhenItAnswers_AnswersWhatTheParseGives()
    {
        // The shortcut the registry takes for ownership records it wrote itself: whenever it answers, the full parse of
        // the TXT name gives the same owned name and type; for the default mapper and lower-case ASCII names it answers.
        TxtNameMapper[] mappers = [new(), new("p-"), new(null, "-s"), new("%{record_type}-x."), new(null, null, "wild")];
        string[] names = ["db.example.org", "replica.db.example.org", "db.example.org ", "DB.example.org", "*.example.org", "a-b.example.org", "db.example.org.", "bücher.example.org", "x", "cname-db.example.org"];
        RecordType[] types = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT, RecordType.Parse("SPF"), RecordType.Parse("TYPE65")];
        var answered = 0;
        foreach (var mapper in mappers)
        {
            foreach (var owned in names)
            {
                foreach (var type in types)
                {
                    foreach (var txtName in new[] { mapper.ToTxtName(owned, type), "A-" + owned, "ſrv-" + owned, "a-" + owned + "x", owned })
                    {
                        if (!mapper.TryParseTxtNameOf(txtName, owned, out var shortcut))
                        {
                            var typed = mapper.TryParseTxtName(txtName, out var full) && full.RecordType == type && full.DnsName == owned;
                            Assert.False(
                                mapper.Prefix.Length == 0 && mapper.Suffix.Length == 0 && mapper.WildcardReplacement.Length == 0 && txtName == mapper.ToTxtName(owned, type)
                                    && !owned.Any(char.IsAsciiLetterUpper) && System.Text.Ascii.IsValid(owned) && !owned.EndsWith('.') && typed,
                                $"no answer for {txtName} of {owned} {type}");
                            continue;
                        }

                        answered++;
                        Assert.True(mapper.TryParseTxtName(txtName, out var parsed), txtName);
                        Assert.Equal(parsed.DnsName, owned);
                        Assert.Equal(parsed.RecordType, shortcut);
                    }
                }
            }
        }

        Assert.True(answered > 20, $"answered {answered}");
    }
}
