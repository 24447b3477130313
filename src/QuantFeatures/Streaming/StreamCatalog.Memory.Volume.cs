using QuantFeatures.Kernels;

namespace QuantFeatures.Streaming;

/// <summary>Memories of the volume family's streams (see <see cref="StreamMemory"/>).</summary>
/// <remarks>Left unbounded (undeclared): <c>obv</c>, <c>ad</c> and <c>cvd</c> (cumulative sums from the first bar),
/// <c>adosc</c> (EMAs of its own cumulative AD line) and <c>force_index_13</c> (an EMA).</remarks>
internal static partial class StreamCatalog
{
    static partial void DeclareVolumeMemory(Builder b)
    {
        // Levels.
        b.Memory("volume_change", _ => StreamMemory.Last(2)); // the previous volume (the step's delay line of the volume)
        b.Memory("volume_sma_20", _ => StreamMemory.Sum(20)); // SmaState: a ring and a WindowSum
        b.Memory("volume_ratio_20", _ => StreamMemory.None); // reads volume_sma_20 at the bar
        b.Memory("volume_roc_10", _ => StreamMemory.Last(11)); // the volume 10 bars before (the same delay line)
        b.Memory("volume_zscore_20", _ => StreamMemory.Moments(20)); // RollingMomentsState: a ring and a MomentsWindow
        b.Memory("volume_spike_score", _ => StreamMemory.None); // reads volume_sma_20 at the bar
        b.Memory("turnover_ratio_24h", ctx =>
        {
            // RelativeToMeanState: an SmaState (a ring and a WindowSum), not stepped at all for a one-bar window.
            int period = ctx.Bars(Day);
            return period == 1 ? StreamMemory.None : StreamMemory.Sum(period);
        });

        // TA-Lib volume indicators.
        b.Memory("obv_sma_20", _ => StreamMemory.Sum(20)); // SmaState of obv's values (obv itself is unbounded)
        b.Memory("cmf_20", _ => StreamMemory.Sum(20)); // RollingSumRatioState: two rings and a PairWindowSum
        // MfiState: rings of 14 flows, each from the bar's and the previous bar's typical price (15 bars), sums recomputed
        // every 1,024 updates and when the last missing flow leaves.
        b.Memory("mfi_14", _ => StreamMemory.Scheduled(14 + 1, Indicators.RecomputeInterval));

        // Price-volume.
        b.Memory("vwap_20", _ => StreamMemory.Sum(20)); // RollingSumRatioState: two rings and a PairWindowSum
        b.Memory("price_vs_vwap", _ => StreamMemory.None); // reads vwap_20 at the bar
        // VwapSessionState: sums since the first bar of the current UTC day, restarted there. A warm start only replays
        // bars at least one timeframe apart, so a day holds at most ⌈day / timeframe⌉ of them: replaying that many starts
        // at or before the session's first bar, where both runs restart the sums from 0.
        b.Memory("vwap_session", ctx => StreamMemory.Last(BarsPerDayAtMost(ctx)));
        b.Memory("price_vs_vwap_session", _ => StreamMemory.None); // reads vwap_session at the bar
        b.Memory("price_volume_corr_20", _ => StreamMemory.Moments(20)); // RollingCovarianceState: two rings and a CovarianceWindow

        // Liquidity.
        b.Memory("amihud_20", _ => StreamMemory.Sum(20).After(1)); // SmaState of |ln(C/C_prev)| / DV terms (and the previous close)
        b.Memory("roll_spread_20", _ => StreamMemory.Moments(20).After(2)); // RollingCovarianceState of (ΔC_t, ΔC_(t−1)): two closes back
        b.Memory("corwin_schultz_20", _ => StreamMemory.Sum(20).After(1)); // SmaState of two-bar estimates (and the previous high, low)

        // Taker flow.
        b.Memory("taker_buy_ratio", _ => StreamMemory.None); // point-wise
        b.Memory("buy_sell_ratio", _ => StreamMemory.None); // point-wise
        b.Memory("cvd_20", _ => StreamMemory.Sum(20)); // RollingSumRatioState: two rings and a PairWindowSum
        b.Memory("vpin_50", _ => StreamMemory.Sum(50)); // SmaState of imbalance terms; its zero run only counts against 50
        b.Memory("avg_trade_size", _ => StreamMemory.None); // point-wise
    }

    /// <summary>The most bars one UTC day can hold when consecutive bars are at least a timeframe apart: ⌈day / Δ⌉.</summary>
    private static int BarsPerDayAtMost(StreamContext ctx)
    {
        long day = (long)Day.TotalMilliseconds, step = ctx.Timeframe.Milliseconds;
        return (int)Math.Min(int.MaxValue, (day + step - 1) / step);
    }
}
