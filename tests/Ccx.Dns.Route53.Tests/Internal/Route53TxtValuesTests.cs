using Ccx.Dns.Route53.Internal;

namespace Ccx.Dns.Route53.Tests.Internal;

public sealed class Route53TxtValuesTests
{
    [Theory]
    [InlineData("hello world", "\"hello world\"")]
    [InlineData("\"heritage=external-dns,external-dns/owner=a\"", "\"heritage=external-dns,external-dns/owner=a\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("\"a\"   \"b\"", "\"a\" \"b\"")]
    [InlineData("\"unbalanced", "\"\\\"unbalanced\"")]
    [InlineData("café", "\"caf\\303\\251\"")]
    [InlineData("\"caf\\303\\251\"", "\"caf\\303\\251\"")]
    [InlineData("tab\there", "\"tab\\011here\"")]
    [InlineData("", "\"\"")]
    public void Canonicalize_Target_ReturnsQuotedPresentationForm(string target, string expected) =>
        Assert.Equal(expected, Route53TxtValues.Canonicalize(target));

    [Fact]
    public void Canonicalize_LongText_SplitsInto255ByteStrings()
    {
        var value = Route53TxtValues.Canonicalize(new string('a', 255) + new string('b', 255) + "c");

        Assert.Equal($"\"{new string('a', 255)}\" \"{new string('b', 255)}\" \"c\"", value);
    }

    [Fact]
    public void Canonicalize_LongQuotedString_IsSplitToo()
    {
        var value = Route53TxtValues.Canonicalize("\"" + new string('x', 300) + "\"");

        Assert.Equal($"\"{new string('x', 255)}\" \"{new string('x', 45)}\"", value);
    }

    [Fact]
    public void Canonicalize_EscapedQuotesNearTheLimit_CountBytesNotCharacters()
    {
        var value = Route53TxtValues.Canonicalize("a" + new string('"', 255));

        var strings = Route53TxtValues.TryParseQuoted(value)!;
        Assert.Equal([255, 1], strings.Select(s => s.Length));
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("\"a\" \"b\"")]
    [InlineData("weird \\ \" chars ü")]
    public void Canonicalize_IsIdempotent(string target)
    {
        var once = Route53TxtValues.Canonicalize(target);

        Assert.Equal(once, Route53TxtValues.Canonicalize(once));
    }
}
