using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures;

/// <summary>Catalogue entries of the price family defined "as TA-Lib X" (besides SMA, in Catalog.Price.cs).</summary>
/// <remarks>
/// Every entry equals TA-Lib's function with its default unstable period (0), its seeding, its first valid index
/// (= the entry's lookback) and its special values; the golden tests compare each one with TA-Lib C at every index.
/// Multi-output functions (MACD, ADX with ±DI, STOCH, BBANDS) are computed once per run through
/// <see cref="FeatureContext.Shared(string, int, Action{FeatureContext, double[][]})"/> and shared by their features.
/// </remarks>
internal static class PriceTaLibCatalog
{
    private const string RestartNan = "A NaN input gives NaN and restarts the seeding, as TA-Lib started on the data after it (values return after the lookback).";
    private const string WindowNan = "NaN while the window holds a NaN input; recovers when it leaves the window.";

    public static void Register(CatalogBuilder b)
    {
        foreach (int n in (int[])[12, 26])
        {
            int period = n;
            b.Add($"ema_{n}", FeatureFamily.Price, [Close], Indicators.EmaLookback(period),
                $"Exponential moving average of the close over {n} bars, as TA-Lib EMA (SMA-seeded, α = 2/({n}+1)).",
                $"ema_t = ema_(t-1) + α (C_t − ema_(t-1)), α = 2/{n + 1}; seed = mean(C_0..C_{n - 1})", RestartNan,
                (ctx, d) => Indicators.Ema(ctx.Close, period, d), [FeatureParameter.Period(n)], taLib: $"EMA({n})");
        }

        foreach (int n in (int[])[14, 50])
        {
            int period = n;
            b.Add($"rsi_{n}", FeatureFamily.Price, [Close], Indicators.RsiLookback(period),
                $"Wilder's relative strength index of the close over {n} bars, as TA-Lib RSI (0 when gains + losses are 0).",
                $"100 · G / (G + L), G and L Wilder averages (period {n}) of the gains and losses of C", RestartNan,
                (ctx, d) => Indicators.Rsi(ctx.Close, period, d), [FeatureParameter.Period(n, min: 2)], taLib: $"RSI({n})");
        }

        FeatureParameter[] macdParameters =
            [FeatureParameter.Period(12, "fast_period", 2), FeatureParameter.Period(26, "slow_period", 2), FeatureParameter.Period(9, "signal_period")];
        int macdLookback = Indicators.MacdLookback(12, 26, 9);
        foreach (var (name, column, description, formula) in (ReadOnlySpan<(string, int, string, string)>)[
            ("macd", 0, "MACD line of the close, as TA-Lib MACD(12, 26, 9).", "EMA_12(C) − EMA_26(C), both EMAs starting at bar 25 (TA-Lib seeding)"),
            ("macd_signal", 1, "Signal line of MACD(12, 26, 9), as TA-Lib.", "EMA_9(macd), seeded with the SMA of the first 9 MACD values"),
            ("macd_histogram", 2, "MACD histogram, as TA-Lib MACD(12, 26, 9).", "macd − macd_signal"),
        ])
        {
            int k = column;
            b.Add(name, FeatureFamily.Price, [Close], macdLookback, description, formula, RestartNan,
                (ctx, d) => FeatureContext.CopyColumn(Macd(ctx)[k], d), macdParameters, taLib: "MACD(12, 26, 9)");
        }

        b.Add("atr_14", FeatureFamily.Price, [High, Low, Close], Indicators.AtrLookback(14),
            "Average true range over 14 bars, as TA-Lib ATR (Wilder smoothing, seeded with the mean of the first 14 true ranges).",
            "ATR_t = (ATR_(t-1)·13 + TR_t) / 14, TR = max(H − L, |H − C_(t-1)|, |L − C_(t-1)|)", RestartNan,
            (ctx, d) => Indicators.Atr(ctx.Input(High), ctx.Input(Low), ctx.Close, 14, d), [FeatureParameter.Period(14)], taLib: "ATR(14)");
        b.Add("natr_14", FeatureFamily.Price, [High, Low, Close], Indicators.AtrLookback(14),
            "Normalized average true range over 14 bars, in percent of the close, as TA-Lib NATR (0 when C = 0).",
            "100 · atr_14 / C", RestartNan,
            (ctx, d) => Indicators.Natr(ctx.Input(High), ctx.Input(Low), ctx.Close, 14, d), [FeatureParameter.Period(14)], taLib: "NATR(14)");

        FeatureParameter[] bbParameters = [FeatureParameter.Period(20, min: 2), new FeatureParameter("deviations", 2, -3e37, 3e37)];
        int bbLookback = Indicators.BollingerLookback(20);
        b.Add("bb_width", FeatureFamily.Price, [Close], bbLookback,
            "Width of TA-Lib BBANDS(20, 2, 2, SMA) relative to the middle band (population standard deviation, TA-Lib arithmetic).",
            "(upper − lower) / middle, middle = SMA_20(C), upper/lower = middle ± 2 σ_pop(C, 20)", WindowNan + " NaN when middle = 0.",
            (ctx, d) =>
            {
                // Alone (bb_position neither requested nor computed), skip the position's work; same values.
                if (!ctx.IsRequested("bb_position") && !ctx.IsComputed("bb_position"))
                {
                    Indicators.BollingerWidth(ctx.Close, 20, 2.0, d);
                    return;
                }

                FeatureContext.CopyColumn(Bollinger(ctx)[0], d);
            }, bbParameters, taLib: "BBANDS(20, 2, 2, SMA)");
        b.Add("bb_position", FeatureFamily.Price, [Close], bbLookback,
            "Position of the close inside TA-Lib BBANDS(20, 2, 2, SMA): 0 at the lower band, 1 at the upper band.",
            "(C − lower) / (upper − lower)", WindowNan + " NaN when upper = lower (a flat window).",
            (ctx, d) => FeatureContext.CopyColumn(Bollinger(ctx)[1], d), bbParameters, taLib: "BBANDS(20, 2, 2, SMA)");

        FeatureParameter[] adxParameters = [FeatureParameter.Period(14, min: 2)];
        b.Add("adx_14", FeatureFamily.Price, [High, Low, Close], Indicators.AdxLookback(14),
            "Wilder's average directional index over 14 bars, as TA-Lib ADX (unchanged on a bar whose DX is undefined).",
            "ADX_t = (ADX_(t-1)·13 + DX_t) / 14, DX = 100 |+DI − −DI| / (+DI + −DI); first ADX = mean of 14 DX", RestartNan,
            (ctx, d) => FeatureContext.CopyColumn(Dmi(ctx)[0], d), adxParameters, taLib: "ADX(14)");
        b.Add("plus_di_14", FeatureFamily.Price, [High, Low, Close], Indicators.DirectionalIndicatorLookback(14),
            "Plus directional indicator over 14 bars, as TA-Lib PLUS_DI (0 when the smoothed true range is 0).",
            "100 · S(+DM) / S(TR), S = Wilder running sum (14)", RestartNan,
            (ctx, d) => FeatureContext.CopyColumn(Dmi(ctx)[1], d), adxParameters, taLib: "PLUS_DI(14)");
        b.Add("minus_di_14", FeatureFamily.Price, [High, Low, Close], Indicators.DirectionalIndicatorLookback(14),
            "Minus directional indicator over 14 bars, as TA-Lib MINUS_DI (0 when the smoothed true range is 0).",
            "100 · S(−DM) / S(TR), S = Wilder running sum (14)", RestartNan,
            (ctx, d) => FeatureContext.CopyColumn(Dmi(ctx)[2], d), adxParameters, taLib: "MINUS_DI(14)");

        FeatureParameter[] stochParameters =
            [FeatureParameter.Period(14, "fastk_period"), FeatureParameter.Period(3, "slowk_period"), FeatureParameter.Period(3, "slowd_period")];
        int stochLookback = Indicators.StochLookback(14, 3, 3);
        const string stochNan = "Fast %K is NaN while the 14-bar high/low window holds a NaN or when C is NaN; each SMA is NaN while its window holds a NaN and restarts after.";
        b.Add("stoch_k_14", FeatureFamily.Price, [High, Low, Close], stochLookback,
            "Slow %K of TA-Lib STOCH(14, 3 SMA, 3 SMA) (fast %K = 0 when the 14-bar range is 0).",
            "SMA_3(fast %K), fast %K = 100 (C − min(L, 14)) / (max(H, 14) − min(L, 14))", stochNan,
            (ctx, d) => FeatureContext.CopyColumn(Stochastic(ctx)[0], d), stochParameters, taLib: "STOCH(14, 3, SMA, 3, SMA)");
        b.Add("stoch_d_14", FeatureFamily.Price, [High, Low, Close], stochLookback,
            "Slow %D of TA-Lib STOCH(14, 3 SMA, 3 SMA).",
            "SMA_3(stoch_k_14)", stochNan,
            (ctx, d) => FeatureContext.CopyColumn(Stochastic(ctx)[1], d), stochParameters, taLib: "STOCH(14, 3, SMA, 3, SMA)");

        b.Add("willr_14", FeatureFamily.Price, [High, Low, Close], Indicators.WillRLookback(14),
            "Williams' %R over 14 bars, as TA-Lib WILLR (in [−100, 0]; 0 when the range is 0).",
            "−100 (max(H, 14) − C) / (max(H, 14) − min(L, 14))",
            "NaN while the 14-bar high/low window holds a NaN, or when C_t is NaN; recovers when it leaves the window.",
            (ctx, d) => Indicators.WillR(ctx.Input(High), ctx.Input(Low), ctx.Close, 14, d), [FeatureParameter.Period(14, min: 2)], taLib: "WILLR(14)");

        b.Add("cci_20", FeatureFamily.Price, [High, Low, Close], Indicators.CciLookback(20),
            "Commodity channel index over 20 bars, as TA-Lib CCI (0 when TP − mean or the mean deviation is 0).",
            "(TP − mean(TP, 20)) / (0.015 · mean(|TP − mean(TP, 20)|)), TP = (H + L + C) / 3", WindowNan,
            (ctx, d) => Indicators.Cci(ctx.Input(High), ctx.Input(Low), ctx.Close, 20, d), [FeatureParameter.Period(20, min: 2)], taLib: "CCI(20)");
    }

    /// <summary>MACD(12, 26, 9) of the close: line, signal, histogram (computed once per run).</summary>
    private static double[][] Macd(FeatureContext ctx) =>
        ctx.SharedFeatures("talib:macd(12,26,9)", ["macd", "macd_signal", "macd_histogram"], static (c, a) => Indicators.Macd(c.Close, 12, 26, 9, a[0], a[1], a[2]));

    /// <summary>BBANDS(20, 2, 2, SMA) of the close: width and position (computed once per run).</summary>
    private static double[][] Bollinger(FeatureContext ctx) =>
        ctx.SharedFeatures("talib:bbands(20,2)", ["bb_width", "bb_position"], static (c, a) => Indicators.BollingerWidthPosition(c.Close, 20, 2.0, a[0], a[1]));

    /// <summary>ADX(14), PLUS_DI(14), MINUS_DI(14) (computed once per run).</summary>
    private static double[][] Dmi(FeatureContext ctx) =>
        ctx.SharedFeatures("talib:adx(14)", ["adx_14", "plus_di_14", "minus_di_14"], static (c, a) => Indicators.Adx(c.Input(High), c.Input(Low), c.Close, 14, a[0], a[1], a[2]));

    /// <summary>STOCH(14, 3 SMA, 3 SMA): slow %K and slow %D (computed once per run).</summary>
    private static double[][] Stochastic(FeatureContext ctx) =>
        ctx.SharedFeatures("talib:stoch(14,3,3)", ["stoch_k_14", "stoch_d_14"], static (c, a) => Indicators.Stoch(c.Input(High), c.Input(Low), c.Close, 14, 3, 3, a[0], a[1]));
}
