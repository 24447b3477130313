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
            var row = page.Split('\n').Single(l => l.StartsWith($"| `{f.Name}` | {f.Description.Replace("|", "\\|", StringComparison.Ordinal)}", StringComparison.Ordinal));
            Assert.Contains(f.Formula.Replace("|", "\\|", StringComparison.Ordinal), row);
            Assert.Equal(8, row.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|'));
            Assert.Contains($"`{f.Name}`", pages["README.md"]);
        }
    }

    [Fact]
    public void Docs_refuse_a_file_as_the_output_directory()
    {
        using var dir = new TempDir();
        var file = dir.Write("x.md", "x");
        Assert.Contains("is a file", CliRunner.Run("docs", "--out", file).AssertSingleLineError(CliApp.UserError));
    }
}
