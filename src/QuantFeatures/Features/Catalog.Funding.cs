using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures;

/// <summary>Catalogue entries of the funding family (F = the last settled funding rate as of each bar's decision time).</summary>
/// <remarks>
/// The event-time features rebuild the settlements from the frame's funding_rate, funding_time and
/// funding_interval_hours columns (see <see cref="FundingWindowState"/> and docs/derivatives.md); they are offered at
/// Δ ≤ 1 h, where a bar cannot hide a settlement.
/// </remarks>
internal static class FundingCatalog
{
    private const string EventNan =
        "NaN while F is NaN (stale), and while the window reaches back past the frame's first settlement or over a hole "
        + "(consecutive settlements more than 1.5 intervals apart: a missed settlement or a gap in the bars), and while the next settlement is "
        + "overdue by more than half an interval; recovers when the hole leaves the window.";

    private static readonly MarketColumn[] Events = [FundingRate, FundingTime, FundingIntervalHours];

    public static void Register(CatalogBuilder b)
    {
        b.Add("funding_rate", FeatureFamily.Funding, [FundingRate], 0, "The last settled funding rate (per interval) as of the decision time.", "F",
            "NaN where the rate is NaN (no settlement yet, or the last one is older than the loader's staleness limit).",
            (ctx, d) => ctx.Input(FundingRate).CopyTo(d));
        b.AddEventTime("funding_rate_change", FeatureFamily.Funding, Events, Indicators.FundingRateChangeWindow,
            "Change of the funding rate at its last settlement: F minus the settlement just before it (event time).",
            "F − F_prev, F_prev = the rate of the settlement before the one in force",
            "NaN for the first 8h of bars (the settlement before the first one seen may be unknown), while F is NaN, and when the settlement before "
            + "the last one was not seen (a hole: spacing over 1.5 intervals).",
            (ctx, d) => Indicators.FundingRateChange(ctx.Input(FundingRate), ctx.Input(FundingTime), ctx.Input(FundingIntervalHours), ctx.Frame.Time,
                ctx.Timeframe, d, ctx.Frame.FundingHistory));
        var day = TimeSpan.FromHours(24);
        b.AddHorizon("funding_rate_change_24h", FeatureFamily.Funding, [FundingRate], day, bars => bars,
            "The funding rate in force now minus the rate in force 24 hours of bars ago.", "F_t − F_(t−24h/Δ)",
            "NaN when F at t or t−24h/Δ is NaN.", (ctx, d) => Indicators.Difference(ctx.Input(FundingRate), CatalogBuilder.Bars(ctx, day), d));
        b.Add("funding_annualized", FeatureFamily.Funding, [FundingRate, FundingIntervalHours], 0,
            "The funding rate as a yearly rate, with the interval of the data (8h, 4h, 1h; not assumed 8h).", "F × (24 / funding_interval_hours) × 365",
            "NaN where F or the interval is NaN (the interval of a first settlement that states none is unknown).",
            (ctx, d) => Indicators.AnnualizedFunding(ctx.Input(FundingRate), ctx.Input(FundingIntervalHours), d));
        var week = TimeSpan.FromDays(7);
        b.AddEventTime("cumulative_funding_7d", FeatureFamily.Funding, Events, week,
            "Sum of the funding rates settled in the last 7 days (event time: settlement times, whatever the interval).",
            "Σ F_s over settlements with time s in (d − 7d, d], d = decision time", EventNan,
            (ctx, d) => Indicators.CumulativeFunding(ctx.Input(FundingRate), ctx.Input(FundingTime), ctx.Input(FundingIntervalHours), ctx.Frame.Time,
                ctx.Timeframe, week, d, ctx.Frame.FundingHistory));
        var month = TimeSpan.FromDays(30);
        b.AddEventTime("funding_zscore_30d", FeatureFamily.Funding, Events, month,
            "Z-score of F among the settlements of the last 30 days (sample std; event time).",
            "(F − mean(F_s)) / std(F_s) over settlements with time in (d − 30d, d]",
            EventNan + " NaN with fewer than 2 settlements or when every rate of the window is equal (std = 0).",
            (ctx, d) => FeatureContext.CopyColumn(ZScores(ctx)[0], d));
        var year = TimeSpan.FromDays(252);
        b.AddEventTime("funding_percentile_252d", FeatureFamily.Funding, Events, year,
            "Percentile rank of F among the settlements of the last 252 days, as pandas rank(pct=True) (average ties; event time).",
            "(#{F_s < F} + (#{F_s = F} + 1) / 2) / m over the m settlements with time in (d − 252d, d]", EventNan,
            (ctx, d) => Indicators.FundingPercentile(ctx.Input(FundingRate), ctx.Input(FundingTime), ctx.Input(FundingIntervalHours), ctx.Frame.Time,
                ctx.Timeframe, year, d, ctx.Frame.FundingHistory));
        const string ExtremeNan = "NaN where funding_zscore_30d's window is not known (see funding_zscore_30d); 0 on a known flat window (every rate equal).";
        b.AddEventTime("funding_extreme_positive", FeatureFamily.Funding, Events, month, "1 when funding_zscore_30d > 2, else 0.",
            "funding_zscore_30d > 2 ? 1 : 0", ExtremeNan,
            (ctx, d) => FeatureContext.CopyColumn(ZScores(ctx)[1], d));
        b.AddEventTime("funding_extreme_negative", FeatureFamily.Funding, Events, month, "1 when funding_zscore_30d < −2, else 0.",
            "funding_zscore_30d < −2 ? 1 : 0", ExtremeNan,
            (ctx, d) => FeatureContext.CopyColumn(ZScores(ctx)[2], d));
        b.Add("minutes_to_funding", FeatureFamily.Funding, [FundingTime, FundingIntervalHours], 0,
            "Minutes from the decision time to the next scheduled settlement (the last settlement + the interval in force: a known schedule).",
            "S + k·I − d in minutes, S = last settlement time rounded to the minute, I = interval in force, k ≥ 1 the smallest with S + k·I ≥ d",
            "NaN where the settlement time or the interval is NaN. 0 when a scheduled settlement is due and not yet seen.",
            (ctx, d) => Indicators.MinutesToFunding(ctx.Input(FundingTime), ctx.Input(FundingIntervalHours), ctx.Frame.Time, ctx.Timeframe, d));
        b.Add("basis", FeatureFamily.Funding, [Close, MarkPrice], 0, "Distance of the close from the mark price.",
            "C / mark_price − 1, computed as (C − mark) / mark", "NaN where C or the mark price is NaN, or the mark price is 0.",
            (ctx, d) => RelativeDifference(ctx.Close, ctx.Input(MarkPrice), d));
        b.Add("premium", FeatureFamily.Funding, [MarkPrice, IndexPrice], 0, "Premium of the mark price over the index price.",
            "(mark − index) / index", "NaN where the mark or index price is NaN, or the index price is 0.",
            (ctx, d) => RelativeDifference(ctx.Input(MarkPrice), ctx.Input(IndexPrice), d));
    }

    /// <summary>funding_zscore_30d and both extreme flags from one 30-day window state (computed once per run).</summary>
    private static double[][] ZScores(FeatureContext ctx) =>
        ctx.SharedFeatures("funding:zscore(30d)", ["funding_zscore_30d", "funding_extreme_positive", "funding_extreme_negative"], static (c, a) =>
            Indicators.FundingZScoreAndExtremes(c.Input(FundingRate), c.Input(FundingTime), c.Input(FundingIntervalHours), c.Frame.Time, c.Timeframe,
                TimeSpan.FromDays(30), 2.0, a[0], a[1], a[2], c.Frame.FundingHistory));

    private static void RelativeDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> d)
    {
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = Derivatives.RelativeDifference(a[i], b[i]);
        }
    }
}
