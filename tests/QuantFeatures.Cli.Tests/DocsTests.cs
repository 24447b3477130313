using QuantFeatures.Cli.Catalog;
using QuantFeatures.Cli.Tests.Support;

namespace QuantFeatures.Cli.Tests;

public class DocsTests
{
    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    [Fact]
    public void Committed_feature_docs_match_the_catalogue()
    {
        using var dir = new TempDir();
        CliRunner.Ok("docs", "--out", dir.Directory);
        var committedDir = Repo.Path("docs", "features");
        var generated = Directory.GetFiles(dir.Directory, "*.md").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var committed = Directory.Exists(committedDir)
            ? Directory.GetFiles(committedDir, "*.md").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()
            : [];
        string hint = $"docs/features is out of date with the feature catalogue: run `{FeatureDocs.RegenerateCommand}` and commit the result.";
        Assert.True(generated.SequenceEqual(committed), $"{hint} Generated pages: {string.Join(", ", generated)}; committed: {string.Join(", ", committed)}.");
        foreach (var name in generated)
        {
            var expected = Normalize(File.ReadAllText(Path.Combine(dir.Directory, name!)));
            var actual = Normalize(File.ReadAllText(Path.Combine(committedDir, name!)));
            Assert.True(expected == actual, $"{hint} ({name} differs)");
        }
    }

    [Fact]
    public void Every_feature_appears_in_its_family_page_and_the_index()
    {
        var pages = FeatureDocs.Generate(FeatureCatalog.Default).ToDictionary(p => p.FileName, p => p.Content);
        Assert.Contains("README.md", pages.Keys);
        foreach (var family in Enum.GetValues<FeatureFamily>())
        {
            Assert.Contains(family.Id() + ".md", pages.Keys);
            Assert.Contains($"({family.Id()}.md)", pages["README.md"]);
        }

        foreach (var f in FeatureCatalog.Default.Features)
        {
            var page = pages[f.Family.Id() + ".md"];
            var row = page.Split('\n').Single(l => l.StartsWith($"| `{f.Name}` | {FeatureDocs.Cell(f.Description)} |", StringComparison.Ordinal));
            Assert.Contains(FeatureDocs.Code(f.Formula), row);
            Assert.Contains(FeatureDocs.Cell(f.NanRule), row);
            Assert.Equal(8, row.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|'));
            Assert.Contains($"`{f.Name}`", pages["README.md"]);
        }
    }

    [Theory]
    [InlineData("|C_t − C_(t-10)|", "\\|C_t − C_(t-10)\\|")]
    [InlineData("H < max(O, C) or L > min(O, C)", "H &lt; max(O, C) or L &gt; min(O, C)")]
    [InlineData("two\nlines", "two lines")]
    public void Table_cells_escape_pipes_brackets_and_line_breaks(string text, string expected) => Assert.Equal(expected, FeatureDocs.Cell(text));

    [Theory]
    [InlineData("|x| < 1", "`\\|x\\| < 1`")]
    [InlineData("a `b`", "`` a `b` ``")]
    public void Formulas_are_code_spans_with_escaped_pipes(string text, string expected) => Assert.Equal(expected, FeatureDocs.Code(text));

    [Fact]
    public void Docs_refuse_a_file_as_the_output_directory()
    {
        using var dir = new TempDir();
        var file = dir.Write("x.md", "x");
        Assert.Contains("is a file", CliRunner.Run("docs", "--out", file).AssertSingleLineError(CliApp.UserError));
    }
}
