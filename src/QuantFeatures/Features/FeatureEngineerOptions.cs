namespace QuantFeatures;

/// <summary>Options of a <see cref="FeatureEngineer"/>.</summary>
public sealed record FeatureEngineerOptions
{
    /// <summary>
    /// Periods per year used to annualize volatility. Null (the default) means a 24/7 market:
    /// 365 × 86,400 s / Δ. Set it for session markets, e.g. 252 for daily equity bars.
    /// </summary>
    public double? PeriodsPerYear { get; init; }

    /// <summary>Default options.</summary>
    public static FeatureEngineerOptions Default { get; } = new();
}
