namespace QuantFeatures;

/// <summary>
/// The catalogue of features: one declarative <see cref="FeatureDefinition"/> per feature, in the order of the
/// feature contract (FEATURES.md). It drives the engine, the CLI listing, the docs, the tests and the benchmarks.
/// </summary>
public sealed class FeatureCatalog
{
    /// <summary>The catalogue version, stored with feature outputs so that stored features can be traced to their definitions.</summary>
    public const string CatalogVersion = "1.0.0";

    private readonly Dictionary<string, FeatureDefinition> _byName;

    private FeatureCatalog(IReadOnlyList<FeatureDefinition> features)
    {
        Features = features;
        _byName = features.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    /// <summary>The catalogue of every feature this library computes.</summary>
    public static FeatureCatalog Default { get; } = Build();

    /// <summary>The catalogue version (<see cref="CatalogVersion"/>).</summary>
    public string Version => CatalogVersion;

    /// <summary>Every feature, in contract order.</summary>
    public IReadOnlyList<FeatureDefinition> Features { get; }

    /// <summary>Number of features.</summary>
    public int Count => Features.Count;

    /// <summary>Looks a feature up by name.</summary>
    public bool TryGet(string name, out FeatureDefinition definition) => _byName.TryGetValue(name, out definition!);

    /// <summary>A feature by name.</summary>
    /// <exception cref="ArgumentException">Unknown feature name; the message names it.</exception>
    public FeatureDefinition Get(string name) =>
        TryGet(name, out var d) ? d : throw new ArgumentException($"Unknown feature '{name}'. Run `quantfeatures features` or see FeatureCatalog.Default.Features for the names.", nameof(name));

    /// <summary>The features of one family, in contract order.</summary>
    public IReadOnlyList<FeatureDefinition> InFamily(FeatureFamily family) => Features.Where(f => f.Family == family).ToArray();

    /// <summary>The features that can be computed on this frame: inputs present and offered at its timeframe.</summary>
    public IReadOnlyList<FeatureDefinition> AvailableFor(MarketFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Features.Where(f => f.MissingInputs(frame).Count == 0 && f.UnavailableReason(frame.Timeframe) is null).ToArray();
    }

    private static FeatureCatalog Build()
    {
        var b = new CatalogBuilder();
        PriceCatalog.Register(b);
        PriceTaLibCatalog.Register(b);
        PriceStatsCatalog.Register(b);
        VolumeCatalog.Register(b);
        OpenInterestCatalog.Register(b);
        FundingCatalog.Register(b);
        LiquidationsCatalog.Register(b);
        PositioningCatalog.Register(b);
        TimeQualityCatalog.Register(b);
        MicrostructureCatalog.Register(b);
        return new FeatureCatalog(b.Ordered(ContractOrder.Names));
    }
}
