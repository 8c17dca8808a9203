namespace Ccx.Dns.Tests.Docs;

/// <summary>
/// Every C# snippet the documentation marks as tested is, word for word, its using directives and the code a test
/// compiles and runs; every tested region is shown by some page.
/// </summary>
public sealed class DocSnippetTests
{
    [Fact]
    public void MarkedSnippets_EqualTheTestedCodeWithItsUsings()
    {
        var tested = DocSnippets.TestedCSharp();
        var marked = DocSnippets.MarkedCSharp().ToList();

        Assert.NotEmpty(marked);
        foreach (var (file, name, block) in marked)
        {
            Assert.True(tested.TryGetValue(name, out var code), $"{file}: snippet '{name}' has no '// begin-snippet: {name}' region in tests/");
            Assert.True(string.Equals(code, block, StringComparison.Ordinal), $"{file}: snippet '{name}' differs from the tested code. Tested:\n{code}\n\nPage:\n{block}");
        }
    }

    [Fact]
    public void TestedRegions_AreEachShownByAPage()
    {
        var shown = DocSnippets.MarkedCSharp().Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        Assert.All(DocSnippets.TestedCSharp().Keys, name => Assert.Contains(name, shown));
    }

    [Fact]
    public void SnippetsThatShowUsings_ShowThemFirst()
    {
        foreach (var (file, name, block) in DocSnippets.MarkedCSharp())
        {
            Assert.True(block.StartsWith("using ", StringComparison.Ordinal), $"{file}: snippet '{name}' does not start with its using directives");
        }
    }
}
