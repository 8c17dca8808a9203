using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ccx.Dns.Tests.Docs;

/// <summary>
/// Reads the snippets the documentation marks as tested: a C# block after <c>&lt;!-- snippet: NAME --&gt;</c> is the
/// using directives of the test file holding <c>// begin-snippet: NAME</c>, a blank line, and the code between that marker
/// and <c>// end-snippet</c>; a JSON block after <c>&lt;!-- snippet-json: NAME --&gt;</c> is read from the page by the test
/// that runs with it.
/// </summary>
internal static partial class DocSnippets
{
    /// <summary>The Markdown files that may hold snippets: docs/*.md, docs/providers/*.md, the READMEs.</summary>
    public static IEnumerable<string> MarkdownFiles()
    {
        var root = RepositoryRoot();
        return Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories))
            .Append(Path.Combine(root, "README.md"))
            .Where(File.Exists)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    /// <summary>Every C# snippet the documentation marks: (file, name, the block's text).</summary>
    public static IEnumerable<(string File, string Name, string Block)> MarkedCSharp() =>
        Marked("snippet", "csharp");

    /// <summary>Every C# snippet region in the test sources: (name, the text the page must show).</summary>
    public static IReadOnlyDictionary<string, string> TestedCSharp()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "tests"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            var text = File.ReadAllText(file).ReplaceLineEndings("\n");
            var usings = string.Join("\n", text.Split('\n').TakeWhile(l => !l.StartsWith("namespace ", StringComparison.Ordinal)).Where(l => l.StartsWith("using ", StringComparison.Ordinal)));
            foreach (Match match in Region().Matches(text))
            {
                var body = Dedent(match.Groups["body"].Value);
                result.Add(match.Groups["name"].Value, usings.Length == 0 ? body : usings + "\n\n" + body);
            }
        }

        return result;
    }

    /// <summary>A JSON snippet of the documentation, by name.</summary>
    public static string Json(string name)
    {
        var found = Marked("snippet-json", "json").Where(s => s.Name == name).ToList();
        Assert.True(found.Count == 1, $"expected one '<!-- snippet-json: {name} -->' block in the docs, found {found.Count}");
        return found[0].Block;
    }

    /// <summary>A JSON snippet of the documentation flattened into command-line arguments (<c>--Dns:Provider=InMemory</c>).</summary>
    public static IEnumerable<string> JsonAsArguments(string name)
    {
        return JsonArguments.From(Json(name));
    }

    public static string RepositoryRoot()
    {
        // From the test binaries, not [CallerFilePath]: deterministic CI builds map source paths to /_/.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ccx.Dns.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Ccx.Dns.sln not found");
    }

    private static IEnumerable<(string File, string Name, string Block)> Marked(string marker, string language)
    {
        foreach (var file in MarkdownFiles())
        {
            var text = File.ReadAllText(file).ReplaceLineEndings("\n");
            foreach (Match match in Regex.Matches(text, $@"<!-- {marker}: (?<name>[\w-]+) -->\n```{language}\n(?<block>.*?)```\n<!-- end-snippet -->", RegexOptions.Singleline))
            {
                yield return (file, match.Groups["name"].Value, match.Groups["block"].Value.TrimEnd('\n'));
            }
        }
    }

    private static string Dedent(string text)
    {
        var lines = text.Trim('\n').Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).TrimEnd();
    }

    [GeneratedRegex(@"^[ \t]*// begin-snippet: (?<name>[\w-]+)\n(?<body>.*?)\n[ \t]*// end-snippet", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Region();
}
