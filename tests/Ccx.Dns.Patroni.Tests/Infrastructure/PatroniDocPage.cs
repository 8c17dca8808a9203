using System.Text.Json;
using System.Text.RegularExpressions;
using Ccx.Dns.Rfc2136;
using Ccx.Dns.Rfc2136.Wire;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Patroni.Tests.Infrastructure;

/// <summary>
/// Reads docs/patroni.md's JSON snippets (<c>&lt;!-- snippet-json: NAME --&gt;</c>) so that the tests run the page's
/// configuration as printed; DocSnippetTests in Ccx.Dns.Tests checks the page's C# snippets against the test regions.
/// </summary>
internal static partial class PatroniDocPage
{
    public static string Path => System.IO.Path.Combine(Prerequisites.RepositoryRoot(), "docs", "patroni.md");

    /// <summary>The JSON snippet with that name, from the page.</summary>
    public static string Json(string name)
    {
        var text = File.ReadAllText(Path).ReplaceLineEndings("\n");
        var found = JsonSnippet().Matches(text).Where(m => m.Groups["name"].Value == name).ToList();
        Assert.True(found.Count == 1, $"expected one '<!-- snippet-json: {name} -->' block in {Path}, found {found.Count}");
        return found[0].Groups["block"].Value;
    }

    /// <summary>The JSON snippet flattened into command-line arguments (<c>--Dns:Provider=PowerDns</c>).</summary>
    public static List<string> JsonAsArguments(string name)
    {
        return JsonArguments.From(Json(name));
    }

    /// <summary>The A records a real DNS server answers for a name, in order.</summary>
    public static async Task<string[]> AddressesAsync(DnsQuery query, string name)
    {
        var answers = await query.GetAnswersAsync(name, DnsRecordType.A);
        return [.. answers.Select(a => a.Data).OfType<AddressRecordData>().Select(a => a.Address.ToString()).Order(StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"<!-- snippet-json: (?<name>[\w-]+) -->\n```json\n(?<block>.*?)```\n<!-- end-snippet -->", RegexOptions.Singleline)]
    private static partial Regex JsonSnippet();
}
