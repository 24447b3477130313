namespace QuantFeatures;

/// <summary>Options of a <see cref="FeatureEngineer"/>.</summary>
public sealed record FeatureEngineerOptions
{
    /// <summary>
    /// Periods per year used to annualize volatility. Null (the default) means a 24/7 market:
    /// 365 × 86,400 s / Δ. Set it for session markets, e.g. 252 for daily equity bars.
    /// </summary>
    public double? PeriodsPerYear { get; init; }

    /// <summary>
    /// Threads used by one engine call: families of one frame are computed in parallel, and
    /// <see cref="FeatureEngineer.ComputeMany"/> computes frames (symbols) in parallel. 1 (the default) is single-threaded.
    /// Results never depend on this value: every column is computed by the same deterministic code.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;

    /// <summary>Default options.</summary>
    public static FeatureEngineerOptions Default { get; } = new();
}
