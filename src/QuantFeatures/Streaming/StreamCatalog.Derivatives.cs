using System.Runtime.Intrinsics;
using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures.Streaming;

/// <summary>Streams of the open-interest, funding, liquidations and positioning families (the steps of their batch kernels).</summary>
internal static partial class StreamCatalog
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    static partial void RegisterDerivatives(Builder b)
    {
        RegisterOpenInterest(b);
        RegisterFunding(b);
        RegisterLiquidations(b);
        RegisterPositioning(b);
    }

    private static void RegisterOpenInterest(Builder b)
    {
        // The recursive indicators of OI (EMA, MACD of ln OI, TA-Lib's running sums of the bands).
        b.Fused("oi:recursive", OiRecursiveStep.Names,
            (ctx, o) =>
            {
                ctx.TakesLogs = true; // ln OI is the bar's logarithm (Derivatives.Log(x) is Ratio.Log(x, 1) bit for bit)
                return new OiRecursiveStep(o).Bind;
            });

        // Changes, averages and windows of OI of at most a day of bars, on the 1,024-update recomputation schedule or none.
        b.Fused("oi:windows", OiWindowsStep.Names, (ctx, o) =>
        {
            ctx.TakesLogs = true; // ln OI and ln C are the bar's logarithms
            return new OiWindowsStep(ctx, o).Bind;
        });

        // Apart from the windows, so that they do not pull in the volume family's step through volume_sma_20.
        b.Step("oi_volume_divergence_20", ctx =>
        {
            var volume = ctx.Feature("volume_sma_20");
            var oi = new LagState(20);
            var v = new LagState(20);
            ctx.TakesLogs = true;
            return c =>
            {
                // ln OI (the bar's) and ln volume_sma_20 (read at the bar), as the batch's shared ln columns
                // (Derivatives.Log(x) is Ratio.Log(x, 1) bit for bit).
                double a = c.Log(BarLog.OpenInterest), l = Ratio.Log(c.Value(volume), 1.0);
                return (a - oi.Update(a)) - (l - v.Update(l));
            };
        });

        b.Step("oi_zscore_100", _ =>
        {
            var s = new RollingMomentsState(100, 1);
            return c => s.Update(c[OpenInterest]) ? s.ZScore : double.NaN;
        });
        b.Step("oi_volume_ratio", ctx =>
        {
            var s = new RollingSumState(ctx.Bars(Day));
            return c => Ratio.Divide(c[OpenInterest], s.Update(c[Volume]));
        });
    }

    /// <summary>EMA(12, 26) of OI, MACD(12, 26, 9) of ln OI (NaN until ready, as the batch kernel on the shared ln OI
    /// column), and BBANDS(20, 2) of OI: upper, lower, and the position of OI between them.</summary>
    private sealed class OiRecursiveStep(FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "oi_ema_12", "oi_ema_26", "oi_macd", "oi_macd_signal", "oi_macd_hist", "oi_bb_upper", "oi_bb_lower",
            "oi_bb_position",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5), P6 = At(Names, 6), P7 = At(Names, 7);

        private EmaState _ema12 = new(12), _ema26 = new(26);
        private MacdState _macd = new(12, 26, 9);
        private BollingerState _bands = new(20, 2.0);

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double oi = c[OpenInterest];
            var v = ValuesOf(c);
            ulong w = Wanted; // the states of members the engine does not compute are skipped (their values are never read)
            v[P0] = TMembers.Has(w, 0) ? _ema12.Update(oi) : 0;
            v[P1] = TMembers.Has(w, 1) ? _ema26.Update(oi) : 0;
            if (TMembers.Has(w, 2) || TMembers.Has(w, 3) || TMembers.Has(w, 4))
            {
                bool ready = _macd.Update(c.Log(BarLog.OpenInterest));
                v[P2] = ready ? _macd.Macd : double.NaN;
                v[P3] = ready ? _macd.Signal : double.NaN;
                v[P4] = ready ? _macd.Histogram : double.NaN;
            }

            if (TMembers.Has(w, 5) || TMembers.Has(w, 6) || TMembers.Has(w, 7))
            {
                bool banded = _bands.Update(oi);
                double upper = banded ? _bands.Upper : double.NaN, lower = banded ? _bands.Lower : double.NaN;
                v[P5] = upper;
                v[P6] = lower;
                v[P7] = Ratio.Divide(oi - lower, upper - lower);
            }
            return 0;
        }
    }

    /// <summary>OI changes (1, 5, 20 bars; 1 h, 4 h, 24 h), SMA(20, 50), standard deviation (20), percentile (100), the
    /// divergences of ln OI from ln C (20, 50), and the 5-bar regime.</summary>
    private sealed class OiWindowsStep : FusedStep
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "oi_change_1", "oi_change_5", "oi_change_20", "oi_velocity_1h", "oi_velocity_4h", "oi_velocity_24h",
            "oi_sma_20", "oi_sma_50", "oi_std_20", "oi_percentile_100", "oi_price_divergence_20",
            "oi_price_divergence_50", "oi_regime_5",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5), P6 = At(Names, 6), P7 = At(Names, 7), P8 = At(Names, 8),
            P9 = At(Names, 9), P10 = At(Names, 10), P11 = At(Names, 11), P12 = At(Names, 12);

        private readonly int _h1, _h4, _h24;
        // One delay line per input for all its lags (batch: a lag's own; the same stored values): OI for the six changes
        // and the regime, the close for the regime, ln OI and ln C for the divergences.
        private Ring _oi, _close, _lnOi, _lnClose;
        private SmaState _sma20, _sma50;
        private RollingMomentsState _std;
        private RollingPercentileState _percentile;

        public OiWindowsStep(StreamContext ctx, FusedOutputs o)
            : base(o)
        {
            _h1 = MemberBars(ctx, o, 3, Hour);
            _h4 = MemberBars(ctx, o, 4, TimeSpan.FromHours(4));
            _h24 = MemberBars(ctx, o, 5, Day);
            _oi = new(Math.Max(20, Math.Max(_h1, Math.Max(_h4, _h24))));
            _close = new(5);
            _lnOi = new(50);
            _lnClose = new(50);
            _sma20 = new(20);
            _sma50 = new(50);
            _std = new(20, 1);
            _percentile = new(100);
        }

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double oi = c[OpenInterest], close = c.Close;
            var v = ValuesOf(c);
            ulong w = Wanted; // the states of members the engine does not compute are skipped (their values are never read)
            // read before the push: Back(k - 1) is the value k bars ago (NaN while fewer were stored), as LagState(k) gives it
            double oi5 = _oi.Back(4);
            v[P0] = Ratio.Change(oi, _oi.Back(0)); // ChangeState's formula on the lag it keeps
            v[P1] = Ratio.Change(oi, oi5);
            v[P2] = Ratio.Change(oi, _oi.Back(19));
            v[P3] = Ratio.Change(oi, _oi.Back(_h1 - 1));
            v[P4] = Ratio.Change(oi, _oi.Back(_h4 - 1));
            v[P5] = Ratio.Change(oi, _oi.Back(_h24 - 1));
            _oi.Push(oi);
            v[P6] = TMembers.Has(w, 6) ? _sma20.Update(oi) : 0;
            v[P7] = TMembers.Has(w, 7) ? _sma50.Update(oi) : 0;
            v[P8] = TMembers.Has(w, 8) ? (_std.Update(oi) ? Math.Sqrt(_std.Variance) : double.NaN) : 0;
            v[P9] = TMembers.Has(w, 9) ? _percentile.Update(oi) : 0;
            if (TMembers.Has(w, 10) || TMembers.Has(w, 11))
            {
                double a = c.Log(BarLog.OpenInterest), p = c.Log(BarLog.Close); // ln OI and ln C, as the batch's shared columns
                v[P10] = (a - _lnOi.Back(19)) - (p - _lnClose.Back(19));
                v[P11] = (a - _lnOi.Back(49)) - (p - _lnClose.Back(49));
                _lnOi.Push(a);
                _lnClose.Push(p);
            }

            double close5 = _close.Back(4);
            _close.Push(close);
            v[P12] = TMembers.Has(w, 12) ? Derivatives.Regime(close - close5, oi - oi5) : 0;
            return 0;
        }
    }

    private static void RegisterFunding(Builder b)
    {
        // The event-time windows of the settlements, which remember the whole history.
        b.Fused("funding:events", FundingEventsStep.Names,
            (ctx, o) => new FundingEventsStep(ctx, o).Bind);

        // The bar's funding, mark and index columns, and the change of the rate over a day.
        b.Fused("funding:bar", FundingBarStep.Names,
            (ctx, o) => new FundingBarStep(ctx, o).Bind);
    }

    /// <summary>The rate change at the last settlement, the 7-day sum, the 30-day z-score and its extreme flags (one
    /// window, as the batch kernel), and the 252-day percentile, each window fed as in batch.</summary>
    private sealed class FundingEventsStep(StreamContext ctx, FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "funding_rate_change", "cumulative_funding_7d", "funding_zscore_30d", "funding_extreme_positive",
            "funding_extreme_negative", "funding_percentile_252d",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5);

        private readonly FundingEvents _change = new(Indicators.FundingRateChangeWindow, ctx.Timeframe, ranks: false);
        private readonly FundingEvents _week = new(TimeSpan.FromDays(7), ctx.Timeframe, ranks: false);
        private readonly FundingEvents _month = new(TimeSpan.FromDays(30), ctx.Timeframe, ranks: false);
        private readonly FundingEvents _year = new(TimeSpan.FromDays(252), ctx.Timeframe, ranks: true);

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            var v = ValuesOf(c);
            ulong w = Wanted; // the windows of members the engine does not compute are skipped (their values are never read)
            if (TMembers.Has(w, 0))
            {
                _change.Update(c);
                v[P0] = _change.State.RateChange;
            }

            v[P1] = TMembers.Has(w, 1) ? (_week.Update(c) ? _week.State.Sum() : double.NaN) : 0;
            if (TMembers.Has(w, 2) || TMembers.Has(w, 3) || TMembers.Has(w, 4))
            {
                bool known = _month.Update(c);
                v[P2] = known ? _month.State.ZScore() : double.NaN;
                v[P3] = known ? _month.State.Extreme(2.0) : double.NaN;
                v[P4] = known ? _month.State.Extreme(-2.0) : double.NaN;
            }

            v[P5] = TMembers.Has(w, 5) ? (_year.Update(c) ? _year.State.Percentile() : double.NaN) : 0;
            return 0;
        }
    }

    /// <summary>The funding rate, its change over a day of bars, annualized, the minutes to the next settlement, the
    /// basis (close vs mark) and the premium (mark vs index).</summary>
    private sealed class FundingBarStep(StreamContext ctx, FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "funding_rate", "funding_rate_change_24h", "funding_annualized", "minutes_to_funding", "basis", "premium",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5);

        private LagState _day = new(MemberBars(ctx, o, 1, Day));

        // The settlement schedule of the last bar's funding time and interval (carried forward between settlements): the
        // same inputs give the same schedule, so it is worked out again only when one of them changes.
        private double _settlementTime = double.NaN;
        private double _intervalHours = double.NaN;
        private bool _scheduled;
        private long _scheduledAt;
        private long _intervalMs;

        public Func<StreamContext, double> Bind(bool all) => Run;

        private double Run(StreamContext c)
        {
            double rate = c[FundingRate], interval = c[FundingIntervalHours], close = c.Close, mark = c[MarkPrice];
            var v = ValuesOf(c);
            v[P0] = rate;
            v[P1] = rate - _day.Update(rate);
            v[P2] = Derivatives.AnnualizedFunding(rate, interval);
            double settlementTime = c[FundingTime];
            if (settlementTime != _settlementTime || interval != _intervalHours) // NaN never equals: recomputed (to unknown)
            {
                (_settlementTime, _intervalHours) = (settlementTime, interval);
                _scheduled = Derivatives.FundingSchedule(settlementTime, interval, out _scheduledAt, out _intervalMs);
            }

            v[P3] = _scheduled ? Derivatives.MinutesToSettlement(_scheduledAt, _intervalMs, c.DecisionTime) : double.NaN;
            v[P4] = Derivatives.RelativeDifference(close, mark);
            v[P5] = Derivatives.RelativeDifference(mark, c[IndexPrice]);
            return 0;
        }
    }

    /// <summary>
    /// An event-time funding window fed as the batch kernels feed it: from the engine's settlements (a frame's funding
    /// history) when it takes them, else rebuilt from the bar's funding columns.
    /// </summary>
    private sealed class FundingEvents(TimeSpan window, Timeframe timeframe, bool ranks)
    {
        private FundingWindowState _state = new(window, timeframe, ranks);
        private int _next;

        public ref FundingWindowState State => ref _state;

        public bool Update(StreamContext c)
        {
            if (!c.UsesSettlements)
            {
                return _state.Update(c[FundingRate], c[FundingTime], c[FundingIntervalHours], c.DecisionTime);
            }

            var list = c.Settlements;
            long decision = c.DecisionTime;
            while (_next < list.Count && list[_next].AvailableAt <= decision)
            {
                var (time, rate, interval, _) = list[_next];
                _state.Settle(time, rate, interval);
                _next++;
            }

            return _state.UpdateFromHistory(double.IsFinite(c[FundingRate]) && _next > 0, decision);
        }
    }

    private static void RegisterLiquidations(Builder b)
    {
        // The bar's liquidations and their 1-hour sums and ratios (the ratios of the sums, as in batch).
        b.Fused("liquidations:hour", LiquidationsHourStep.Names, (ctx, o) => new LiquidationsHourStep(ctx, o).Bind);

        // The bar's total against its 24-hour sum: the spike ratio and the z-score.
        b.Fused("liquidations:day", LiquidationsDayStep.Names, (ctx, o) => new LiquidationsDayStep(ctx, o).Bind);
    }

    /// <summary>Net liquidations, the 1-hour sums of the total, long, short, count and net, their ratios, and the bar's
    /// intensity (total over quote volume).</summary>
    private sealed class LiquidationsHourStep : FusedStep
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "net_liquidation", "liquidation_vol_1h", "long_liq_vol_1h", "short_liq_vol_1h", "liquidation_count_1h",
            "avg_liq_size_1h", "liq_imbalance_1h", "liq_long_short_ratio_1h", "liquidation_intensity",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5), P6 = At(Names, 6), P7 = At(Names, 7), P8 = At(Names, 8);

        private RollingSum4State _sums; // the total, long, short and count sums, one lane each (each lane's bits are its own RollingSumState's)
        private RollingSumState _net;

        public LiquidationsHourStep(StreamContext ctx, FusedOutputs o)
            : base(o)
        {
            int bars = MemberBars(ctx, o, 1, Hour); // every 1-hour member is offered at the same timeframes
            _sums = new(bars);
            _net = new(bars);
        }

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double longs = c[LongLiquidationNotional], shorts = c[ShortLiquidationNotional];
            double total = longs + shorts, net = longs - shorts;
            var v = ValuesOf(c);
            v[P0] = net;
            ulong w = Wanted; // the sums of members the engine does not compute are skipped (their values are never read)
            double totalSum = 0, longSum = 0, shortSum = 0, countSum = 0;
            if (TMembers.Has(w, 1) || TMembers.Has(w, 2) || TMembers.Has(w, 3) || TMembers.Has(w, 4) || TMembers.Has(w, 5) || TMembers.Has(w, 6) || TMembers.Has(w, 7))
            {
                var sums = _sums.Update(Vector256.Create(total, longs, shorts, c[LiquidationCount]));
                (totalSum, longSum, shortSum, countSum) = (sums.GetElement(0), sums.GetElement(1), sums.GetElement(2), sums.GetElement(3));
            }

            v[P1] = totalSum;
            v[P2] = longSum;
            v[P3] = shortSum;
            v[P4] = countSum;
            v[P5] = Ratio.Divide(totalSum, countSum);
            v[P6] = TMembers.Has(w, 6) ? Ratio.Divide(_net.Update(net), totalSum) : 0;
            v[P7] = Ratio.Divide(longSum, shortSum);
            v[P8] = Ratio.Divide(total, c[QuoteVolume]);
            return 0;
        }
    }

    /// <summary>The bar's total liquidations against the mean of the last day of bars (NaN when that sum is 0), and their
    /// z-score against that day.</summary>
    private sealed class LiquidationsDayStep : FusedStep
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = ["liq_spike_24h", "liq_zscore_24h"];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1);

        private readonly int _bars;
        private readonly bool _shared; // the z-score's window is the spike's (a day of at least 2 bars): it carries the sum
        private RollingSumState _sum;
        private SpikeZScoreState _zscore;

        public LiquidationsDayStep(StreamContext ctx, FusedOutputs o)
            : base(o)
        {
            _bars = MemberBars(ctx, o, 0, Day);
            _shared = ctx.Offers(o.Names[1]); // offered where a day is at least 2 bars
            _sum = new(_shared ? 1 : _bars);
            _zscore = new(_shared ? ctx.Bars(Day) : 2);
        }

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double x = c[LongLiquidationNotional] + c[ShortLiquidationNotional];
            var v = ValuesOf(c);
            ulong w = Wanted; // the states of members the engine does not compute are skipped (their values are never read)
            double sum;
            if (_shared)
            {
                if (!(TMembers.Has(w, 0) || TMembers.Has(w, 1)))
                {
                    return 0;
                }

                // The spike's day sum is the z-score's own: the same compensated sum of the same window on the same
                // schedule as a RollingSumState of a day, so the same bits.
                v[P1] = _zscore.Update(x);
                sum = _zscore.Sum;
            }
            else if (TMembers.Has(w, 0))
            {
                sum = _sum.Update(x);
            }
            else
            {
                return 0;
            }

            v[P0] = sum == 0 ? double.NaN : Ratio.Divide(x, sum / _bars);
            return 0;
        }
    }

    private static void RegisterPositioning(Builder b)
    {
        // The bar's positioning columns and their changes over 1 and 4 hours.
        b.Fused("positioning:bar", PositioningBarStep.Names,
            (ctx, o) => new PositioningBarStep(ctx, o).Bind);
        b.Step("ls_ratio_percentile_30d", ctx =>
        {
            var s = new RollingPercentileState(ctx.Bars(TimeSpan.FromDays(30)));
            return c => s.Update(c[LongShortRatio]);
        });
    }

    /// <summary>The long/short ratio and its changes over 1 and 4 hours, the top traders' ratios, the log ratio of top
    /// traders to the crowd, and the taker long/short volume ratio.</summary>
    private sealed class PositioningBarStep(StreamContext ctx, FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "ls_ratio", "ls_ratio_change_1h", "ls_ratio_change_4h", "top_trader_ls_ratio", "top_trader_position_ratio",
            "ls_top_vs_crowd", "taker_ls_vol_ratio",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5), P6 = At(Names, 6);

        private readonly int _h1 = MemberBars(ctx, o, 1, Hour), _h4 = MemberBars(ctx, o, 2, TimeSpan.FromHours(4));
        private Ring _ratios = new(Math.Max(MemberBars(ctx, o, 1, Hour), MemberBars(ctx, o, 2, TimeSpan.FromHours(4)))); // one delay line for both changes
        private LogMemo _topVsCrowd = new(); // both ratios are snapshots carried forward: the log is taken when one changes

        public Func<StreamContext, double> Bind(bool all) => Run;

        private double Run(StreamContext c)
        {
            double ratio = c[LongShortRatio], top = c[TopTraderLongShortRatio];
            var v = ValuesOf(c);
            v[P0] = ratio;
            // read before the push: Back(k - 1) is the ratio k bars ago (NaN while fewer were stored), as LagState(k) gives it
            v[P1] = Ratio.Change(ratio, _ratios.Back(_h1 - 1));
            v[P2] = Ratio.Change(ratio, _ratios.Back(_h4 - 1));
            _ratios.Push(ratio);
            v[P3] = top;
            v[P4] = c[TopTraderPositionRatio];
            v[P5] = _topVsCrowd.LogRatio(top, ratio);
            v[P6] = c[TakerLongShortVolRatio];
            return 0;
        }
    }
}
