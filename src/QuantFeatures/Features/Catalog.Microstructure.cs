using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures;

/// <summary>
/// Catalogue entries of the microstructure family: statistics of the finer sub-bars each bar was resampled from. They read
/// the sub-bar statistic columns that <see cref="Data.Resampler"/> adds (<see cref="MarketColumns.Intrabar"/>), so they are
/// offered only on resampled frames (or frames that carry those columns).
/// </summary>
internal static class MicrostructureCatalog
{
    private const string Source = " Sub-bar statistic computed by the resampler (Resampler.Resample adds the column).";

    public static void Register(CatalogBuilder b)
    {
        b.Add("vwap_deviation", FeatureFamily.Microstructure, [Close, IntrabarVwap], 0,
            "Deviation of the close from the volume-weighted average price of the bar's sub-bars (sub-bar typical price (H+L+C)/3 weighted by sub-bar volume).",
            "(C - VWAP) / VWAP, VWAP = intrabar_vwap = Σ TP_i·V_i / Σ V_i over the bar's sub-bars",
            "NaN when C or VWAP is NaN (a NaN sub-bar value makes the bar's VWAP NaN) or VWAP = 0 (no sub-bar volume).",
            (ctx, d) => Indicators.VwapDeviation(ctx.Close, ctx.Input(IntrabarVwap), d));
        b.Add("realized_vol_intrabar", FeatureFamily.Microstructure, [IntrabarRealizedVol], 0,
            "Realized volatility of the bar from its sub-bars: sample std of the sub-bar log returns, scaled to the bar by √(sub-bars per bar). The first sub-bar's return starts from the previous bar's last close; a sub-bar whose predecessor is missing has no return." + Source,
            "std(r_i, n-1) · √(Δ / δ), r_i = ln(C_i / C_(i-1)) over the bar's sub-bars i, δ = sub-bar timeframe",
            "NaN when a sub-bar close is NaN or ≤ 0, or the bar has fewer than 2 sub-bar returns; per bar (no window).",
            (ctx, d) => ctx.Input(IntrabarRealizedVol).CopyTo(d));
        b.Add("volume_cv_intrabar", FeatureFamily.Microstructure, [IntrabarVolumeCv], 0,
            "Coefficient of variation of the bar's sub-bar volumes: how unevenly the volume is spread inside the bar." + Source,
            "std(V_i, n-1) / mean(V_i) over the bar's sub-bars i",
            "NaN when a sub-bar volume is NaN, the bar has fewer than 2 sub-bars, or the mean sub-bar volume is 0; per bar (no window).",
            (ctx, d) => ctx.Input(IntrabarVolumeCv).CopyTo(d));
        b.Add("price_efficiency", FeatureFamily.Microstructure, [High, Low, Close, IntrabarRealizedVol], Indicators.AtrLookback(14),
            "Intrabar realized volatility relative to the bar's typical range as a fraction of the price (atr_14 / C): high when the price wanders inside the bar more than its range suggests.",
            "realized_vol_intrabar / (atr_14 / C)",
            "NaN when an input is NaN, C = 0 or atr_14 = 0; atr_14 restarts its seeding after a NaN (as TA-Lib ATR).",
            (ctx, d) => Indicators.PriceEfficiency(ctx.Input(IntrabarRealizedVol), ctx.Feature("atr_14"), ctx.Close, d),
            [FeatureParameter.Period(14, "atr_period")]);
        var week = TimeSpan.FromHours(168);
        b.AddHorizon("volatility_regime_168h", FeatureFamily.Microstructure, [IntrabarRealizedVol], week, bars => bars - 1,
            "Intrabar realized volatility relative to its mean over the last 168 hours of bars (168h / Δ bars, including the bar): above 1 in a high-volatility regime.",
            "realized_vol_intrabar / mean(realized_vol_intrabar, 168h/Δ)",
            "NaN while the window holds a NaN; recovers when it leaves the window. NaN when the mean is 0.",
            (ctx, d) => Indicators.RelativeToMean(ctx.Input(IntrabarRealizedVol), CatalogBuilder.Bars(ctx, week), d));
    }
}
