namespace QuantFeatures.Data;

/// <summary>What <see cref="Resampler"/> does with a target bar whose sub-bars are not all present.</summary>
/// <remarks>
/// A target bar is complete when its sub-bars cover its whole length Δ (<c>intrabar_coverage</c> = 1). Every policy keeps
/// the <c>intrabar_coverage</c> column, so a kept incomplete bar is always visible as one. All three policies commute with
/// chaining: resampling 1m → 15m → 1h with a policy gives the same bars as 1m → 1h with that policy.
/// </remarks>
public enum IncompleteBarPolicy
{
    /// <summary>
    /// Drop the incomplete bars at the edges of the data — every bar before the first complete bar and after the last
    /// complete bar (typically a first bar that starts mid-period and a last bar still being formed) — and keep the
    /// incomplete bars in between (sub-bars missing inside the data), flagged by <c>intrabar_coverage</c> &lt; 1.
    /// No bar is kept when no bar is complete. The default.
    /// </summary>
    DropEdges,

    /// <summary>Keep only complete bars.</summary>
    DropAll,

    /// <summary>Keep every target bar that holds at least one sub-bar, including the edges.</summary>
    KeepAll,
}

/// <summary>How a source column is aggregated into a target bar by <see cref="Resampler"/>.</summary>
public enum ResampleAggregation
{
    /// <summary>The first sub-bar's value (<c>open</c>).</summary>
    First,

    /// <summary>The largest sub-bar value (<c>high</c>); NaN when any sub-bar value is NaN.</summary>
    Max,

    /// <summary>The smallest sub-bar value (<c>low</c>); NaN when any sub-bar value is NaN.</summary>
    Min,

    /// <summary>The last sub-bar's value: <c>close</c> and every "as of the decision time" column (open interest, funding,
    /// mark and index prices, ratios), because the target bar's decision time is its last sub-bar's decision time.</summary>
    Last,

    /// <summary>The sum of the sub-bar values (volumes, trades, taker and liquidation columns); NaN when any is NaN.</summary>
    Sum,

    /// <summary>Recomputed from the sub-bars, not aggregated: the <see cref="MarketColumns.Intrabar"/> statistics.</summary>
    Intrabar,
}

/// <summary>Options of <see cref="Resampler"/>.</summary>
public sealed record ResampleOptions
{
    /// <summary>The defaults: drop incomplete edge bars, add the sub-bar statistics, bars aligned to the Unix epoch.</summary>
    public static ResampleOptions Default { get; } = new();

    /// <summary>What to do with target bars whose sub-bars are not all present (default <see cref="IncompleteBarPolicy.DropEdges"/>).</summary>
    public IncompleteBarPolicy IncompleteBars { get; init; } = IncompleteBarPolicy.DropEdges;

    /// <summary>
    /// Whether to add the sub-bar statistics <c>intrabar_vwap</c>, <c>intrabar_realized_vol</c> and <c>intrabar_volume_cv</c>
    /// that the microstructure features read (default true). <c>intrabar_coverage</c> is always added.
    /// </summary>
    public bool IntrabarStatistics { get; init; } = true;

    /// <summary>
    /// The origin of the target bar grid, Unix ms: target bars open at <c>Origin + k·Δ</c>. Default 0 (the Unix epoch), so
    /// 1h, 4h and 1d bars open on UTC hour and day boundaries. Weekly bars from the epoch open on Thursdays (1970-01-01
    /// was a Thursday); pass 4 days (345,600,000 ms, 1970-01-05) for weeks that open on Monday 00:00 UTC.
    /// </summary>
    public long Origin { get; init; }
}

/// <summary>The outcome of <see cref="Resampler.ResampleDetailed"/>: the frame and what happened to incomplete bars.</summary>
public sealed class ResampleResult
{
    internal ResampleResult(MarketFrame frame, int sourceBars, int targetPeriods, int incompleteKept, int incompleteDropped)
    {
        Frame = frame;
        SourceBars = sourceBars;
        TargetPeriods = targetPeriods;
        IncompleteBarsKept = incompleteKept;
        IncompleteBarsDropped = incompleteDropped;
    }

    /// <summary>The resampled frame.</summary>
    public MarketFrame Frame { get; }

    /// <summary>Number of source bars read.</summary>
    public int SourceBars { get; }

    /// <summary>Number of target periods that held at least one sub-bar (before the incomplete-bar policy).</summary>
    public int TargetPeriods { get; }

    /// <summary>Number of incomplete bars kept (<c>intrabar_coverage</c> &lt; 1).</summary>
    public int IncompleteBarsKept { get; }

    /// <summary>Number of incomplete bars dropped by the policy.</summary>
    public int IncompleteBarsDropped { get; }
}
