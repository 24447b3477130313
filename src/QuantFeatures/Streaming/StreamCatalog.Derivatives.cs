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
        foreach (int k in (ReadOnlySpan<int>)[1, 5, 20])
        {
            b.Step($"oi_change_{k}", _ =>
            {
                var s = new ChangeState(k, log: false);
                return c => s.Update(c[OpenInterest]);
            });
        }

        foreach (int hours in (ReadOnlySpan<int>)[1, 4, 24])
        {
            var horizon = TimeSpan.FromHours(hours);
            b.Step($"oi_velocity_{hours}h", ctx =>
            {
                var s = new ChangeState(ctx.Bars(horizon), log: false);
                return c => s.Update(c[OpenInterest]);
            });
        }

        foreach (int n in (ReadOnlySpan<int>)[20, 50])
        {
            b.Step($"oi_sma_{n}", _ =>
            {
                var s = new SmaState(n);
                return c => s.Update(c[OpenInterest]);
            });
        }

        foreach (int n in (ReadOnlySpan<int>)[12, 26])
        {
            b.Step($"oi_ema_{n}", _ =>
            {
                var s = new EmaState(n);
                return c => s.Update(c[OpenInterest]);
            });
        }

        b.Step("oi_macd", ctx => OiMacd(ctx, 0));
        b.Step("oi_macd_signal", ctx => OiMacd(ctx, 1));
        b.Step("oi_macd_hist", ctx => OiMacd(ctx, 2));
        b.Step("oi_std_20", _ =>
        {
            var s = new RollingMomentsState(20, 1);
            return c => s.Update(c[OpenInterest]) ? Math.Sqrt(s.Variance) : double.NaN;
        });
        b.Step("oi_bb_upper", ctx => OiBands(ctx, 0));
        b.Step("oi_bb_lower", ctx => OiBands(ctx, 1));
        b.Step("oi_bb_position", ctx => OiBands(ctx, 2));
        b.Step("oi_zscore_100", _ =>
        {
            var s = new RollingMomentsState(100, 1);
            return c => s.Update(c[OpenInterest]) ? s.ZScore : double.NaN;
        });
        b.Step("oi_percentile_100", _ =>
        {
            var s = new RollingPercentileState(100);
            return c => s.Update(c[OpenInterest]);
        });
        foreach (int n in (ReadOnlySpan<int>)[20, 50])
        {
            b.Step($"oi_price_divergence_{n}", ctx =>
            {
                var logs = ctx.Shared("oi:ln", () => new LogStep()); // ln OI and ln C once per bar, as the batch's shared columns
                var oi = new LagState(n);
                var close = new LagState(n);
                return c =>
                {
                    logs.Advance(c);
                    double a = logs.OpenInterest, p = logs.Close;
                    return (a - oi.Update(a)) - (p - close.Update(p));
                };
            });
        }

        b.Step("oi_volume_ratio", ctx =>
        {
            var s = new RollingSumState(ctx.Bars(Day));
            return c => Ratio.Divide(c[OpenInterest], s.Update(c[Volume]));
        });
        b.Step("oi_volume_divergence_20", ctx =>
        {
            var logs = ctx.Shared("oi:ln", () => new LogStep());
            var volume = ctx.Feature("volume_sma_20");
            var oi = new LagState(20);
            var v = new LagState(20);
            return c =>
            {
                logs.Advance(c);
                double a = logs.OpenInterest, l = Derivatives.Log(c.Value(volume));
                return (a - oi.Update(a)) - (l - v.Update(l));
            };
        });
        b.Step("oi_regime_5", _ =>
        {
            var close = new LagState(5);
            var oi = new LagState(5);
            return c => Derivatives.Regime(c.Close - close.Update(c.Close), c[OpenInterest] - oi.Update(c[OpenInterest]));
        });
    }

    private static Func<StreamContext, double> OiMacd(StreamContext ctx, int output)
    {
        var shared = ctx.Shared("oi:macd", () => new MacdStep());
        return c =>
        {
            shared.Advance(c);
            return shared.Outputs[output];
        };
    }

    private static Func<StreamContext, double> OiBands(StreamContext ctx, int output)
    {
        var shared = ctx.Shared("oi:bbands", () => new BandsStep());
        return c =>
        {
            shared.Advance(c);
            return shared.Outputs[output];
        };
    }

    /// <summary>ln OI and ln C of the bar (the batch's shared ln columns).</summary>
    private sealed class LogStep : SharedStep
    {
        public double OpenInterest { get; private set; }

        public double Close { get; private set; }

        protected override void Step(StreamContext ctx)
        {
            OpenInterest = Derivatives.Log(ctx[MarketColumn.OpenInterest]);
            Close = Derivatives.Log(ctx.Close);
        }
    }

    /// <summary>MACD(12, 26, 9) of ln(OI), as the batch kernel on the shared ln(OI) column.</summary>
    private sealed class MacdStep : SharedStep
    {
        private MacdState _state = new(12, 26, 9);

        public double[] Outputs { get; } = new double[3];

        protected override void Step(StreamContext ctx)
        {
            bool ready = _state.Update(Derivatives.Log(ctx[OpenInterest]));
            Outputs[0] = ready ? _state.Macd : double.NaN;
            Outputs[1] = ready ? _state.Signal : double.NaN;
            Outputs[2] = ready ? _state.Histogram : double.NaN;
        }
    }

    /// <summary>BBANDS(20, 2) of OI: upper, lower, and the position of OI between them.</summary>
    private sealed class BandsStep : SharedStep
    {
        private BollingerState _state = new(20, 2.0);

        public double[] Outputs { get; } = new double[3];

        protected override void Step(StreamContext ctx)
        {
            double oi = ctx[OpenInterest];
            bool ready = _state.Update(oi);
            double upper = ready ? _state.Upper : double.NaN, lower = ready ? _state.Lower : double.NaN;
            Outputs[0] = upper;
            Outputs[1] = lower;
            Outputs[2] = Ratio.Divide(oi - lower, upper - lower);
        }
    }

    private static void RegisterFunding(Builder b)
    {
        b.Step("funding_rate", _ => c => c[FundingRate]);
        b.Step("funding_rate_change", ctx =>
        {
            var s = new FundingEvents(Indicators.FundingRateChangeWindow, ctx.Timeframe, ranks: false);
            return c =>
            {
                s.Update(c);
                return s.State.RateChange;
            };
        });
        b.Step("funding_rate_change_24h", ctx =>
        {
            var lag = new LagState(ctx.Bars(Day));
            return c => c[FundingRate] - lag.Update(c[FundingRate]);
        });
        b.Step("funding_annualized", _ => c => Derivatives.AnnualizedFunding(c[FundingRate], c[FundingIntervalHours]));
        b.Step("cumulative_funding_7d", ctx =>
        {
            var s = new FundingEvents(TimeSpan.FromDays(7), ctx.Timeframe, ranks: false);
            return c => s.Update(c) ? s.State.Sum() : double.NaN;
        });
        b.Step("funding_zscore_30d", ctx => FundingZ(ctx, 0));
        b.Step("funding_extreme_positive", ctx => FundingZ(ctx, 1));
        b.Step("funding_extreme_negative", ctx => FundingZ(ctx, 2));
        b.Step("funding_percentile_252d", ctx =>
        {
            var s = new FundingEvents(TimeSpan.FromDays(252), ctx.Timeframe, ranks: true);
            return c => s.Update(c) ? s.State.Percentile() : double.NaN;
        });
        b.Step("minutes_to_funding", _ => c => Derivatives.MinutesToFunding(c[FundingTime], c[FundingIntervalHours], c.DecisionTime));
        b.Step("basis", _ => c => Derivatives.RelativeDifference(c.Close, c[MarkPrice]));
        b.Step("premium", _ => c => Derivatives.RelativeDifference(c[MarkPrice], c[IndexPrice]));
    }

    private static Func<StreamContext, double> FundingZ(StreamContext ctx, int output)
    {
        var shared = ctx.Shared("funding:zscore(30d)", () => new FundingZStep(ctx.Timeframe));
        return c =>
        {
            shared.Advance(c);
            return shared.Outputs[output];
        };
    }

    /// <summary>funding_zscore_30d and both extreme flags from one 30-day window state (as the batch kernel).</summary>
    private sealed class FundingZStep(Timeframe timeframe) : SharedStep
    {
        private readonly FundingEvents _events = new(TimeSpan.FromDays(30), timeframe, ranks: false);

        public double[] Outputs { get; } = new double[3];

        protected override void Step(StreamContext ctx)
        {
            bool known = _events.Update(ctx);
            Outputs[0] = known ? _events.State.ZScore() : double.NaN;
            Outputs[1] = known ? _events.State.Extreme(2.0) : double.NaN;
            Outputs[2] = known ? _events.State.Extreme(-2.0) : double.NaN;
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
        static double Total(StreamContext c) => c[LongLiquidationNotional] + c[ShortLiquidationNotional];
        static double Net(StreamContext c) => c[LongLiquidationNotional] - c[ShortLiquidationNotional];

        b.Step("net_liquidation", _ => c => Net(c));
        b.Step("liquidation_vol_1h", ctx => HourSum(ctx, Total));
        b.Step("long_liq_vol_1h", ctx => HourSum(ctx, static c => c[LongLiquidationNotional]));
        b.Step("short_liq_vol_1h", ctx => HourSum(ctx, static c => c[ShortLiquidationNotional]));
        b.Step("liquidation_count_1h", ctx => HourSum(ctx, static c => c[LiquidationCount]));
        // The ratios read the 1h sums of the features above (shared, as in batch).
        b.Step("avg_liq_size_1h", ctx => Quotient(ctx.Feature("liquidation_vol_1h"), ctx.Feature("liquidation_count_1h")));
        b.Step("liq_imbalance_1h", ctx =>
        {
            var net = HourSum(ctx, Net);
            var total = ctx.Feature("liquidation_vol_1h");
            return c => Ratio.Divide(net(c), c.Value(total));
        });
        b.Step("liq_long_short_ratio_1h", ctx => Quotient(ctx.Feature("long_liq_vol_1h"), ctx.Feature("short_liq_vol_1h")));
        b.Step("liquidation_intensity", _ => c => Ratio.Divide(Total(c), c[QuoteVolume]));
        b.Step("liq_spike_24h", ctx =>
        {
            int bars = ctx.Bars(Day);
            var s = new RollingSumState(bars);
            return c =>
            {
                double x = Total(c);
                double sum = s.Update(x);
                return sum == 0 ? double.NaN : Ratio.Divide(x, sum / bars);
            };
        });
        b.Step("liq_zscore_24h", ctx =>
        {
            var s = new SpikeZScoreState(ctx.Bars(Day));
            return c => s.Update(Total(c));
        });
    }

    private static Func<StreamContext, double> HourSum(StreamContext ctx, Func<StreamContext, double> series)
    {
        var s = new RollingSumState(ctx.Bars(Hour));
        return c => s.Update(series(c));
    }

    private static Func<StreamContext, double> Quotient(FeatureHandle numerator, FeatureHandle denominator) =>
        c => Ratio.Divide(c.Value(numerator), c.Value(denominator));

    private static void RegisterPositioning(Builder b)
    {
        b.Step("ls_ratio", _ => c => c[LongShortRatio]);
        foreach (int hours in (ReadOnlySpan<int>)[1, 4])
        {
            var horizon = TimeSpan.FromHours(hours);
            b.Step($"ls_ratio_change_{hours}h", ctx =>
            {
                var s = new ChangeState(ctx.Bars(horizon), log: false);
                return c => s.Update(c[LongShortRatio]);
            });
        }

        b.Step("ls_ratio_percentile_30d", ctx =>
        {
            var s = new RollingPercentileState(ctx.Bars(TimeSpan.FromDays(30)));
            return c => s.Update(c[LongShortRatio]);
        });
        b.Step("top_trader_ls_ratio", _ => c => c[TopTraderLongShortRatio]);
        b.Step("top_trader_position_ratio", _ => c => c[TopTraderPositionRatio]);
        b.Step("ls_top_vs_crowd", _ => c => Derivatives.LogRatio(c[TopTraderLongShortRatio], c[LongShortRatio]));
        b.Step("taker_ls_vol_ratio", _ => c => c[TakerLongShortVolRatio]);
    }
}
