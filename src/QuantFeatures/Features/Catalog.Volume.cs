using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures;

/// <summary>Catalogue entries of the volume and order-flow family.</summary>
/// <remarks>
/// Shared intermediates are read through the context so that they are computed once per run: volume_ratio_20 and
/// volume_spike_score use volume_sma_20, obv_sma_20 uses obv, adosc uses ad, price_vs_vwap uses vwap_20,
/// price_vs_vwap_session uses vwap_session.
/// </remarks>
internal static class VolumeCatalog
{
    private const string WindowNan = "NaN while the window holds a NaN input; recovers when it leaves the window.";
    private const string PointNan = "NaN when an input at t (or t−k) is NaN or a denominator is 0.";
    private const string CumulativeNan =
        "A bar with a NaN input outputs NaN and contributes nothing; the running total continues from the last valid bar.";

    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    public static void Register(CatalogBuilder b)
    {
        RegisterVolume(b);
        RegisterTaLib(b);
        RegisterPriceVolume(b);
        RegisterLiquidity(b);
        RegisterTakerFlow(b);
    }

    private static void RegisterVolume(CatalogBuilder b)
    {
        b.Add("volume_change", FeatureFamily.Volume, [Volume], 1, "Relative change of the volume over one bar.", "V_t / V_(t-1) - 1", PointNan,
            (ctx, d) => Indicators.Change(ctx.Input(Volume), 1, d), [FeatureParameter.Period(1, "lag")]);
        b.Add("volume_sma_20", FeatureFamily.Volume, [Volume], 19, "Simple moving average of the volume over 20 bars.", "mean(V, 20)", WindowNan,
            (ctx, d) => Indicators.Sma(ctx.Input(Volume), 20, d), [FeatureParameter.Period(20)]);
        b.Add("volume_ratio_20", FeatureFamily.Volume, [Volume], 19, "Volume relative to its 20-bar mean (the window includes the bar).",
            "V / volume_sma_20", WindowNan + " NaN when volume_sma_20 is 0.",
            (ctx, d) => Elementwise.Divide(ctx.Input(Volume), ctx.Feature("volume_sma_20"), d), [FeatureParameter.Period(20)]);
        b.Add("volume_roc_10", FeatureFamily.Volume, [Volume], 10, "Relative change of the volume over 10 bars.", "V_t / V_(t-10) - 1", PointNan,
            (ctx, d) => Indicators.Change(ctx.Input(Volume), 10, d), [FeatureParameter.Period(10, "lag")]);
        b.Add("volume_zscore_20", FeatureFamily.Volume, [Volume], 19, "Z-score of the volume in its 20-bar window (sample std).",
            "(V - mean(V, 20)) / std(V, 20)", WindowNan + " NaN when the window is flat (std = 0).",
            (ctx, d) => Indicators.RollingZScore(ctx.Input(Volume), 20, d), [FeatureParameter.Period(20)]);
        b.Add("volume_spike_score", FeatureFamily.Volume, [Volume], 19, "Excess of the volume over its 20-bar mean, relative to that mean.",
            "(V - volume_sma_20) / volume_sma_20", WindowNan + " NaN when volume_sma_20 is 0.",
            (ctx, d) => Elementwise.RatioMinusOne(ctx.Input(Volume), ctx.Feature("volume_sma_20"), d), [FeatureParameter.Period(20)]);
        b.AddHorizon("turnover_ratio_24h", FeatureFamily.Volume, [Volume], Day, bars => bars - 1,
            "Volume relative to its mean over the last 24 hours of bars (24h / Δ bars, including the bar).", "V / mean(V, 24h/Δ)",
            WindowNan + " NaN when the mean is 0.",
            (ctx, d) => Indicators.RelativeToMean(ctx.Input(Volume), CatalogBuilder.Bars(ctx, Day), d));
    }

    private static void RegisterTaLib(CatalogBuilder b)
    {
        b.Add("obv", FeatureFamily.Volume, [Close, Volume], 0, "On-balance volume (TA-Lib OBV): starts at the first bar's volume.",
            "obv_t = obv_(t-1) + V_t if C_t > C_(t-1); - V_t if C_t < C_(t-1); else obv_(t-1)",
            CumulativeNan + " The next valid close is compared with the last valid close.",
            (ctx, d) => Indicators.Obv(ctx.Close, ctx.Input(Volume), d), taLib: "OBV");
        b.Add("obv_sma_20", FeatureFamily.Volume, [Close, Volume], 19, "20-bar simple moving average of obv.", "mean(obv, 20)",
            "NaN while the window holds a NaN obv value (a NaN bar); recovers when it leaves the window.",
            (ctx, d) => Indicators.Sma(ctx.Feature("obv"), 20, d), [FeatureParameter.Period(20)]);
        b.Add("ad", FeatureFamily.Volume, [High, Low, Close, Volume], 0, "Chaikin accumulation/distribution line (TA-Lib AD).",
            "ad_t = ad_(t-1) + ((C - L) - (H - C)) / (H - L) * V, nothing added when H - L <= 0", CumulativeNan,
            (ctx, d) => Indicators.Ad(ctx.Input(High), ctx.Input(Low), ctx.Close, ctx.Input(Volume), d), taLib: "AD");
        b.Add("adosc", FeatureFamily.Volume, [High, Low, Close, Volume], 9, "Chaikin A/D oscillator (TA-Lib ADOSC(3, 10)) of the ad line.",
            "EMA_3(ad) - EMA_10(ad), both EMAs seeded with the first ad value, k = 2 / (N + 1)",
            "NaN for a NaN bar; both EMAs then restart their seeding with the next valid ad value: NaN until they have seen 10 valid ad values.",
            (ctx, d) => Indicators.AdoscFromAd(ctx.Feature("ad"), 3, 10, d),
            [FeatureParameter.Period(3, "fast_period", 2), FeatureParameter.Period(10, "slow_period", 2)], taLib: "ADOSC(3, 10)");
        b.Add("cmf_20", FeatureFamily.Volume, [High, Low, Close, Volume], 19, "Chaikin money flow over 20 bars.",
            "sum(MFM * V, 20) / sum(V, 20), MFM = ((C - L) - (H - C)) / (H - L), MFM = 0 when H - L <= 0",
            WindowNan + " NaN when the window's volume is 0.",
            (ctx, d) => Indicators.Cmf(ctx.Input(High), ctx.Input(Low), ctx.Close, ctx.Input(Volume), 20, d), [FeatureParameter.Period(20)]);
        b.Add("mfi_14", FeatureFamily.Volume, [High, Low, Close, Volume], 14, "Money flow index (TA-Lib MFI(14)).",
            "100 * sum(pos MF, 14) / (sum(pos MF, 14) + sum(neg MF, 14)), MF = TP * V signed by the change of TP = (H + L + C) / 3; 0 when the sum is < 1",
            "A flow needs TP_t, TP_(t-1) and V_t: NaN while the window of 14 flows holds a missing one (bars t-14..t); recovers when it leaves.",
            (ctx, d) => Indicators.Mfi(ctx.Input(High), ctx.Input(Low), ctx.Close, ctx.Input(Volume), 14, d), [FeatureParameter.Period(14, min: 2)],
            taLib: "MFI(14)");
        b.Add("force_index_13", FeatureFamily.Volume, [Close, Volume], 13, "Elder's force index: 13-bar EMA (SMA-seeded) of the raw force.",
            "EMA_13((C_t - C_(t-1)) * V_t)", "A NaN raw force outputs NaN and restarts the EMA's seeding (13 valid raw forces).",
            (ctx, d) => Indicators.ForceIndex(ctx.Close, ctx.Input(Volume), 13, d), [FeatureParameter.Period(13)]);
    }

    private static void RegisterPriceVolume(CatalogBuilder b)
    {
        b.Add("vwap_20", FeatureFamily.Volume, [High, Low, Close, Volume], 19, "Rolling 20-bar volume-weighted average of the typical price.",
            "sum(TP * V, 20) / sum(V, 20), TP = (H + L + C) / 3", WindowNan + " NaN when the window's volume is 0.",
            (ctx, d) => Indicators.Vwap(ctx.Input(High), ctx.Input(Low), ctx.Close, ctx.Input(Volume), 20, d), [FeatureParameter.Period(20)]);
        b.Add("price_vs_vwap", FeatureFamily.Volume, [High, Low, Close, Volume], 19, "Distance of the close from vwap_20.", "C / vwap_20 - 1",
            WindowNan + " NaN when vwap_20 is NaN or 0.",
            (ctx, d) => Elementwise.RatioMinusOne(ctx.Close, ctx.Feature("vwap_20"), d), [FeatureParameter.Period(20)]);
        b.Add("vwap_session", FeatureFamily.Volume, [High, Low, Close, Volume], 0,
            "Session VWAP of the typical price, cumulated from the first bar whose open time is in the current UTC day (restarted at 00:00 UTC).",
            "sum(TP * V) / sum(V) over the bars of the current UTC day up to t",
            "A NaN bar outputs NaN and adds nothing (the session continues); NaN while the session's volume is 0.",
            (ctx, d) => Indicators.VwapSession(ctx.Frame.Time, ctx.Input(High), ctx.Input(Low), ctx.Close, ctx.Input(Volume), d));
        b.Add("price_vs_vwap_session", FeatureFamily.Volume, [High, Low, Close, Volume], 0, "Distance of the close from vwap_session.",
            "C / vwap_session - 1", "NaN when C or vwap_session is NaN, or vwap_session is 0.",
            (ctx, d) => Elementwise.RatioMinusOne(ctx.Close, ctx.Feature("vwap_session"), d));
        b.Add("price_volume_corr_20", FeatureFamily.Volume, [Close, Volume], 19,
            "Pearson correlation of the close and the log volume over 20 bars (Qlib Alpha158 CORR20).", "corr(C, ln(V + 1), 20)",
            WindowNan + " NaN when the close or the volume is constant over the window.",
            (ctx, d) => Indicators.PriceVolumeCorrelation(ctx.Close, ctx.Input(Volume), 20, d), [FeatureParameter.Period(20, min: 2)]);
    }

    private static void RegisterLiquidity(CatalogBuilder b)
    {
        b.Add("amihud_20", FeatureFamily.Volume, [Close, Volume], 20,
            "Amihud illiquidity: mean over 20 bars of |log return| per unit of traded value (quote_volume when the frame has it, else C * V).",
            "mean(|ln(C_t / C_(t-1))| / DV_t, 20), DV = quote_volume if present else C * V",
            "A term is NaN when a close is NaN or non-positive, or DV is NaN or 0; NaN while the window holds a NaN term.",
            (ctx, d) =>
            {
                // The log returns are the log_return_1 feature (computed once per run when both are requested).
                var returns = ctx.Feature("log_return_1");
                if (ctx.Frame.Has(QuoteVolume))
                {
                    Indicators.AmihudFromReturns(returns, ctx.Input(QuoteVolume), 20, d);
                    return;
                }

                var close = ctx.Close;
                var volume = ctx.Input(Volume);
                var dollarVolume = ctx.RentColumn();
                for (int i = 0; i < dollarVolume.Length; i++)
                {
                    dollarVolume[i] = close[i] * volume[i];
                }

                Indicators.AmihudFromReturns(returns, dollarVolume, 20, d);
            },
            [FeatureParameter.Period(20)]);
        b.Add("roll_spread_20", FeatureFamily.Volume, [Close], 21,
            "Roll's effective spread estimate relative to the close, from the last 20 pairs of consecutive close changes.",
            "2 * sqrt(max(0, -cov(dC_i, dC_(i-1)))) / C_t over 20 pairs (sample covariance)",
            "A NaN close makes the two changes using it missing: NaN while the window holds a missing pair; NaN when C_t is 0.",
            (ctx, d) => Indicators.RollSpread(ctx.Close, 20, d), [FeatureParameter.Period(20, min: 2)]);
        b.Add("corwin_schultz_20", FeatureFamily.Volume, [High, Low], 20,
            "Corwin-Schultz high-low spread estimate (two-bar, floored at 0), averaged over 20 bars.",
            "mean(max(0, 2(e^a - 1) / (1 + e^a)), 20), a = (sqrt(2b) - sqrt(b)) / (3 - 2 sqrt 2) - sqrt(g / (3 - 2 sqrt 2)), "
            + "b = ln(H_t/L_t)^2 + ln(H_(t-1)/L_(t-1))^2, g = ln(max(H_t, H_(t-1)) / min(L_t, L_(t-1)))^2",
            "An estimate is NaN when H or L at t or t-1 is NaN or non-positive; NaN while the window holds a NaN estimate.",
            (ctx, d) => Indicators.CorwinSchultz(ctx.Input(High), ctx.Input(Low), 20, d), [FeatureParameter.Period(20)]);
    }

    private static void RegisterTakerFlow(CatalogBuilder b)
    {
        b.Add("taker_buy_ratio", FeatureFamily.Volume, [TakerBuyVolume, Volume], 0, "Share of the volume bought by takers.",
            "taker_buy_volume / V", PointNan,
            (ctx, d) => Indicators.TakerBuyRatio(ctx.Input(TakerBuyVolume), ctx.Input(Volume), d));
        b.Add("buy_sell_ratio", FeatureFamily.Volume, [TakerBuyVolume, Volume], 0, "Taker buy volume over taker sell volume.",
            "taker_buy_volume / (V - taker_buy_volume)", PointNan + " NaN when there is no taker-sell volume.",
            (ctx, d) => Indicators.BuySellRatio(ctx.Input(TakerBuyVolume), ctx.Input(Volume), d));
        b.Add("cvd", FeatureFamily.Volume, [TakerBuyVolume, Volume], 0, "Cumulative volume delta (taker buys minus taker sells) from the frame's first bar.",
            "sum(2 * taker_buy_volume - V) over bars 0..t (compensated summation)", CumulativeNan,
            (ctx, d) => Indicators.Cvd(ctx.Input(TakerBuyVolume), ctx.Input(Volume), d));
        b.Add("cvd_20", FeatureFamily.Volume, [TakerBuyVolume, Volume], 19, "Volume delta over 20 bars as a share of their volume (in [-1, 1]).",
            "sum(2 * taker_buy_volume - V, 20) / sum(V, 20)", WindowNan + " NaN when the window's volume is 0.",
            (ctx, d) => Indicators.TakerImbalance(ctx.Input(TakerBuyVolume), ctx.Input(Volume), 20, d), [FeatureParameter.Period(20)]);
        b.Add("vpin_50", FeatureFamily.Volume, [TakerBuyVolume, Volume], 49,
            "Bar-based VPIN proxy: mean absolute order-flow imbalance per unit of volume over 50 bars.", "mean(|2 * taker_buy_volume - V| / V, 50)",
            "A term is NaN when an input is NaN or V = 0; NaN while the window holds a NaN term.",
            (ctx, d) => Indicators.Vpin(ctx.Input(TakerBuyVolume), ctx.Input(Volume), 50, d), [FeatureParameter.Period(50)]);
        b.Add("avg_trade_size", FeatureFamily.Volume, [Volume, Trades], 0, "Average base volume per trade.", "V / trades",
            PointNan + " NaN when trades is 0.",
            (ctx, d) => Indicators.AverageTradeSize(ctx.Input(Volume), ctx.Input(Trades), d));
    }
}
