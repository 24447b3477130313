using System.Globalization;
using System.Text;
using QuantFeatures.Cli.Catalog;
using QuantFeatures.Cli.CommandLine;

namespace QuantFeatures.Cli.Commands;

/// <summary><c>docs --out DIR</c>: writes the Markdown feature reference generated from the catalogue.</summary>
public sealed class DocsCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "docs";

    /// <inheritdoc/>
    public string Summary => "Generate the Markdown feature reference (index + one page per family) from the catalogue.";

    /// <inheritdoc/>
    public string Usage => "docs --out DIR";

    /// <inheritdoc/>
    public string Details => $"""
        Writes {FeatureDocs.IndexFile} and one page per family ({string.Join(", ", Enum.GetValues<FeatureFamily>().Select(f => f.Id() + ".md"))}).
        The repository's docs/features/ pages are this output; a test fails when they are out of date. Regenerate with:
          {FeatureDocs.RegenerateCommand}
        """;

    /// <inheritdoc/>
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("out", "DIR", "Output directory (created when missing; existing pages are overwritten).", 'o'),
    ];

    /// <inheritdoc/>
    public int Execute(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        string dir = args.Require("out");
        if (File.Exists(dir))
        {
            throw new IOException($"Cannot write the docs to '{dir}': it is a file, not a directory.");
        }

        Directory.CreateDirectory(dir);
        var pages = FeatureDocs.Generate(FeatureCatalog.Default);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        foreach (var (fileName, content) in pages)
        {
            File.WriteAllText(Path.Combine(dir, fileName), content, utf8);
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"docs: wrote {pages.Count} pages ({FeatureCatalog.Default.Count} features) to {dir}"));
        return 0;
    }
}
