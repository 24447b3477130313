namespace QuantFeatures.Quality;

/// <summary>Options of <see cref="DataValidator"/>.</summary>
public sealed record ValidationOptions
{
    /// <summary>
    /// Default staleness limits: 1 hour for open interest (base and value), the positioning ratios and the mark and index prices
    /// (published every few minutes, so an hour without change means the feed stopped). Funding rates and intervals are not
    /// checked by default: the same rate often repeats for days (e.g. the 0.01 % baseline).
    /// </summary>
    public static IReadOnlyDictionary<MarketColumn, TimeSpan> DefaultStalenessLimits { get; } = new Dictionary<MarketColumn, TimeSpan>
    {
        [MarketColumn.OpenInterest] = TimeSpan.FromHours(1),
        [MarketColumn.OpenInterestValue] = TimeSpan.FromHours(1),
        [MarketColumn.LongShortRatio] = TimeSpan.FromHours(1),
        [MarketColumn.TopTraderLongShortRatio] = TimeSpan.FromHours(1),
        [MarketColumn.TopTraderPositionRatio] = TimeSpan.FromHours(1),
        [MarketColumn.TakerLongShortVolRatio] = TimeSpan.FromHours(1),
        [MarketColumn.MarkPrice] = TimeSpan.FromHours(1),
        [MarketColumn.IndexPrice] = TimeSpan.FromHours(1),
    };

    /// <summary>The defaults: OHLCV expected, the default staleness limits, 5 example times per check.</summary>
    public static ValidationOptions Default { get; } = new();

    /// <summary>Columns the data should have (default open, high, low, close, volume); each absent or all-NaN one is a
    /// <see cref="QualityCheck.MissingColumns"/> finding.</summary>
    public IReadOnlyList<MarketColumn> ExpectedColumns { get; init; } =
        [MarketColumn.Open, MarketColumn.High, MarketColumn.Low, MarketColumn.Close, MarketColumn.Volume];

    /// <summary>
    /// For each sparse column checked by <see cref="QualityCheck.StaleValues"/>, how long its value may stay unchanged: a bar
    /// is stale when the value has been the same (non-NaN) since a bar opened more than the limit earlier.
    /// </summary>
    public IReadOnlyDictionary<MarketColumn, TimeSpan> StalenessLimits { get; init; } = DefaultStalenessLimits;

    /// <summary>How many offending times each finding lists (the first ones; default 5, at least 1).</summary>
    public int MaxExamples { get; init; } = 5;
}
