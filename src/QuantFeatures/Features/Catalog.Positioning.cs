using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures;

/// <summary>Catalogue entries of the long/short positioning family (ratios as of each bar's decision time).</summary>
internal static class PositioningCatalog
{
    private const string CopyNan = "NaN where the input is NaN (no snapshot yet, or the last one is older than the loader's staleness limit).";

    public static void Register(CatalogBuilder b)
    {
        b.Add("ls_ratio", FeatureFamily.Positioning, [LongShortRatio], 0, "Global long/short accounts ratio as of the decision time.", "long_short_ratio",
            CopyNan, (ctx, d) => ctx.Input(LongShortRatio).CopyTo(d));
        foreach (int hours in (ReadOnlySpan<int>)[1, 4])
        {
            var horizon = TimeSpan.FromHours(hours);
            b.AddHorizon($"ls_ratio_change_{hours}h", FeatureFamily.Positioning, [LongShortRatio], horizon, bars => bars,
                $"Relative change of ls_ratio over the wall-clock horizon {hours}h (horizon / Δ bars).", "ls_t / ls_(t−h/Δ) − 1",
                "NaN when ls_ratio at t or t−h/Δ is NaN or the earlier one is 0.",
                (ctx, d) => Indicators.Change(ctx.Input(LongShortRatio), CatalogBuilder.Bars(ctx, horizon), d));
        }

        var month = TimeSpan.FromDays(30);
        b.AddHorizon("ls_ratio_percentile_30d", FeatureFamily.Positioning, [LongShortRatio], month, bars => bars - 1,
            "Percentile rank of ls_ratio among its values over the last 30 days of bars, as pandas rank(pct=True) (average ties).",
            "(#{ls_i < ls_t} + (#{ls_i = ls_t} + 1) / 2) / (30d/Δ) over the last 30d/Δ bars",
            "NaN while the window holds a NaN ls_ratio; recovers when it leaves the window.",
            (ctx, d) => Indicators.RollingPercentile(ctx.Input(LongShortRatio), CatalogBuilder.Bars(ctx, month), d));
        b.Add("top_trader_ls_ratio", FeatureFamily.Positioning, [TopTraderLongShortRatio], 0, "Top traders' long/short accounts ratio as of the decision time.",
            "top_trader_long_short_ratio", CopyNan, (ctx, d) => ctx.Input(TopTraderLongShortRatio).CopyTo(d));
        b.Add("top_trader_position_ratio", FeatureFamily.Positioning, [TopTraderPositionRatio], 0,
            "Top traders' long/short positions ratio as of the decision time.", "top_trader_position_ratio", CopyNan,
            (ctx, d) => ctx.Input(TopTraderPositionRatio).CopyTo(d));
        b.Add("ls_top_vs_crowd", FeatureFamily.Positioning, [TopTraderLongShortRatio, LongShortRatio], 0,
            "Log ratio of the top traders' long/short ratio to the crowd's.", "ln(top_trader_ls_ratio) − ln(ls_ratio), computed as ln(top / ls)",
            "NaN unless both ratios are positive and finite.",
            (ctx, d) =>
            {
                var top = ctx.Input(TopTraderLongShortRatio);
                var crowd = ctx.Input(LongShortRatio);
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = top[i] > 0 && crowd[i] > 0 ? Ratio.Log(top[i], crowd[i]) : double.NaN;
                }
            });
        b.Add("taker_ls_vol_ratio", FeatureFamily.Positioning, [TakerLongShortVolRatio], 0, "Taker buy/sell volume ratio as of the decision time.",
            "taker_long_short_vol_ratio", CopyNan, (ctx, d) => ctx.Input(TakerLongShortVolRatio).CopyTo(d));
    }
}
