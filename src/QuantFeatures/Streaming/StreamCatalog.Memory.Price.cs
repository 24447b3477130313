namespace QuantFeatures.Streaming;

/// <summary>Memories of the price family's streams (see <see cref="StreamMemory"/>).</summary>
/// <remarks>
/// Left unbounded (undeclared), as their states remember the whole history: ema_12/26 (EmaState), rsi_14/50 (Wilder),
/// macd / macd_signal / macd_histogram (MacdState's EMAs), atr_14 (Wilder), adx_14 / plus_di_14 / minus_di_14 (Wilder),
/// trend_direction (an EMA and an ATR), bb_width / bb_position (BollingerState: TA-Lib's running Σx and Σx², restarted
/// only after a NaN, never recomputed), stoch_k_14 / stoch_d_14 (TaLibSmaWindow: a running sum restarted only after a
/// NaN), cci_20 (CciState sums its ring in slot order, and the slots are counted from the last NaN, which can be
/// arbitrarily old) and market_structure (SwingPivots keeps the last two pivots however old).
/// </remarks>
internal static partial class StreamCatalog
{
    static partial void DeclarePriceMemory(Builder b)
    {
        DeclarePriceBasicsMemory(b);
        DeclarePriceTaLibMemory(b);
        DeclarePriceVolatilityMemory(b);
        DeclarePriceStatisticsMemory(b);
        DeclarePriceRangeVolatilityMemory(b);
        DeclarePriceKBarMemory(b);
    }

    private static void DeclarePriceBasicsMemory(Builder b)
    {
        foreach (int k in (ReadOnlySpan<int>)[1, 5, 20, 100])
        {
            b.Memory($"return_{k}", _ => StreamMemory.Last(k + 1)); // ChangeState(k): a delay line, the close and the one k bars before
        }

        foreach (int k in (ReadOnlySpan<int>)[1, 5])
        {
            b.Memory($"log_return_{k}", _ => StreamMemory.Last(k + 1)); // ChangeState(k, log)
        }

        foreach (var (name, hours) in (ReadOnlySpan<(string, int)>)[("return_1h", 1), ("return_4h", 4), ("return_1d", 24), ("momentum_168h", 168)])
        {
            var horizon = TimeSpan.FromHours(hours);
            b.Memory(name, ctx => StreamMemory.Last(ctx.Bars(horizon) + 1)); // ChangeState(bars of the horizon, log)
        }

        foreach (int n in (ReadOnlySpan<int>)[20, 50, 200])
        {
            b.Memory($"sma_{n}", _ => StreamMemory.Sum(n)); // SmaState: a ring and a WindowSum
            b.Memory($"price_vs_sma{n}", _ => StreamMemory.None); // reads sma_n at the bar
        }
    }

    private static void DeclarePriceTaLibMemory(Builder b)
    {
        b.Memory("natr_14", _ => StreamMemory.None); // reads atr_14 at the bar
        b.Memory("willr_14", _ => StreamMemory.Last(14)); // WillRState: HighLowWindow(14), exact extremes of the window
    }

    private static void DeclarePriceVolatilityMemory(Builder b)
    {
        b.Memory("realized_vol_20", _ => StreamMemory.Moments(20)); // RollingMomentsState(20) of log_return_1 (read)
        b.Memory("volatility_20", _ => StreamMemory.None); // reads realized_vol_20 at the bar
        b.Memory("volatility_50", _ => StreamMemory.Moments(50)); // RollingMomentsState(50) of log_return_1 (read)
    }

    private static void DeclarePriceStatisticsMemory(Builder b)
    {
        b.Memory("zscore_20", _ => StreamMemory.Moments(20)); // RollingMomentsState(20) of the close

        // LinearRegressionState(20), a RegressionWindow recomputed at t % Interval(20) = 0.
        b.Memory(["linreg_slope_20", "rsquare_20"], _ => StreamMemory.Moments(20));

        // EfficiencyRatioState(10): 11 closes and a TermSumState(10) of |ΔC| (Interval(10)), its first term one close later.
        b.Memory("efficiency_ratio_10", _ => StreamMemory.Moments(10).After(1));

        // RollingAutocorrelationState(20) of log_return_1 (read): an AutocorrelationWindow of 21 values, Interval(21).
        b.Memory("autocorr_20", _ => StreamMemory.Moments(21));

        // The 1-bar log return of the close (two closes) in front of a PowerSumsState(20) (Interval(20)).
        b.Memory(["skew_20", "kurt_20"], _ => StreamMemory.Moments(20).After(StreamMemory.Last(2).Bars));

        // RangePositionState(20), two RollingExtremumStates (exact extremes of the window).
        b.Memory(["dist_high_20", "dist_low_20", "rsv_20"], _ => StreamMemory.Last(20));
    }

    private static void DeclarePriceRangeVolatilityMemory(Builder b)
    {
        // A TermSumState(20) of the bar's own range term each (Interval(20)).
        b.Memory(["parkinson_vol_20", "garman_klass_vol_20", "rogers_satchell_vol_20"], _ => StreamMemory.Moments(20));

        // YangZhangVolatilityState(20): a YangZhangWindow(20) of the overnight return (which reads the previous close) and
        // the open-to-close return, and a RogersSatchellVolatilityState(20), both on Interval(20).
        b.Memory("yang_zhang_vol_20", _ => StreamMemory.Moments(20).And(StreamMemory.Moments(20)).After(1));
    }

    private static void DeclarePriceKBarMemory(Builder b) =>
        b.Memory(["kmid", "klen", "kmid2", "kup", "kup2", "klow", "klow2", "ksft", "ksft2"], _ => StreamMemory.None); // KBarState: the bar alone
}
