namespace QuantFeatures.Quality;

/// <summary>How serious a failed check is.</summary>
public enum QualitySeverity
{
    /// <summary>The data can be used, but the finding lowers the quality (features give NaN or flags where it matters).</summary>
    Warning,

    /// <summary>The data is wrong or cannot become a <see cref="MarketFrame"/> as it is: fix it (see <see cref="DataCleaner"/>)
    /// or drop it before computing features (<see cref="QualityReport.HasFatal"/>).</summary>
    Fatal,
}

/// <summary>The checks of <see cref="DataValidator"/>, in report order.</summary>
public enum QualityCheck
{
    /// <summary><c>empty_frame</c> (fatal): no bars at all.</summary>
    EmptyFrame,

    /// <summary><c>missing_columns</c>: an expected column (<see cref="ValidationOptions.ExpectedColumns"/>) is absent or
    /// entirely NaN. Fatal when it is one of open, high, low, close; a warning otherwise.</summary>
    MissingColumns,

    /// <summary><c>nan_values</c> (warning): NaN cells (missing values) in the present columns.</summary>
    NaNValues,

    /// <summary><c>infinite_values</c> (fatal): ±∞ cells.</summary>
    InfiniteValues,

    /// <summary><c>non_positive_prices</c> (fatal): bars with an open, high, low or close ≤ 0.</summary>
    NonPositivePrices,

    /// <summary><c>high_below_low</c> (fatal): bars with high &lt; low.</summary>
    HighBelowLow,

    /// <summary><c>open_close_outside_range</c> (warning): bars with high &lt; max(open, close) or low &gt; min(open, close).</summary>
    OpenCloseOutsideRange,

    /// <summary><c>negative_volume</c> (fatal): a negative volume, quote volume, trade count, taker volume or liquidation value.</summary>
    NegativeVolume,

    /// <summary><c>duplicate_times</c> (fatal): rows whose open time already appeared (raw records only: a frame cannot hold them).</summary>
    DuplicateTimes,

    /// <summary><c>unsorted_times</c> (fatal): rows whose open time is earlier than the row before (raw records only).</summary>
    UnsortedTimes,

    /// <summary><c>gaps</c> (warning): consecutive open times more than 1.1 Δ apart — the rule of the <c>gap_detected</c> feature.</summary>
    Gaps,

    /// <summary><c>volume_anomalies</c> (warning): bars with zero volume or a volume z-score above 5 against the 20 bars before
    /// them — the rule of the <c>volume_anomaly</c> feature.</summary>
    VolumeAnomalies,

    /// <summary><c>stale_values</c> (warning): a sparse column (open interest, ratios, mark/index price …) carried forward
    /// unchanged for longer than its limit (<see cref="ValidationOptions.StalenessLimits"/>).</summary>
    StaleValues,

    /// <summary><c>incomplete_bars</c> (warning): resampled bars whose sub-bars do not cover the whole bar
    /// (<c>intrabar_coverage</c> &lt; 1).</summary>
    IncompleteBars,
}

/// <summary>Identifiers, severities and descriptions of <see cref="QualityCheck"/>.</summary>
public static class QualityChecks
{
    /// <summary>Every check, in report order.</summary>
    public static IReadOnlyList<QualityCheck> All { get; } = Enum.GetValues<QualityCheck>();

    /// <summary>The snake_case identifier of a check, e.g. <c>high_below_low</c>.</summary>
    public static string Id(this QualityCheck check) => check switch
    {
        QualityCheck.EmptyFrame => "empty_frame",
        QualityCheck.MissingColumns => "missing_columns",
        QualityCheck.NaNValues => "nan_values",
        QualityCheck.InfiniteValues => "infinite_values",
        QualityCheck.NonPositivePrices => "non_positive_prices",
        QualityCheck.HighBelowLow => "high_below_low",
        QualityCheck.OpenCloseOutsideRange => "open_close_outside_range",
        QualityCheck.NegativeVolume => "negative_volume",
        QualityCheck.DuplicateTimes => "duplicate_times",
        QualityCheck.UnsortedTimes => "unsorted_times",
        QualityCheck.Gaps => "gaps",
        QualityCheck.VolumeAnomalies => "volume_anomalies",
        QualityCheck.StaleValues => "stale_values",
        QualityCheck.IncompleteBars => "incomplete_bars",
        _ => throw new ArgumentOutOfRangeException(nameof(check), check, "Unknown quality check."),
    };

    /// <summary>The severity of a failed check (<see cref="QualityCheck.MissingColumns"/> is fatal only for a price column).</summary>
    public static QualitySeverity DefaultSeverity(this QualityCheck check)
    {
        _ = check.Id(); // unknown values throw
        return check switch
        {
            QualityCheck.EmptyFrame or QualityCheck.MissingColumns or QualityCheck.InfiniteValues or QualityCheck.NonPositivePrices
                or QualityCheck.HighBelowLow or QualityCheck.NegativeVolume or QualityCheck.DuplicateTimes or QualityCheck.UnsortedTimes => QualitySeverity.Fatal,
            _ => QualitySeverity.Warning,
        };
    }

    /// <summary>What the check looks for, in one line.</summary>
    public static string Description(this QualityCheck check) => check switch
    {
        QualityCheck.EmptyFrame => "no bars",
        QualityCheck.MissingColumns => "expected column absent or entirely NaN",
        QualityCheck.NaNValues => "missing (NaN) values",
        QualityCheck.InfiniteValues => "infinite values",
        QualityCheck.NonPositivePrices => "open, high, low or close <= 0",
        QualityCheck.HighBelowLow => "high < low",
        QualityCheck.OpenCloseOutsideRange => "high < max(open, close) or low > min(open, close)",
        QualityCheck.NegativeVolume => "negative volume, trades, taker or liquidation value",
        QualityCheck.DuplicateTimes => "open time repeated",
        QualityCheck.UnsortedTimes => "open time earlier than the row before",
        QualityCheck.Gaps => "open times more than 1.1 timeframes apart",
        QualityCheck.VolumeAnomalies => "volume = 0 or volume z-score (20 bars before) > 5",
        QualityCheck.StaleValues => "sparse value unchanged longer than its staleness limit",
        QualityCheck.IncompleteBars => "resampled bar with missing sub-bars (intrabar_coverage < 1)",
        _ => throw new ArgumentOutOfRangeException(nameof(check), check, "Unknown quality check."),
    };
}
