using QuantFeatures.Kernels;
using QuantFeatures.Quality;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures;

/// <summary>Catalogue entries of the time and quality family.</summary>
internal static class TimeQualityCatalog
{
    private const string NeverNan = "Never NaN (uses only the frame's times).";

    public static void Register(CatalogBuilder b)
    {
        RegisterCalendar(b);
        RegisterQuality(b);
    }

    private static void RegisterCalendar(CatalogBuilder b)
    {
        const string Hour = "θ = 2π · (seconds since 00:00 UTC of the decision time τ = open time + Δ) / 86,400 (continuous, not only whole hours)";
        const string Week = "θ = 2π · (days since Monday 00:00 UTC of τ = open time + Δ, fraction included) / 7";
        b.Add("hour_sin", FeatureFamily.TimeQuality, [Close], Indicators.CalendarLookback(),
            "Sine of the time of day of the bar's decision time (UTC).", "sin θ, " + Hour, NeverNan, (ctx, d) => HourOfDay(ctx)[0].CopyTo(d));
        b.Add("hour_cos", FeatureFamily.TimeQuality, [Close], Indicators.CalendarLookback(),
            "Cosine of the time of day of the bar's decision time (UTC).", "cos θ, " + Hour, NeverNan, (ctx, d) => HourOfDay(ctx)[1].CopyTo(d));
        b.Add("dow_sin", FeatureFamily.TimeQuality, [Close], Indicators.CalendarLookback(),
            "Sine of the day of week of the bar's decision time (UTC, Monday 00:00 = 0).", "sin θ, " + Week, NeverNan, (ctx, d) => DayOfWeek(ctx)[0].CopyTo(d));
        b.Add("dow_cos", FeatureFamily.TimeQuality, [Close], Indicators.CalendarLookback(),
            "Cosine of the day of week of the bar's decision time (UTC, Monday 00:00 = 0).", "cos θ, " + Week, NeverNan, (ctx, d) => DayOfWeek(ctx)[1].CopyTo(d));
        b.Add("gap_detected", FeatureFamily.TimeQuality, [Close], Indicators.CalendarLookback(),
            "1 when at least one bar is missing before this one (open times more than 1.1 Δ apart), else 0; 0 at the first bar.",
            "1 if time_t - time_(t-1) > 1.1 Δ else 0", NeverNan, (ctx, d) => Indicators.GapDetected(ctx.Frame.Time, ctx.Timeframe.Milliseconds, d));
    }

    private static void RegisterQuality(CatalogBuilder b)
    {
        b.Add("volume_anomaly", FeatureFamily.TimeQuality, [Volume], Indicators.VolumeAnomalyLookback(),
            "1 when the bar's volume is zero or more than 5 standard deviations above the mean of the preceding 20 bars, else 0. The z-score is taken against the preceding window because a 20-bar window that includes the bar caps any z-score at 19/√20 ≈ 4.25, so 'z > 5' could never fire. During the first 20 bars (and while the z-score is undefined) only zero volume is flagged.",
            "1 if V = 0 or (V_t - mean(V, t-20..t-1)) / std(V, t-20..t-1) > 5 else 0", "NaN when V is NaN; otherwise 0 or 1 (an undefined z-score counts as not anomalous).",
            (ctx, d) => Indicators.VolumeAnomaly(ctx.Input(Volume), QualityRules.VolumeAnomalyPeriod, QualityRules.VolumeAnomalyThreshold, d),
            [FeatureParameter.Period(QualityRules.VolumeAnomalyPeriod, min: 2),
                new FeatureParameter("threshold", QualityRules.VolumeAnomalyThreshold, double.MinValue, double.MaxValue)]);
        b.Add("data_completeness", FeatureFamily.TimeQuality, MarketColumns.Required.ToArray(), 0,
            "Share of the frame's present input columns (every column the frame has, not only OHLC) that are not NaN at the bar. Stale sparse values, which the loader turns into NaN, lower it. The resampler's sub-bar statistics (intrabar_*) are derived values, not inputs, and are not counted.",
            "count(non-NaN present columns at t) / count(present columns), intrabar_* columns excluded", "Never NaN.",
            (ctx, d) => Indicators.DataCompleteness(CompletenessColumns(ctx.Frame), d));
        b.Add("quality_score", FeatureFamily.TimeQuality, MarketColumns.Required.ToArray(), 0,
            "Bar quality in [0, 1]: 0 for an invalid bar, else data_completeness halved by a gap before the bar and halved by a volume anomaly (volume_anomaly is used when the frame has volume; a NaN anomaly counts as 0), times the share of the bar covered by its sub-bars on a resampled frame (intrabar_coverage, 1 otherwise). Staleness of sparse sources enters through data_completeness, because the loader turns values past their staleness limit into NaN. The rules are those of the data-quality validator.",
            "0 if any of O, H, L, C <= 0 or H < L or H < max(O, C) or L > min(O, C); else data_completeness × (1 - 0.5 gap_detected) × (1 - 0.5 volume_anomaly) × intrabar_coverage",
            "Never NaN: NaN prices do not invalidate the bar but lower data_completeness; a NaN intrabar_coverage counts as 0.",
            (ctx, d) => Indicators.QualityScore(ctx.Input(Open), ctx.Input(High), ctx.Input(Low), ctx.Close, ctx.Feature("data_completeness"),
                ctx.Feature("gap_detected"), ctx.Frame.Has(Volume) ? ctx.Feature("volume_anomaly") : default,
                ctx.Frame.Has(IntrabarCoverage) ? ctx.Input(IntrabarCoverage) : default, d));
    }

    /// <summary>The columns <c>data_completeness</c> counts: every present column except the resampler's sub-bar statistics.</summary>
    internal static ReadOnlyMemory<double>[] CompletenessColumns(MarketFrame frame) =>
        frame.Columns.Where(c => !c.IsIntrabar()).Select(frame.GetMemory).ToArray();

    private static double[][] HourOfDay(FeatureContext ctx) =>
        ctx.Shared("calendar:hour", 2, (c, a) => Indicators.HourOfDayEncoding(c.Frame.Time, c.Timeframe.Milliseconds, a[0], a[1]));

    private static double[][] DayOfWeek(FeatureContext ctx) =>
        ctx.Shared("calendar:dow", 2, (c, a) => Indicators.DayOfWeekEncoding(c.Frame.Time, c.Timeframe.Milliseconds, a[0], a[1]));
}
