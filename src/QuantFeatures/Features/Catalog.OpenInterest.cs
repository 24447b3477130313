using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures;

/// <summary>Catalogue entries of the open-interest family (OI = open_interest, as of each bar's decision time).</summary>
/// <remarks>
/// Shared intermediates, computed once per run: ln(OI) for the MACD trio, the BBANDS(20, 2) bands for the three
/// oi_bb_* features, and volume_sma_20 (a volume feature) for oi_volume_divergence_20.
/// </remarks>
internal static class OpenInterestCatalog
{
    private const string WindowNan = "NaN while the window holds a NaN OI (a stale or missing snapshot); recovers when it leaves the window.";
    private const string PointNan = "NaN when OI at t or t−k is NaN or OI_(t−k) is 0.";
    private const string RestartNan =
        "A NaN ln(OI) (OI NaN or ≤ 0) outputs NaN and restarts the EMAs' seeding, as for macd: the value after a hole equals MACD on the data since it.";

    public static void Register(CatalogBuilder b)
    {
        foreach (int k in (ReadOnlySpan<int>)[1, 5, 20])
        {
            b.Add($"oi_change_{k}", FeatureFamily.OpenInterest, [OpenInterest], Indicators.ChangeLookback(k),
                $"Relative change of the open interest over {k} bar{(k == 1 ? "" : "s")}.", $"OI_t / OI_(t-{k}) - 1", PointNan,
                (ctx, d) => Indicators.Change(ctx.Input(OpenInterest), k, d), [FeatureParameter.Period(k, "lag")]);
        }

        foreach (int hours in (ReadOnlySpan<int>)[1, 4, 24])
        {
            var horizon = TimeSpan.FromHours(hours);
            b.AddHorizon($"oi_velocity_{hours}h", FeatureFamily.OpenInterest, [OpenInterest], horizon, bars => bars,
                $"Relative change of the open interest over the wall-clock horizon {hours}h (horizon / Δ bars).", "OI_t / OI_(t-h/Δ) - 1", PointNan,
                (ctx, d) => Indicators.Change(ctx.Input(OpenInterest), CatalogBuilder.Bars(ctx, horizon), d));
        }

        foreach (int n in (ReadOnlySpan<int>)[20, 50])
        {
            b.Add($"oi_sma_{n}", FeatureFamily.OpenInterest, [OpenInterest], Indicators.SmaLookback(n), $"Simple moving average of the open interest over {n} bars.",
                $"mean(OI, {n})", WindowNan, (ctx, d) => Indicators.Sma(ctx.Input(OpenInterest), n, d), [FeatureParameter.Period(n)]);
        }

        foreach (int n in (ReadOnlySpan<int>)[12, 26])
        {
            b.Add($"oi_ema_{n}", FeatureFamily.OpenInterest, [OpenInterest], Indicators.EmaLookback(n),
                $"Exponential moving average of the open interest, as TA-Lib EMA({n}) (seeded with the SMA of the first {n} values).",
                $"ema = ema + α (OI − ema), α = 2 / ({n} + 1)",
                "A NaN OI outputs NaN and restarts the seeding: NaN until the period's further valid values have arrived.",
                (ctx, d) => Indicators.Ema(ctx.Input(OpenInterest), n, d), [FeatureParameter.Period(n)], taLib: $"EMA({n}) of OI");
        }

        FeatureParameter[] macdParameters =
            [FeatureParameter.Period(12, "fast_period", 2), FeatureParameter.Period(26, "slow_period", 2), FeatureParameter.Period(9, "signal_period")];
        int macdLookback = Indicators.MacdLookback(12, 26, 9);
        foreach (var (name, k, description, formula) in new[]
        {
            ("oi_macd", 0, "MACD line of ln(OI), as TA-Lib MACD(12, 26, 9) (scale-free).", "EMA_12(ln OI) − EMA_26(ln OI), both EMAs starting at bar 25 (TA-Lib seeding)"),
            ("oi_macd_signal", 1, "Signal line of MACD(12, 26, 9) of ln(OI), as TA-Lib.", "EMA_9(oi_macd), seeded with the SMA of the first 9 values"),
            ("oi_macd_hist", 2, "MACD histogram of ln(OI), as TA-Lib MACD(12, 26, 9).", "oi_macd − oi_macd_signal"),
        })
        {
            b.Add(name, FeatureFamily.OpenInterest, [OpenInterest], macdLookback, description, formula, RestartNan,
                (ctx, d) => FeatureContext.CopyColumn(Macd(ctx)[k], d), macdParameters, taLib: "MACD(12, 26, 9) of ln(OI)");
        }

        b.Add("oi_std_20", FeatureFamily.OpenInterest, [OpenInterest], Indicators.RollingMomentsLookback(20),
            "Standard deviation of the open interest over 20 bars (sample, n − 1).", "std(OI, 20)", WindowNan,
            (ctx, d) => Indicators.RollingStdDev(ctx.Input(OpenInterest), 20, 1, d), [FeatureParameter.Period(20, min: 2)]);

        FeatureParameter[] bbParameters = [FeatureParameter.Period(20, min: 2), new("deviations", 2, 0, 100)];
        int bbLookback = Indicators.BollingerLookback(20);
        b.Add("oi_bb_upper", FeatureFamily.OpenInterest, [OpenInterest], bbLookback,
            "Upper Bollinger band of the open interest, as TA-Lib BBANDS(20, 2, 2, SMA) (population std).", "mean(OI, 20) + 2 σ(OI, 20), σ = population std",
            WindowNan, (ctx, d) => FeatureContext.CopyColumn(Bands(ctx)[0], d), bbParameters, taLib: "BBANDS(20, 2, 2, SMA) of OI");
        b.Add("oi_bb_lower", FeatureFamily.OpenInterest, [OpenInterest], bbLookback,
            "Lower Bollinger band of the open interest, as TA-Lib BBANDS(20, 2, 2, SMA) (population std).", "mean(OI, 20) − 2 σ(OI, 20), σ = population std",
            WindowNan, (ctx, d) => FeatureContext.CopyColumn(Bands(ctx)[2], d), bbParameters, taLib: "BBANDS(20, 2, 2, SMA) of OI");
        b.Add("oi_bb_position", FeatureFamily.OpenInterest, [OpenInterest], bbLookback,
            "Position of the open interest within its Bollinger bands (0 at the lower band, 1 at the upper).", "(OI − oi_bb_lower) / (oi_bb_upper − oi_bb_lower)",
            WindowNan + " NaN on a flat window (upper = lower).",
            (ctx, d) =>
            {
                var bands = Bands(ctx);
                var oi = ctx.Input(OpenInterest);
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = Ratio.Divide(oi[i] - bands[2][i], bands[0][i] - bands[2][i]);
                }
            },
            bbParameters);

        b.Add("oi_zscore_100", FeatureFamily.OpenInterest, [OpenInterest], Indicators.RollingMomentsLookback(100),
            "Z-score of the open interest in its 100-bar window (sample std).", "(OI − mean(OI, 100)) / std(OI, 100)",
            WindowNan + " NaN on a flat window (std = 0).", (ctx, d) => Indicators.RollingZScore(ctx.Input(OpenInterest), 100, d), [FeatureParameter.Period(100, min: 2)]);
        b.Add("oi_percentile_100", FeatureFamily.OpenInterest, [OpenInterest], Indicators.RollingPercentileLookback(100),
            "Percentile rank of the open interest among its last 100 values, as pandas rank(pct=True) (average ties).",
            "(#{OI_i < OI_t} + (#{OI_i = OI_t} + 1) / 2) / 100 over i = t−99 … t", WindowNan,
            (ctx, d) => Indicators.RollingPercentile(ctx.Input(OpenInterest), 100, d), [FeatureParameter.Period(100)]);

        foreach (int n in (ReadOnlySpan<int>)[20, 50])
        {
            b.Add($"oi_price_divergence_{n}", FeatureFamily.OpenInterest, [OpenInterest, Close], Indicators.LogChangeDivergenceLookback(n),
                $"Log change of the open interest minus the log change of the close over {n} bars.", $"ln(OI_t / OI_(t-{n})) − ln(C_t / C_(t-{n}))",
                "NaN when OI or C at t or t−N is NaN or not positive.",
                (ctx, d) => Indicators.LogChangeDivergence(ctx.Input(OpenInterest), ctx.Close, n, d), [FeatureParameter.Period(n, "lag")]);
        }

        var day = TimeSpan.FromHours(24);
        b.AddHorizon("oi_volume_ratio", FeatureFamily.OpenInterest, [OpenInterest, Volume], day, bars => bars - 1,
            "Open interest relative to the volume traded over the last 24 hours of bars (24h / Δ bars, including the bar).", "OI / Σ(V, 24h/Δ)",
            "NaN while the volume window holds a NaN, when OI is NaN, or when the window's volume is 0.",
            (ctx, d) =>
            {
                Indicators.RollingSum(ctx.Input(Volume), CatalogBuilder.Bars(ctx, day), d);
                var oi = ctx.Input(OpenInterest);
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = Ratio.Divide(oi[i], d[i]);
                }
            });

        b.Add("oi_volume_divergence_20", FeatureFamily.OpenInterest, [OpenInterest, Volume], Indicators.SmaLookback(20) + 20,
            "Log change of the open interest minus the log change of the 20-bar mean volume, over 20 bars.",
            "ln(OI_t / OI_(t-20)) − ln(volume_sma_20_t / volume_sma_20_(t-20))",
            "NaN when OI at t or t−20 is NaN or not positive, or volume_sma_20 at t or t−20 is NaN or 0 (its window holds a NaN or only zeros).",
            (ctx, d) => Indicators.LogChangeDivergence(ctx.Input(OpenInterest), ctx.Feature("volume_sma_20"), 20, d), [FeatureParameter.Period(20)]);
        b.Add("oi_regime_5", FeatureFamily.OpenInterest, [OpenInterest, Close], Indicators.OpenInterestRegimeLookback(5),
            "Price/open-interest regime over 5 bars: +2 new longs, +1 short covering, −1 long liquidation, −2 new shorts, 0 when either is unchanged.",
            "+2 if ΔC > 0 and ΔOI > 0; +1 if ΔC > 0 and ΔOI < 0; −1 if ΔC < 0 and ΔOI < 0; −2 if ΔC < 0 and ΔOI > 0; 0 if ΔC = 0 or ΔOI = 0 (Δ over 5 bars)",
            "NaN when C or OI at t or t−5 is NaN.",
            (ctx, d) => Indicators.OpenInterestRegime(ctx.Close, ctx.Input(OpenInterest), 5, d), [FeatureParameter.Period(5, "lag")]);
    }

    /// <summary>MACD(12, 26, 9) of ln(OI): line, signal, histogram (computed once per run).</summary>
    private static double[][] Macd(FeatureContext ctx) =>
        ctx.SharedFeatures("oi:macd(12,26,9)", ["oi_macd", "oi_macd_signal", "oi_macd_hist"], static (c, a) =>
        {
            var oi = c.Input(OpenInterest);
            var log = c.RentColumn();
            for (int i = 0; i < log.Length; i++)
            {
                log[i] = Ratio.Log(oi[i], 1.0);
            }

            Indicators.Macd(log, 12, 26, 9, a[0], a[1], a[2]);
        });

    /// <summary>BBANDS(20, 2, 2, SMA) of OI: upper, middle, lower (computed once per run).</summary>
    private static double[][] Bands(FeatureContext ctx) =>
        ctx.SharedFeatures("oi:bbands(20,2)", ["oi_bb_upper", "oi:bb_middle", "oi_bb_lower"], static (c, a) =>
            Indicators.BollingerBands(c.Input(OpenInterest), 20, 2.0, a[0], a[1], a[2]));
}
