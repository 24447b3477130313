using System.Runtime.CompilerServices;
using QuantFeatures.Internal;
using QuantFeatures.Quality;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>
    /// Bar quality score in [0, 1]: 0 for an invalid bar (any of O, H, L, C ≤ 0, or H &lt; L, or H &lt; max(O, C), or
    /// L &gt; min(O, C)), else <c>completeness × (1 − 0.5 · gap) × (1 − 0.5 · anomaly)</c>.
    /// </summary>
    /// <param name="open">Open prices.</param>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="completeness">Data completeness column (<see cref="DataCompleteness"/>).</param>
    /// <param name="gapDetected">Gap flag column (<see cref="GapDetected"/>).</param>
    /// <param name="volumeAnomaly">Volume anomaly column (<see cref="VolumeAnomaly"/>), or empty when the frame has no volume (counts as 0).</param>
    /// <param name="destination">Output in [0, 1].</param>
    /// <remarks>
    /// <para>A NaN anomaly (NaN volume) counts as 0: the missing volume already lowers the completeness. NaN prices do not
    /// make a bar invalid (the comparisons are false); they lower the completeness. Staleness of sparse sources enters
    /// through the completeness, because the loader turns values older than their staleness limit into NaN. The invalid-bar
    /// rule is the one of the validator's price checks (<see cref="QualityCheck.NonPositivePrices"/>,
    /// <see cref="QualityCheck.HighBelowLow"/>, <see cref="QualityCheck.OpenCloseOutsideRange"/>).</para>
    /// <para>Lookback 0; never NaN for a finite completeness. Equals <see cref="QualityScoreState.Update(long, double, double, double, double, double, ReadOnlySpan{double})"/> bit for bit.</para>
    /// </remarks>
    public static void QualityScore(ReadOnlySpan<double> open, ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        ReadOnlySpan<double> completeness, ReadOnlySpan<double> gapDetected, ReadOnlySpan<double> volumeAnomaly, Span<double> destination) =>
        QualityScore(open, high, low, close, completeness, gapDetected, volumeAnomaly, default, destination);

    /// <summary>
    /// Bar quality score of a resampled bar: as <see cref="QualityScore(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>,
    /// multiplied by the share of the bar covered by its sub-bars (<c>intrabar_coverage</c>).
    /// </summary>
    /// <param name="open">Open prices.</param>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="completeness">Data completeness column.</param>
    /// <param name="gapDetected">Gap flag column.</param>
    /// <param name="volumeAnomaly">Volume anomaly column, or empty (counts as 0).</param>
    /// <param name="coverage">Sub-bar coverage in [0, 1] (<see cref="MarketColumn.IntrabarCoverage"/>), or empty (counts as 1);
    /// clamped to [0, 1], NaN counts as 0 (unknown coverage, as the resampler reads it).</param>
    /// <param name="destination">Output in [0, 1].</param>
    /// <remarks>Lookback 0; never NaN for a finite completeness. Equals <see cref="QualityScoreState.Update(long, double, double, double, double, double, double, ReadOnlySpan{double})"/> bit for bit.</remarks>
    public static void QualityScore(ReadOnlySpan<double> open, ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        ReadOnlySpan<double> completeness, ReadOnlySpan<double> gapDetected, ReadOnlySpan<double> volumeAnomaly, ReadOnlySpan<double> coverage,
        Span<double> destination)
    {
        CheckOhlc(open, high, low, close, destination);
        Guard.SameLength(open.Length, completeness.Length, nameof(completeness));
        Guard.SameLength(open.Length, gapDetected.Length, nameof(gapDetected));
        bool hasAnomaly = !volumeAnomaly.IsEmpty;
        if (hasAnomaly)
        {
            Guard.SameLength(open.Length, volumeAnomaly.Length, nameof(volumeAnomaly));
        }

        bool hasCoverage = !coverage.IsEmpty;
        if (hasCoverage)
        {
            Guard.SameLength(open.Length, coverage.Length, nameof(coverage));
        }

        for (int i = 0; i < open.Length; i++)
        {
            destination[i] = QualityScoreState.Combine(open[i], high[i], low[i], close[i], completeness[i], gapDetected[i],
                hasAnomaly ? volumeAnomaly[i] : 0.0, hasCoverage ? coverage[i] : 1.0);
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.QualityScore(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>:
/// the gap, volume-anomaly and completeness steps combined.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct QualityScoreState
{
    private GapState _gap;
    private VolumeAnomalyState _anomaly;
    private readonly DataCompletenessState _completeness;

    /// <summary>Creates the state (catalogue: volume z-score period 20, threshold 5).</summary>
    /// <param name="timeframeMilliseconds">Bar length Δ in milliseconds.</param>
    /// <param name="columns">Number of input columns counted by the completeness (the frame's present columns, without the
    /// resampler's sub-bar statistics).</param>
    /// <param name="volumePeriod">z-score window of the volume anomaly.</param>
    /// <param name="volumeThreshold">z-score threshold of the volume anomaly.</param>
    public QualityScoreState(long timeframeMilliseconds, int columns, int volumePeriod, double volumeThreshold)
    {
        _gap = new GapState(timeframeMilliseconds);
        _anomaly = new VolumeAnomalyState(volumePeriod, volumeThreshold);
        _completeness = new DataCompletenessState(columns);
    }

    /// <summary>Adds the next bar and returns its score.</summary>
    /// <param name="openTime">Bar open time, Unix ms UTC.</param>
    /// <param name="open">Open price.</param>
    /// <param name="high">High price.</param>
    /// <param name="low">Low price.</param>
    /// <param name="close">Close price.</param>
    /// <param name="volume">Volume, or NaN when the frame has no volume column (no anomaly is then flagged).</param>
    /// <param name="row">The bar's values of every input column counted by the completeness.</param>
    public double Update(long openTime, double open, double high, double low, double close, double volume, ReadOnlySpan<double> row) =>
        Update(openTime, open, high, low, close, volume, 1.0, row);

    /// <summary>Adds the next bar of a resampled frame and returns its score (multiplied by the bar's sub-bar coverage).</summary>
    /// <param name="openTime">Bar open time, Unix ms UTC.</param>
    /// <param name="open">Open price.</param>
    /// <param name="high">High price.</param>
    /// <param name="low">Low price.</param>
    /// <param name="close">Close price.</param>
    /// <param name="volume">Volume, or NaN when the frame has no volume column.</param>
    /// <param name="coverage">The bar's <c>intrabar_coverage</c> (1 when the frame has none).</param>
    /// <param name="row">The bar's values of every input column counted by the completeness.</param>
    public double Update(long openTime, double open, double high, double low, double close, double volume, double coverage, ReadOnlySpan<double> row)
    {
        double gap = _gap.Update(openTime);
        double anomaly = _anomaly.Update(volume);
        return Combine(open, high, low, close, _completeness.Update(row), gap, anomaly, coverage);
    }

    /// <summary>0 for an invalid bar, else completeness × (1 − 0.5·gap) × (1 − 0.5·anomaly) × coverage, a NaN anomaly counting
    /// as 0 and the coverage clamped to [0, 1] (NaN as 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Combine(double open, double high, double low, double close, double completeness, double gap, double anomaly, double coverage)
    {
        if (QualityRules.IsInvalidBar(open, high, low, close))
        {
            return 0.0;
        }

        double a = double.IsNaN(anomaly) ? 0.0 : anomaly;
        double c = coverage >= 1.0 ? 1.0 : coverage > 0.0 ? coverage : 0.0;
        return completeness * (1.0 - 0.5 * gap) * (1.0 - 0.5 * a) * c;
    }
}
