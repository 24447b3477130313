using System.Globalization;
using System.Text;

namespace QuantFeatures.Cli.Catalog;

/// <summary>
/// Generates the Markdown reference of the catalogue (docs/features/): an index <c>README.md</c> and one page per
/// family (<c>price.md</c>, <c>volume.md</c>, <c>time_quality.md</c> …). The output depends only on the catalogue,
/// so a test can regenerate it and compare it with the committed pages.
/// </summary>
public static class FeatureDocs
{
    /// <summary>The command that regenerates the committed pages.</summary>
    public const string RegenerateCommand = "dotnet run --project samples/QuantFeatures.Cli -c Release -- docs --out docs/features";

    /// <summary>The name of the index page.</summary>
    public const string IndexFile = "README.md";

    /// <summary>The pages: file name (relative to the docs folder) and content (<c>\n</c> line ends, no trailing spaces).</summary>
    public static IReadOnlyList<(string FileName, string Content)> Generate(FeatureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var infos = FeatureInfo.Of(catalog);
        var families = Enum.GetValues<FeatureFamily>();
        var pages = new List<(string, string)> { (IndexFile, Index(catalog, infos, families)) };
        foreach (var family in families)
        {
            pages.Add((family.Id() + ".md", FamilyPage(family, infos.Where(f => f.Definition.Family == family).ToArray())));
        }

        return pages;
    }

    /// <summary>The page title of a family.</summary>
    public static string Title(FeatureFamily family) => family switch
    {
        FeatureFamily.Price => "Price features",
        FeatureFamily.Volume => "Volume and order-flow features",
        FeatureFamily.OpenInterest => "Open-interest features",
        FeatureFamily.Funding => "Funding features",
        FeatureFamily.Liquidations => "Liquidation features",
        FeatureFamily.Positioning => "Long/short positioning features",
        FeatureFamily.TimeQuality => "Time and quality features",
        FeatureFamily.Microstructure => "Microstructure features",
        _ => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(family.Id().Replace('_', ' ')) + " features",
    };

    private static string Blurb(FeatureFamily family) => family switch
    {
        FeatureFamily.Price => "Levels, returns, trend, momentum, volatility and k-bar shape, computed from the OHLC prices.",
        FeatureFamily.Volume => "Volume statistics, volume-weighted prices, liquidity and spread estimators, and taker order flow.",
        FeatureFamily.OpenInterest => "Changes, averages, bands, ranks and divergences of the open interest (as of each decision time), "
            + "against price and volume; shared rules in docs/derivatives.md.",
        FeatureFamily.Funding => "The funding rate in event time (settlements, whatever the interval: 8h, 4h, 1h), annualized, the funding "
            + "clock, basis and premium; shared rules in docs/derivatives.md.",
        FeatureFamily.Liquidations => "Forced-liquidation notionals and counts per bar, their sums over an hour, imbalances and spikes; "
            + "shared rules in docs/derivatives.md.",
        FeatureFamily.Positioning => "Long/short ratios of the crowd, the top traders and the takers, as of each decision time; shared rules "
            + "in docs/derivatives.md.",
        FeatureFamily.TimeQuality => "Cyclical encodings of the decision time and data-quality flags.",
        FeatureFamily.Microstructure => "Statistics of the finer sub-bars each bar was resampled from (VWAP deviation, intrabar realized volatility, "
            + "volume dispersion); offered on frames produced by the Resampler (see docs/resampling.md).",
        _ => $"Features of the `{family.Id()}` family.",
    };

    private static string Index(FeatureCatalog catalog, IReadOnlyList<FeatureInfo> infos, IReadOnlyList<FeatureFamily> families)
    {
        var sb = new StringBuilder();
        Header(sb);
        sb.Append("# Feature catalogue\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Catalogue version {catalog.Version}: {infos.Count} features in {families.Count} families. ");
        sb.Append("Every feature is computed by `FeatureEngineer` from a `MarketFrame`; its name is the column name in every output.\n\n");
        sb.Append("| family | features | page |\n|---|---:|---|\n");
        foreach (var family in families)
        {
            int count = infos.Count(f => f.Definition.Family == family);
            sb.Append(CultureInfo.InvariantCulture, $"| `{family.Id()}` | {count} | [{Title(family)}]({family.Id()}.md) |\n");
        }

        sb.Append("\nHow to read the pages:\n\n");
        sb.Append("* **inputs**: the `MarketFrame` columns the feature reads. A feature whose inputs the frame lacks is not computed; asking for it by name is an error naming the missing column.\n");
        sb.Append("* **lookback**: the number of leading NaN values on clean input at the 1h timeframe (the first valid index). ");
        sb.Append("Horizon features (`_1h`, `_4h`, `_24h`, `_168h` …) span horizon / Δ bars and are offered only where the horizon is a whole multiple of the timeframe Δ.\n");
        sb.Append("* **TA-Lib**: the TA-Lib function the feature equals (same seeding, same first valid index), when it is defined as one.\n");
        sb.Append("* **NaN rule**: what a missing (NaN) input does and how the feature recovers.\n\n");
        sb.Append("Conventions (bar open time, decision time, no look-ahead, NaN, numerics, annualization): [../conventions.md](../conventions.md).\n\n");
        sb.Append("## All features\n\n");
        foreach (var family in families)
        {
            var names = infos.Where(f => f.Definition.Family == family).Select(f => $"`{f.Name}`").ToArray();
            sb.Append(CultureInfo.InvariantCulture, $"* [{family.Id()}]({family.Id()}.md): {(names.Length > 0 ? string.Join(", ", names) : "(none yet)")}\n");
        }

        return sb.ToString();
    }

    private static string FamilyPage(FeatureFamily family, IReadOnlyList<FeatureInfo> features)
    {
        var sb = new StringBuilder();
        Header(sb);
        sb.Append(CultureInfo.InvariantCulture, $"# {Title(family)}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Family `{family.Id()}`: {Blurb(family)}\n\n");
        if (features.Count == 0)
        {
            sb.Append("This catalogue version has no features in this family.\n");
            return sb.ToString();
        }

        sb.Append(CultureInfo.InvariantCulture, $"{features.Count} features. Lookback = leading NaN bars on clean input at 1h. ");
        sb.Append("Select the family with `quantfeatures compute --family ").Append(family.Id()).Append("` or `FeatureEngineer.Compute(frame, FeatureFamily.").Append(family).Append(")`.\n\n");
        sb.Append("| name | description | inputs | lookback | TA-Lib | formula | NaN rule |\n");
        sb.Append("|---|---|---|---|---|---|---|\n");
        foreach (var f in features)
        {
            var d = f.Definition;
            string lookback = f.LookbackText;
            if (f.TimeframeRule is not null)
            {
                lookback += "; whole multiples of Δ only";
            }

            sb.Append("| `").Append(Cell(f.Name)).Append("` | ")
                .Append(Cell(d.Description)).Append(" | ")
                .Append(f.Inputs.Count > 0 ? Cell(string.Join(", ", f.Inputs)) : "(time only)").Append(" | ")
                .Append(Cell(lookback)).Append(" | ")
                .Append(d.TaLibFunction is null ? "—" : "`" + Cell(d.TaLibFunction) + "`").Append(" | ")
                .Append(Code(d.Formula)).Append(" | ")
                .Append(Cell(d.NanRule)).Append(" |\n");
        }

        var withParameters = features.Where(f => f.Definition.Parameters.Count > 0).ToArray();
        if (withParameters.Length > 0)
        {
            sb.Append("\n## Parameters\n\n| name | parameters |\n|---|---|\n");
            foreach (var f in withParameters)
            {
                sb.Append("| `").Append(Cell(f.Name)).Append("` | ").Append(Cell(f.ParametersText)).Append(" |\n");
            }
        }

        return sb.ToString();
    }

    private static void Header(StringBuilder sb) =>
        sb.Append("<!-- Generated from FeatureCatalog.Default by `").Append(RegenerateCommand).Append("`. Do not edit by hand. -->\n\n");

    /// <summary>Escapes text for a Markdown table cell: pipes, HTML brackets and line breaks.</summary>
    public static string Cell(string text) =>
        text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)
            .Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A code span for a table cell (pipes escaped as GitHub tables require even inside code).</summary>
    public static string Code(string text)
    {
        string body = text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);
        return body.Contains('`', StringComparison.Ordinal) ? "`` " + body + " ``" : "`" + body + "`";
    }
}
