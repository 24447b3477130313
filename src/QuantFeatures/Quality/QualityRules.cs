using System.Runtime.CompilerServices;

namespace QuantFeatures.Quality;

/// <summary>
/// The definitions shared by the quality checks of <see cref="DataValidator"/> and the quality features
/// (<c>gap_detected</c>, <c>volume_anomaly</c>, <c>quality_score</c>): one place, so a bar the validator reports is exactly a
/// bar the features flag.
/// </summary>
internal static class QualityRules
{
    /// <summary>Window of the volume z-score of the volume-anomaly rule (bars before the current one).</summary>
    public const int VolumeAnomalyPeriod = 20;

    /// <summary>z-score above which a volume is anomalous.</summary>
    public const double VolumeAnomalyThreshold = 5.0;

    /// <summary>Δ + ⌊Δ/10⌋: for integer millisecond differences, diff &gt; this ⇔ diff &gt; 1.1 Δ (a gap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long GapLimit(long timeframeMilliseconds) => timeframeMilliseconds + (timeframeMilliseconds / 10);

    /// <summary>Whether two consecutive open times <paramref name="difference"/> ms apart have a gap between them (&gt; 1.1 Δ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsGap(long difference, long timeframeMilliseconds) => difference > GapLimit(timeframeMilliseconds);

    /// <summary>Bar slots missing between two open times <paramref name="difference"/> ms apart: ⌈diff / Δ⌉ − 1 (≥ 1 for a gap).</summary>
    public static long MissingBars(long difference, long timeframeMilliseconds) =>
        difference <= timeframeMilliseconds ? 0 : ((difference + timeframeMilliseconds - 1) / timeframeMilliseconds) - 1;

    /// <summary>Any of O, H, L, C ≤ 0 (NaN is not ≤ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasNonPositivePrice(double open, double high, double low, double close) => open <= 0 || high <= 0 || low <= 0 || close <= 0;

    /// <summary>H &lt; L.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsHighBelowLow(double high, double low) => high < low;

    /// <summary>H &lt; max(O, C) or L &gt; min(O, C): the open or close lies outside the bar's range (false when O or C is NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsOpenCloseOutsideRange(double open, double high, double low, double close) =>
        high < Math.Max(open, close) || low > Math.Min(open, close);

    /// <summary>An invalid bar for <c>quality_score</c>: a non-positive price, H &lt; L, or the open/close outside [L, H].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsInvalidBar(double open, double high, double low, double close) =>
        HasNonPositivePrice(open, high, low, close) || IsHighBelowLow(high, low) || IsOpenCloseOutsideRange(open, high, low, close);
}
