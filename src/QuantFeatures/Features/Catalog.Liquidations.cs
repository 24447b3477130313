using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures;

/// <summary>Catalogue entries of the liquidations family (LL, SL = the bar's long and short liquidation notionals).</summary>
/// <remarks>The per-bar total LL + SL and net LL − SL are shared intermediates (computed once per run).</remarks>
internal static class LiquidationsCatalog
{
    private const string SumNan = "NaN while the window holds a NaN input; exactly 0 for a window without liquidations.";

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    public static void Register(CatalogBuilder b)
    {
        MarketColumn[] sides = [LongLiquidationNotional, ShortLiquidationNotional];
        b.Add("net_liquidation", FeatureFamily.Liquidations, sides, 0, "Long minus short liquidation notional of the bar.", "LL − SL",
            "NaN where LL or SL is NaN.", (ctx, d) => FeatureContext.CopyColumn(Net(ctx), d));
        b.AddHorizon("liquidation_vol_1h", FeatureFamily.Liquidations, sides, Hour, bars => bars - 1,
            "Liquidated notional, both sides, over the last hour of bars.", "Σ(LL + SL, 1h/Δ)", SumNan,
            (ctx, d) => Indicators.RollingSum(Total(ctx), CatalogBuilder.Bars(ctx, Hour), d));
        b.AddHorizon("long_liq_vol_1h", FeatureFamily.Liquidations, [LongLiquidationNotional], Hour, bars => bars - 1,
            "Liquidated long notional over the last hour of bars.", "Σ(LL, 1h/Δ)", SumNan,
            (ctx, d) => Indicators.RollingSum(ctx.Input(LongLiquidationNotional), CatalogBuilder.Bars(ctx, Hour), d));
        b.AddHorizon("short_liq_vol_1h", FeatureFamily.Liquidations, [ShortLiquidationNotional], Hour, bars => bars - 1,
            "Liquidated short notional over the last hour of bars.", "Σ(SL, 1h/Δ)", SumNan,
            (ctx, d) => Indicators.RollingSum(ctx.Input(ShortLiquidationNotional), CatalogBuilder.Bars(ctx, Hour), d));
        b.AddHorizon("liquidation_count_1h", FeatureFamily.Liquidations, [LiquidationCount], Hour, bars => bars - 1,
            "Number of liquidation orders over the last hour of bars.", "Σ(liquidation_count, 1h/Δ)", SumNan,
            (ctx, d) => Indicators.RollingSum(ctx.Input(LiquidationCount), CatalogBuilder.Bars(ctx, Hour), d));
        b.AddHorizon("avg_liq_size_1h", FeatureFamily.Liquidations, [LongLiquidationNotional, ShortLiquidationNotional, LiquidationCount], Hour, bars => bars - 1,
            "Average notional per liquidation order over the last hour of bars.", "liquidation_vol_1h / liquidation_count_1h",
            "NaN while the window holds a NaN input, or when the hour had no liquidation.",
            (ctx, d) => Indicators.RollingSumQuotient(Total(ctx), ctx.Input(LiquidationCount), CatalogBuilder.Bars(ctx, Hour), d));
        b.AddHorizon("liq_imbalance_1h", FeatureFamily.Liquidations, sides, Hour, bars => bars - 1,
            "Imbalance of long over short liquidations over the last hour of bars, in [−1, 1].", "(Σ LL − Σ SL) / (Σ LL + Σ SL) over 1h/Δ bars",
            "NaN while the window holds a NaN input, or when the hour had no liquidation.",
            (ctx, d) => Indicators.RollingSumQuotient(Net(ctx), Total(ctx), CatalogBuilder.Bars(ctx, Hour), d));
        b.AddHorizon("liq_long_short_ratio_1h", FeatureFamily.Liquidations, sides, Hour, bars => bars - 1,
            "Liquidated long notional over liquidated short notional, over the last hour of bars.", "Σ LL / Σ SL over 1h/Δ bars",
            "NaN while the window holds a NaN input, or when the hour had no short liquidation.",
            (ctx, d) => Indicators.RollingSumQuotient(ctx.Input(LongLiquidationNotional), ctx.Input(ShortLiquidationNotional), CatalogBuilder.Bars(ctx, Hour), d));
        b.Add("liquidation_intensity", FeatureFamily.Liquidations, [LongLiquidationNotional, ShortLiquidationNotional, QuoteVolume], 0,
            "Liquidated notional of the bar relative to its traded quote volume.", "(LL + SL) / quote_volume",
            "NaN where an input is NaN or the quote volume is 0.",
            (ctx, d) => Elementwise.Divide(Total(ctx), ctx.Input(QuoteVolume), d));
        b.AddHorizon("liq_spike_24h", FeatureFamily.Liquidations, sides, Day, bars => bars - 1,
            "Liquidated notional of the bar relative to its mean over the last 24 hours of bars (including the bar).", "(LL + SL) / mean(LL + SL, 24h/Δ), mean = compensated Σ / (24h/Δ)",
            "NaN while the window holds a NaN input, or when the 24h mean is 0 (a day without liquidations).",
            (ctx, d) =>
            {
                int bars = CatalogBuilder.Bars(ctx, Day);
                var total = Total(ctx);
                Indicators.RollingSum(total, bars, d);
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = d[i] == 0 ? double.NaN : Ratio.Divide(total[i], d[i] / bars);
                }
            });
        b.AddHorizon("liq_zscore_24h", FeatureFamily.Liquidations, sides, Day, bars => bars - 1,
            "Z-score of the bar's liquidated notional in its 24-hour window (sample std).", "(X − mean(X, 24h/Δ)) / std(X, 24h/Δ), X = LL + SL, from compensated Σx and Σx² (no residue after a spike)",
            "NaN while the window holds a NaN input, or on a flat window (std = 0, e.g. a day without liquidations).",
            (ctx, d) => Indicators.SpikeZScore(Total(ctx), CatalogBuilder.Bars(ctx, Day), d), minBars: 2);
    }

    /// <summary>LL + SL per bar.</summary>
    private static double[] Total(FeatureContext ctx) =>
        ctx.Shared("liq:total", 1, static (c, a) => Combine(c, a[0], +1))[0];

    /// <summary>LL − SL per bar.</summary>
    private static double[] Net(FeatureContext ctx) =>
        ctx.SharedFeatures("liq:net", ["net_liquidation"], static (c, a) => Combine(c, a[0], -1))[0];

    private static void Combine(FeatureContext ctx, double[] destination, int sign)
    {
        var ll = ctx.Input(LongLiquidationNotional);
        var sl = ctx.Input(ShortLiquidationNotional);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = sign > 0 ? ll[i] + sl[i] : ll[i] - sl[i];
        }
    }
}
