namespace QuantFeatures.Streaming;

/// <summary>Memories of the open-interest, funding, liquidations and positioning families' streams (see <see cref="StreamMemory"/>).</summary>
/// <remarks>
/// <para>Left unbounded (undeclared): the recursive states (<c>oi_ema_*</c>: EmaState; <c>oi_macd*</c>: MacdState of the
/// "oi:recursive" fused step), TA-Lib's running Σx and Σx² of the bands (<c>oi_bb_*</c>: BollingerState, restarted only by a
/// NaN, never recomputed from the window), and every FundingWindowState (<c>funding_rate_change</c>,
/// <c>cumulative_funding_7d</c>, <c>funding_zscore_30d</c> and the extreme flags, <c>funding_percentile_252d</c>: the last
/// settlement seen, the rate before it, the interval in force and the end of the last hole can be arbitrarily old, the
/// window's sum is a compensated sum never recomputed, the bar counter gates the lookback, and with the engine's
/// settlements the stream's index into them advances with time).</para>
/// </remarks>
internal static partial class StreamCatalog
{
    static partial void DeclareDerivativesMemory(Builder b)
    {
        DeclareOpenInterestMemory(b);
        DeclareFundingMemory(b);
        DeclareLiquidationsMemory(b);
        DeclarePositioningMemory(b);
    }

    private static void DeclareOpenInterestMemory(Builder b)
    {
        foreach (int k in (ReadOnlySpan<int>)[1, 5, 20])
        {
            b.Memory($"oi_change_{k}", _ => StreamMemory.Last(k + 1)); // the change over k bars: the OI k bars ago (the step's OI delay line), k + 1 bars
        }

        foreach (int hours in (ReadOnlySpan<int>)[1, 4, 24])
        {
            var horizon = TimeSpan.FromHours(hours);
            b.Memory($"oi_velocity_{hours}h", ctx => StreamMemory.Last(ctx.Bars(horizon) + 1)); // the change over the horizon's bars (the OI delay line)
        }

        foreach (int n in (ReadOnlySpan<int>)[20, 50])
        {
            b.Memory($"oi_sma_{n}", _ => StreamMemory.Sum(n)); // SmaState: a ring and a WindowSum
        }

        b.Memory("oi_std_20", _ => StreamMemory.Moments(20)); // RollingMomentsState(20): a ring and a MomentsWindow
        b.Memory("oi_zscore_100", _ => StreamMemory.Moments(100)); // RollingMomentsState(100)
        b.Memory("oi_percentile_100", _ => StreamMemory.Last(100)); // RollingPercentileState(100): exact integer counts of the window
        foreach (int n in (ReadOnlySpan<int>)[20, 50])
        {
            // ln OI and ln C of the bar and the two n bars before (the step's ln OI and ln C delay lines).
            b.Memory($"oi_price_divergence_{n}", _ => StreamMemory.Last(n + 1));
        }

        // ln OI (no state) and two LagState(20) rings (of ln OI and of ln volume_sma_20, read at the bar).
        b.Memory("oi_volume_divergence_20", _ => StreamMemory.Last(21));
        b.Memory("oi_regime_5", _ => StreamMemory.Last(6)); // the close and the OI 5 bars before (the step's delay lines)
        b.Memory("oi_volume_ratio", ctx => StreamMemory.Sum(ctx.Bars(Day))); // RollingSumState of the volume (recomputed on the Sum schedule)
    }

    private static void DeclareFundingMemory(Builder b)
    {
        b.Memory("funding_rate", _ => StreamMemory.None); // the bar's column
        b.Memory("funding_rate_change_24h", ctx => StreamMemory.Last(ctx.Bars(Day) + 1)); // LagState(bars of a day)
        b.Memory("funding_annualized", _ => StreamMemory.None); // the bar's rate and interval
        b.Memory("minutes_to_funding", _ => StreamMemory.None); // the bar's settlement time, interval and decision time
        b.Memory("basis", _ => StreamMemory.None); // close vs mark at the bar
        b.Memory("premium", _ => StreamMemory.None); // mark vs index at the bar
    }

    private static void DeclareLiquidationsMemory(Builder b)
    {
        b.Memory("net_liquidation", _ => StreamMemory.None); // long − short at the bar
        b.Memory("avg_liq_size_1h", _ => StreamMemory.None); // reads liquidation_vol_1h and liquidation_count_1h at the bar
        b.Memory("liq_long_short_ratio_1h", _ => StreamMemory.None); // reads long_liq_vol_1h and short_liq_vol_1h at the bar
        b.Memory("liquidation_intensity", _ => StreamMemory.None); // the bar's total over its quote volume

        // RollingSumState / SpikeZScoreState: a ring and compensated sums recomputed from the window on the Sum schedule.
        foreach (string name in (ReadOnlySpan<string>)["liquidation_vol_1h", "long_liq_vol_1h", "short_liq_vol_1h", "liquidation_count_1h"])
        {
            b.Memory(name, ctx => StreamMemory.Sum(ctx.Bars(Hour)));
        }

        b.Memory("liq_imbalance_1h", ctx => StreamMemory.Sum(ctx.Bars(Hour))); // its own 1h sum of the net (and reads liquidation_vol_1h)
        b.Memory("liq_spike_24h", ctx => StreamMemory.Sum(ctx.Bars(Day)));
        b.Memory("liq_zscore_24h", ctx => StreamMemory.Sum(ctx.Bars(Day)));
    }

    private static void DeclarePositioningMemory(Builder b)
    {
        b.Memory("ls_ratio", _ => StreamMemory.None); // the bar's column
        foreach (int hours in (ReadOnlySpan<int>)[1, 4])
        {
            var horizon = TimeSpan.FromHours(hours);
            b.Memory($"ls_ratio_change_{hours}h", ctx => StreamMemory.Last(ctx.Bars(horizon) + 1)); // the ratio the horizon's bars before (the step's delay line of the ratio)
        }

        // RollingPercentileState(bars of 30 days): exact integer counts of the window (scan or run-length multiset).
        b.Memory("ls_ratio_percentile_30d", ctx => StreamMemory.Last(ctx.Bars(TimeSpan.FromDays(30))));
        b.Memory("top_trader_ls_ratio", _ => StreamMemory.None); // the bar's column
        b.Memory("top_trader_position_ratio", _ => StreamMemory.None); // the bar's column
        b.Memory("ls_top_vs_crowd", _ => StreamMemory.None); // ln of the bar's two ratios
        b.Memory("taker_ls_vol_ratio", _ => StreamMemory.None); // the bar's column
    }
}
