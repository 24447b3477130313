using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures;

/// <summary>Catalogue entries of the price family: statistics, range-based volatility, regression, structure and k-bar shape.</summary>
/// <remarks>
/// Shared intermediates (computed once per run): the log return column (the <c>log_return_1</c> feature), the log ratios
/// ln(H/L), ln(C/O), ln(H/O), ln(L/O), ln(O/C_prev), realized_vol_20 (reused by volatility_20), skewness and kurtosis in one pass, the
/// 20-bar range (max H, min L), the 20-bar regression (slope and R²), the mean Rogers–Satchell term (shared by RS and
/// Yang–Zhang), EMA 20 and ATR 14.
/// </remarks>
internal static class PriceStatsCatalog
{
    private const string ReturnWindowNan = "NaN while the window's closes (N + 1 of them, for N returns) hold a NaN; recovers when it leaves the window.";
    private const string WindowNan = "NaN while the window holds a NaN input; recovers when it leaves the window.";
    private const string BarNan = "NaN when an input of the bar is NaN or a quotient is not finite (O = 0).";

    public static void Register(CatalogBuilder b)
    {
        RegisterVolatility(b);
        RegisterStatistics(b);
        RegisterRangeVolatility(b);
        RegisterStructure(b);
        RegisterKBar(b);
    }

    private static void RegisterVolatility(CatalogBuilder b)
    {
        b.Add("realized_vol_20", FeatureFamily.Price, [Close], ReturnStatLookback(20),
            "Realized volatility per bar: sample standard deviation of the last 20 log returns (not annualized).",
            "std(r, 20), r_t = ln(C_t / C_(t-1)), sample std (n - 1)", ReturnWindowNan + " Exactly 0 on a flat window.",
            (ctx, d) => Indicators.RollingStdDev(ctx.Feature("log_return_1"), 20, 1, d), [FeatureParameter.Period(20)]);
        foreach (int n in (int[])[20, 50])
        {
            int period = n;
            b.Add($"volatility_{n}", FeatureFamily.Price, [Close], ReturnStatLookback(n),
                $"Annualized volatility: sample standard deviation of the last {n} log returns times √P (P = periods per year: 365 × 86,400 s / Δ for a 24/7 market, or FeatureEngineerOptions.PeriodsPerYear).",
                $"std(r, {n}) * sqrt(P)", ReturnWindowNan,
                (ctx, d) =>
                {
                    // volatility_20 reuses realized_vol_20 (computed once per run); volatility_50 computes its std in place.
                    if (period == 20)
                    {
                        ctx.Feature("realized_vol_20").CopyTo(d);
                    }
                    else
                    {
                        Indicators.RollingStdDev(ctx.Feature("log_return_1"), period, 1, d);
                    }

                    Scale(d, Math.Sqrt(ctx.PeriodsPerYear));
                }, [FeatureParameter.Period(n)]);
        }
    }

    private static void RegisterStatistics(CatalogBuilder b)
    {
        b.Add("zscore_20", FeatureFamily.Price, [Close], Indicators.RollingMomentsLookback(20),
            "z-score of the close in its 20-bar window (sample std).", "(C - mean(C, 20)) / std(C, 20)",
            WindowNan + " NaN on a flat window (std = 0).",
            (ctx, d) => Indicators.RollingZScore(ctx.Close, 20, d), [FeatureParameter.Period(20)]);

        b.Add("linreg_slope_20", FeatureFamily.Price, [Close], Indicators.LinearRegressionLookback(20),
            "OLS slope of the close on the bar index over the last 20 bars, divided by the current close (relative trend per bar).",
            "b / C_t, b = Σ(k - k̄)(C_k - C̄) / Σ(k - k̄)², k = 0..19", WindowNan + " Exactly 0 on a flat window; NaN when C_t = 0.",
            (ctx, d) =>
            {
                var slope = Regression(ctx)[0];
                var close = ctx.Close;
                for (int i = 0; i < close.Length; i++)
                {
                    d[i] = Ratio.Divide(slope[i], close[i]);
                }
            }, [FeatureParameter.Period(20)]);
        b.Add("rsquare_20", FeatureFamily.Price, [Close], Indicators.LinearRegressionLookback(20),
            "R² of the 20-bar OLS regression of the close on the bar index.", "Sxy² / (Sxx · Syy)",
            WindowNan + " NaN on a flat window (0/0).", (ctx, d) => Regression(ctx)[1].CopyTo(d), [FeatureParameter.Period(20)]);

        b.Add("efficiency_ratio_10", FeatureFamily.Price, [Close], Indicators.EfficiencyRatioLookback(10),
            "Kaufman efficiency ratio over the last 10 bar-to-bar changes: net move over path length, in [0, 1].",
            "|C_t - C_(t-10)| / Σ_(i=t-9..t) |C_i - C_(i-1)|", "NaN while closes t-10..t hold a NaN; NaN on a flat window (0/0).",
            (ctx, d) => Indicators.EfficiencyRatio(ctx.Close, 10, d), [FeatureParameter.Period(10)]);

        b.Add("autocorr_20", FeatureFamily.Price, [Close], Indicators.ChangeLookback(1) + Indicators.RollingAutocorrelationLookback(20),
            "Lag-1 autocorrelation of log returns: Pearson correlation of (r_i, r_(i-1)) over the last 20 pairs (each sequence centred on its own mean).",
            "corr(r_i, r_(i-1)), i = t-19..t", "NaN while closes t-21..t hold a NaN; NaN when either return sequence is constant.",
            (ctx, d) => Indicators.RollingAutocorrelation(ctx.Feature("log_return_1"), 20, d), [FeatureParameter.Period(20)]);

        b.Add("skew_20", FeatureFamily.Price, [Close], ReturnStatLookback(20),
            "Bias-corrected sample skewness of the last 20 log returns (pandas rolling skew).",
            "sqrt(n(n-1)) / (n-2) · m3 / m2^1.5, n = 20, m_k central moments", ReturnWindowNan + " NaN on zero variance (pandas: 0 on a constant window).",
            (ctx, d) => ReturnShape(ctx)[0].CopyTo(d), [FeatureParameter.Period(20)]);
        b.Add("kurt_20", FeatureFamily.Price, [Close], ReturnStatLookback(20),
            "Bias-corrected sample excess kurtosis of the last 20 log returns (pandas rolling kurt).",
            "((n²-1) m4 / m2² - 3(n-1)²) / ((n-2)(n-3)), n = 20", ReturnWindowNan + " NaN on zero variance (pandas: -3 on a constant window).",
            (ctx, d) => ReturnShape(ctx)[1].CopyTo(d), [FeatureParameter.Period(20)]);

        b.Add("dist_high_20", FeatureFamily.Price, [High, Close], Indicators.RangePositionLookback(20),
            "Distance of the 20-bar high above the close.", "max(H, 20) / C - 1", WindowNan + " NaN when C = 0.",
            (ctx, d) => Range(ctx)[0].CopyTo(d), [FeatureParameter.Period(20)]);
        b.Add("dist_low_20", FeatureFamily.Price, [Low, Close], Indicators.RangePositionLookback(20),
            "Distance of the 20-bar low below the close.", "min(L, 20) / C - 1", WindowNan + " NaN when C = 0.",
            (ctx, d) => Range(ctx)[1].CopyTo(d), [FeatureParameter.Period(20)]);
        b.Add("rsv_20", FeatureFamily.Price, [High, Low, Close], Indicators.RangePositionLookback(20),
            "Raw stochastic value: position of the close in the 20-bar high-low range (no ε).", "(C - min(L, 20)) / (max(H, 20) - min(L, 20))",
            WindowNan + " NaN on a flat range (max H = min L).", (ctx, d) => Range(ctx)[2].CopyTo(d), [FeatureParameter.Period(20)]);
    }

    private static void RegisterRangeVolatility(CatalogBuilder b)
    {
        const string Floor = " A negative mean (possible only with inconsistent bars, H < max(O, C) or L > min(O, C)) is floored at 0 before the square root.";
        b.Add("parkinson_vol_20", FeatureFamily.Price, [High, Low], Indicators.RangeVolatilityLookback(20),
            "Parkinson high-low volatility per bar over 20 bars (not annualized).", "sqrt(mean(ln(H/L)², 20) / (4 ln 2))",
            WindowNan + " A bar with an undefined ln(H/L) (NaN or non-positive price) counts as NaN. Exactly 0 when H = L on every bar.",
            (ctx, d) => Indicators.ParkinsonFromLogs(LogRatio(ctx, "ln:high/low", High, Low), 20, d), [FeatureParameter.Period(20)]);
        b.Add("garman_klass_vol_20", FeatureFamily.Price, [Open, High, Low, Close], Indicators.RangeVolatilityLookback(20),
            "Garman–Klass volatility per bar over 20 bars (not annualized)." + Floor,
            "sqrt(mean(0.5 ln(H/L)² - (2 ln 2 - 1) ln(C/O)², 20))", WindowNan,
            (ctx, d) => Indicators.GarmanKlassFromLogs(LogRatio(ctx, "ln:high/low", High, Low), LogRatio(ctx, "ln:close/open", Close, Open), 20, d),
            [FeatureParameter.Period(20)]);
        b.Add("rogers_satchell_vol_20", FeatureFamily.Price, [Open, High, Low, Close], Indicators.RangeVolatilityLookback(20),
            "Rogers–Satchell drift-independent volatility per bar over 20 bars (not annualized)." + Floor,
            "sqrt(mean(ln(H/C) ln(H/O) + ln(L/C) ln(L/O), 20))", WindowNan,
            (ctx, d) =>
            {
                RogersSatchellMean(ctx).CopyTo(d);
                Indicators.FloorSqrt(d);
            }, [FeatureParameter.Period(20)]);
        b.Add("yang_zhang_vol_20", FeatureFamily.Price, [Open, High, Low, Close], Indicators.YangZhangVolatilityLookback(20),
            "Yang–Zhang volatility per bar over 20 bars (not annualized): the square root of the standard Yang–Zhang variance." + Floor,
            "sqrt(var(o, 20) + k var(c, 20) + (1 - k) mean(RS, 20)), o = ln(O_t/C_(t-1)), c = ln(C_t/O_t), sample variances, k = 0.34 / (1.34 + 21/19)",
            "NaN while bars t-20..t hold an undefined log ratio; recovers when it leaves the window.",
            (ctx, d) => Indicators.YangZhangFromLogs(LogRatioToPreviousClose(ctx), LogRatio(ctx, "ln:close/open", Close, Open), RogersSatchellMean(ctx), 20, d),
            [FeatureParameter.Period(20)]);
    }

    private static void RegisterStructure(CatalogBuilder b)
    {
        b.Add("trend_direction", FeatureFamily.Price, [High, Low, Close], Indicators.TrendDirectionLookback(20, 14),
            "+1 when the close is more than 0.1 ATR(14) above its EMA(20), -1 when more than 0.1 ATR below, else 0 (EMA and ATR as TA-Lib). A distance |C - ema_20| <= 2^-46 |C| is rounding noise and counts as 0, so a flat market (ATR = 0) is 0.",
            "sign(C - ema_20) if |C - ema_20| > 0.1 · atr_14 else 0",
            "NaN while EMA(20) or ATR(14) is NaN: both restart their seeding after a NaN input (EMA: 20 valid closes; ATR: 14 valid true ranges).",
            (ctx, d) => Indicators.TrendDirectionFrom(ctx.Close, Ema20(ctx), Atr14(ctx), 0.1, d),
            [FeatureParameter.Period(20, "ema_period"), FeatureParameter.Period(14, "atr_period"), new FeatureParameter("threshold", 0.1, 0, double.MaxValue)]);
        b.Add("market_structure", FeatureFamily.Price, [High, Low], Indicators.MarketStructureLookback(3),
            "Swing structure: +1 when the last two confirmed pivot highs and the last two confirmed pivot lows are both rising, -1 when both falling, else 0. A pivot high at j: H_j is the strict maximum of H over j-3..j+3, confirmed at bar j+3 (no look-ahead); pivot lows likewise. 0 until two pivots of each kind exist.",
            "+1 if PH2 > PH1 and PL2 > PL1; -1 if PH2 < PH1 and PL2 < PL1; else 0",
            "A NaN high or low gives NaN and restarts the feature as on a fresh series (pivots forgotten): NaN for the next 6 bars, then 0 until two new pivots of each kind.",
            (ctx, d) => Indicators.MarketStructure(ctx.Input(High), ctx.Input(Low), 3, d), [FeatureParameter.Period(3, "pivot_width")]);
    }

    private static void RegisterKBar(CatalogBuilder b)
    {
        foreach (var (name, kind, formula, inputs) in (ReadOnlySpan<(string, KBarKind, string, MarketColumn[])>)
        [
            ("kmid", KBarKind.Mid, "(C - O) / O", [Open, Close]),
            ("klen", KBarKind.Length, "(H - L) / O", [Open, High, Low]),
            ("kmid2", KBarKind.Mid2, "(C - O) / (H - L + 1e-12)", [Open, High, Low, Close]),
            ("kup", KBarKind.Up, "(H - max(O, C)) / O", [Open, High, Close]),
            ("kup2", KBarKind.Up2, "(H - max(O, C)) / (H - L + 1e-12)", [Open, High, Low, Close]),
            ("klow", KBarKind.Low, "(min(O, C) - L) / O", [Open, Low, Close]),
            ("klow2", KBarKind.Low2, "(min(O, C) - L) / (H - L + 1e-12)", [Open, High, Low, Close]),
            ("ksft", KBarKind.Shift, "(2C - H - L) / O", [Open, High, Low, Close]),
            ("ksft2", KBarKind.Shift2, "(2C - H - L) / (H - L + 1e-12)", [Open, High, Low, Close]),
        ])
        {
            var k = kind;
            b.Add(name, FeatureFamily.Price, inputs, Indicators.KBarLookback(),
                $"Qlib Alpha158 k-bar feature {name.ToUpperInvariant()} of the current bar (ε = 1e-12).", formula, BarNan,
                (ctx, d) => Indicators.KBar(ctx.Input(Open), ctx.Input(High), ctx.Input(Low), ctx.Close, k, d));
        }
    }

    /// <summary>Lookback of an N-window statistic of log returns: 1 (the first return) + N − 1.</summary>
    private static int ReturnStatLookback(int period) => Indicators.ChangeLookback(1) + Indicators.RollingMomentsLookback(period);

    private static double[][] ReturnShape(FeatureContext ctx) =>
        ctx.Shared("shape:log_return_1:20", 2, (c, a) => Indicators.RollingShapeMoments(c.Feature("log_return_1"), 20, a[0], a[1]));

    private static double[][] Regression(FeatureContext ctx) =>
        ctx.Shared("linreg:close:20", 2, (c, a) => Indicators.LinearRegression(c.Close, 20, a[0], a[1]));

    private static double[][] Range(FeatureContext ctx) =>
        ctx.Shared("range:20", 3, (c, a) => Indicators.RangePosition(c.Input(High), c.Input(Low), c.Close, 20, a[0], a[1], a[2]));

    private static ReadOnlySpan<double> LogRatio(FeatureContext ctx, string key, MarketColumn numerator, MarketColumn denominator) =>
        ctx.Shared(key, (c, d) => Indicators.LogRatio(c.Input(numerator), c.Input(denominator), d));

    private static ReadOnlySpan<double> LogRatioToPreviousClose(FeatureContext ctx) =>
        ctx.Shared("ln:open/prevclose", (c, d) => Indicators.LogRatioToPrevious(c.Input(Open), c.Close, d));

    private static ReadOnlySpan<double> RogersSatchellMean(FeatureContext ctx) =>
        ctx.Shared("rs:mean:20", (c, d) => Indicators.RogersSatchellMean(LogRatio(c, "ln:high/open", High, Open), LogRatio(c, "ln:low/open", Low, Open),
            LogRatio(c, "ln:close/open", Close, Open), 20, d));

    private static ReadOnlySpan<double> Ema20(FeatureContext ctx) => ctx.Shared("ema:close:20", (c, d) => Indicators.Ema(c.Close, 20, d));

    /// <summary>The atr_14 feature's column (computed once per run, shared with atr_14 when both are requested).</summary>
    private static ReadOnlySpan<double> Atr14(FeatureContext ctx) => ctx.Feature("atr_14");

    private static void Scale(Span<double> values, double factor)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }
}
