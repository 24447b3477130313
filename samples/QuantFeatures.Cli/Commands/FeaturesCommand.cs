using QuantFeatures.Cli.Catalog;
using QuantFeatures.Cli.CommandLine;

namespace QuantFeatures.Cli.Commands;

/// <summary><c>features [--family F] [--json]</c>: lists the catalogue.</summary>
public sealed class FeaturesCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "features";

    /// <inheritdoc/>
    public string Summary => "List the feature catalogue: names, inputs, lookback, TA-Lib function, formula, NaN rule, parameters.";

    /// <inheritdoc/>
    public string Usage => "features [--family F] [--json]";

    /// <inheritdoc/>
    public string Details => """
        Lookback is the number of leading NaN bars on clean input at the 1h timeframe; horizon features (e.g. return_4h)
        span horizon/Δ bars and exist only at timeframes that divide the horizon.

        Examples:
          quantfeatures features
          quantfeatures features --family volume
          quantfeatures features --json > catalog.json
        """;

    /// <inheritdoc/>
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("family", "F", "Only this family (or a comma-separated list): " + string.Join(", ", Enum.GetValues<FeatureFamily>().Select(f => f.Id())) + "."),
        new("json", null, "Print a JSON array instead of text."),
    ];

    /// <inheritdoc/>
    public int Execute(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        IEnumerable<FeatureInfo> infos = FeatureInfo.Of(FeatureCatalog.Default);
        if (args.GetList("family") is { } families)
        {
            var wanted = families.Select(FeatureFamilies.Parse).ToHashSet();
            infos = infos.Where(f => wanted.Contains(f.Definition.Family));
        }

        var list = infos.ToArray();
        if (args.Has("json"))
        {
            stdout.Write(CatalogJson.Serialize(list));
            stdout.Write('\n');
        }
        else
        {
            CatalogText.Write(list, stdout);
        }

        return 0;
    }
}
