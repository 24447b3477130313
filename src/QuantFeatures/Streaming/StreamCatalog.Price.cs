using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures.Streaming;

/// <summary>Streams of the price family: returns, averages, TA-Lib indicators, statistics, range volatility, structure and
/// k-bar shape (the steps of their batch kernels).</summary>
internal static partial class StreamCatalog
{
    static partial void RegisterPrice(Builder b)
    {
        RegisterPriceBasics(b);
        RegisterPriceTaLib(b);
        RegisterPriceVolatility(b);
        RegisterPriceStatistics(b);
        RegisterPriceRangeVolatility(b);
        RegisterPriceStructure(b);
        RegisterPriceKBar(b);
    }

    private static void RegisterPriceBasics(Builder b)
    {
        foreach (int k in (ReadOnlySpan<int>)[1, 5, 20, 100])
        {
            b.Step($"return_{k}", _ =>
            {
                var s = new ChangeState(k, log: false);
                return c => s.Update(c.Close);
            });
        }

        foreach (int k in (ReadOnlySpan<int>)[1, 5])
        {
            b.Step($"log_return_{k}", _ =>
            {
                var s = new ChangeState(k, log: true);
                return c => s.Update(c.Close);
            });
        }

        foreach (var (name, hours) in (ReadOnlySpan<(string, int)>)[("return_1h", 1), ("return_4h", 4), ("return_1d", 24), ("momentum_168h", 168)])
        {
            var horizon = TimeSpan.FromHours(hours);
            b.Step(name, ctx =>
            {
                var s = new ChangeState(ctx.Bars(horizon), log: true);
                return c => s.Update(c.Close);
            });
        }

        foreach (int n in (ReadOnlySpan<int>)[20, 50, 200])
        {
            b.Step($"sma_{n}", _ =>
            {
                var s = new SmaState(n);
                return c => s.Update(c.Close);
            });
            b.Step($"price_vs_sma{n}", ctx =>
            {
                var sma = ctx.Feature($"sma_{n}"); // shared with sma_n, as in batch
                return c => Ratio.Change(c.Close, c.Value(sma));
            });
        }
    }

    private static void RegisterPriceTaLib(Builder b)
    {
        foreach (int n in (ReadOnlySpan<int>)[12, 26])
        {
            b.Step($"ema_{n}", _ =>
            {
                var s = new EmaState(n);
                return c => s.Update(c.Close);
            });
        }

        foreach (int n in (ReadOnlySpan<int>)[14, 50])
        {
            b.Step($"rsi_{n}", _ =>
            {
                var s = new RsiState(n);
                return c => s.Update(c.Close);
            });
        }

        b.Step("macd", ctx => PriceShared<PriceMacdStep>(ctx, "price:macd(12,26,9)", 0));
        b.Step("macd_signal", ctx => PriceShared<PriceMacdStep>(ctx, "price:macd(12,26,9)", 1));
        b.Step("macd_histogram", ctx => PriceShared<PriceMacdStep>(ctx, "price:macd(12,26,9)", 2));

        b.Step("atr_14", _ =>
        {
            var s = new AtrState(14);
            return c => s.Update(c[High], c[Low], c.Close);
        });
        b.Step("natr_14", ctx =>
        {
            var atr = ctx.Feature("atr_14");
            return c => AtrState.Normalize(c.Value(atr), c.Close);
        });

        b.Step("bb_width", ctx => PriceShared<PriceBandsStep>(ctx, "price:bbands(20,2)", 0));
        b.Step("bb_position", ctx => PriceShared<PriceBandsStep>(ctx, "price:bbands(20,2)", 1));

        b.Step("adx_14", ctx => PriceShared<PriceDmiStep>(ctx, "price:adx(14)", 0));
        b.Step("plus_di_14", ctx => PriceShared<PriceDmiStep>(ctx, "price:adx(14)", 1));
        b.Step("minus_di_14", ctx => PriceShared<PriceDmiStep>(ctx, "price:adx(14)", 2));

        b.Step("stoch_k_14", ctx => PriceShared<PriceStochStep>(ctx, "price:stoch(14,3,3)", 0));
        b.Step("stoch_d_14", ctx => PriceShared<PriceStochStep>(ctx, "price:stoch(14,3,3)", 1));

        b.Step("willr_14", _ =>
        {
            var s = new WillRState(14);
            return c => s.Update(c[High], c[Low], c.Close);
        });
        b.Step("cci_20", _ =>
        {
            var s = new CciState(20);
            return c => s.Update(c[High], c[Low], c.Close);
        });
    }

    private static void RegisterPriceVolatility(Builder b)
    {
        b.Step("realized_vol_20", ctx =>
        {
            var r = ctx.Feature("log_return_1"); // one logarithm per bar for every feature of the log returns
            var s = new RollingMomentsState(20, 1);
            return c => s.Update(c.Value(r)) ? Math.Sqrt(s.Variance) : double.NaN;
        });
        b.Step("volatility_20", ctx =>
        {
            var realized = ctx.Feature("realized_vol_20"); // batch: volatility_20 reuses realized_vol_20
            double factor = Math.Sqrt(ctx.PeriodsPerYear);
            return c => c.Value(realized) * factor;
        });
        b.Step("volatility_50", ctx =>
        {
            var r = ctx.Feature("log_return_1");
            var s = new RollingMomentsState(50, 1);
            double factor = Math.Sqrt(ctx.PeriodsPerYear);
            return c => (s.Update(c.Value(r)) ? Math.Sqrt(s.Variance) : double.NaN) * factor;
        });
    }

    private static void RegisterPriceStatistics(Builder b)
    {
        b.Step("zscore_20", _ =>
        {
            var s = new RollingMomentsState(20, 1);
            return c => s.Update(c.Close) ? s.ZScore : double.NaN;
        });
        b.Step("linreg_slope_20", ctx =>
        {
            var shared = ctx.Shared("price:linreg(close,20)", () => new PriceRegressionStep());
            return c =>
            {
                shared.Advance(c);
                return Ratio.Divide(shared.Outputs[0], c.Close);
            };
        });
        b.Step("rsquare_20", ctx => PriceShared<PriceRegressionStep>(ctx, "price:linreg(close,20)", 1));
        b.Step("efficiency_ratio_10", _ =>
        {
            var s = new EfficiencyRatioState(10);
            return c => s.Update(c.Close);
        });
        b.Step("autocorr_20", ctx =>
        {
            var r = ctx.Feature("log_return_1");
            var s = new RollingAutocorrelationState(20);
            return c => s.Update(c.Value(r));
        });
        b.Step("skew_20", ctx => PriceShared<PriceShapeStep>(ctx, "price:shape(log_return_1,20)", 0));
        b.Step("kurt_20", ctx => PriceShared<PriceShapeStep>(ctx, "price:shape(log_return_1,20)", 1));
        b.Step("dist_high_20", ctx => PriceShared<PriceRangeStep>(ctx, "price:range(20)", 0));
        b.Step("dist_low_20", ctx => PriceShared<PriceRangeStep>(ctx, "price:range(20)", 1));
        b.Step("rsv_20", ctx => PriceShared<PriceRangeStep>(ctx, "price:range(20)", 2));
    }

    private static void RegisterPriceRangeVolatility(Builder b)
    {
        b.Step("parkinson_vol_20", _ =>
        {
            var s = new ParkinsonVolatilityState(20);
            return c => s.Update(c[High], c[Low]);
        });
        b.Step("garman_klass_vol_20", _ =>
        {
            var s = new GarmanKlassVolatilityState(20);
            return c => s.Update(c[Open], c[High], c[Low], c.Close);
        });
        b.Step("rogers_satchell_vol_20", _ =>
        {
            var s = new RogersSatchellVolatilityState(20);
            return c => s.Update(c[Open], c[High], c[Low], c.Close);
        });
        b.Step("yang_zhang_vol_20", _ =>
        {
            var s = new YangZhangVolatilityState(20);
            return c => s.Update(c[Open], c[High], c[Low], c.Close);
        });
    }

    private static void RegisterPriceStructure(Builder b)
    {
        b.Step("trend_direction", _ =>
        {
            var s = new TrendDirectionState(20, 14, 0.1);
            return c => s.Update(c[High], c[Low], c.Close);
        });
        b.Step("market_structure", _ =>
        {
            var s = new MarketStructureState(3);
            return c => s.Update(c[High], c[Low]);
        });
    }

    private static void RegisterPriceKBar(Builder b)
    {
        foreach (var (name, kind) in (ReadOnlySpan<(string, KBarKind)>)
        [
            ("kmid", KBarKind.Mid), ("klen", KBarKind.Length), ("kmid2", KBarKind.Mid2), ("kup", KBarKind.Up), ("kup2", KBarKind.Up2),
            ("klow", KBarKind.Low), ("klow2", KBarKind.Low2), ("ksft", KBarKind.Shift), ("ksft2", KBarKind.Shift2),
        ])
        {
            var k = kind;
            b.Step(name, _ =>
            {
                var s = new KBarState(k);
                return c => s.Update(c[Open], c[High], c[Low], c.Close);
            });
        }
    }

    /// <summary>One output of a shared multi-output price step.</summary>
    private static Func<StreamContext, double> PriceShared<T>(StreamContext ctx, string key, int output)
        where T : PriceOutputs, new()
    {
        var shared = ctx.Shared(key, () => new T());
        return c =>
        {
            shared.Advance(c);
            return shared.Outputs[output];
        };
    }

    /// <summary>A shared step whose outputs are read by index.</summary>
    private abstract class PriceOutputs(int count) : SharedStep
    {
        public double[] Outputs { get; } = new double[count];
    }

    /// <summary>MACD(12, 26, 9) of the close: line, signal, histogram.</summary>
    private sealed class PriceMacdStep() : PriceOutputs(3)
    {
        private MacdState _state = new(12, 26, 9);

        protected override void Step(StreamContext ctx)
        {
            _state.Update(ctx.Close);
            Outputs[0] = _state.Macd;
            Outputs[1] = _state.Signal;
            Outputs[2] = _state.Histogram;
        }
    }

    /// <summary>BBANDS(20, 2, 2, SMA) of the close: width and position.</summary>
    private sealed class PriceBandsStep() : PriceOutputs(2)
    {
        private BollingerState _state = new(20, 2.0);

        protected override void Step(StreamContext ctx)
        {
            _state.Update(ctx.Close);
            Outputs[0] = _state.Width;
            Outputs[1] = _state.Position;
        }
    }

    /// <summary>ADX(14), PLUS_DI(14), MINUS_DI(14).</summary>
    private sealed class PriceDmiStep() : PriceOutputs(3)
    {
        private AdxState _state = new(14);

        protected override void Step(StreamContext ctx)
        {
            _state.Update(ctx[High], ctx[Low], ctx.Close);
            Outputs[0] = _state.Adx;
            Outputs[1] = _state.PlusDi;
            Outputs[2] = _state.MinusDi;
        }
    }

    /// <summary>STOCH(14, 3 SMA, 3 SMA): slow %K and slow %D.</summary>
    private sealed class PriceStochStep() : PriceOutputs(2)
    {
        private StochState _state = new(14, 3, 3);

        protected override void Step(StreamContext ctx)
        {
            _state.Update(ctx[High], ctx[Low], ctx.Close);
            Outputs[0] = _state.SlowK;
            Outputs[1] = _state.SlowD;
        }
    }

    /// <summary>The 20-bar OLS regression of the close on the bar index: slope and R².</summary>
    private sealed class PriceRegressionStep() : PriceOutputs(2)
    {
        private LinearRegressionState _state = new(20);

        protected override void Step(StreamContext ctx)
        {
            _state.Update(ctx.Close);
            Outputs[0] = _state.Slope;
            Outputs[1] = _state.RSquare;
        }
    }

    /// <summary>Skewness and kurtosis of the last 20 log returns (one power-sums window).</summary>
    private sealed class PriceShapeStep() : PriceOutputs(2)
    {
        private ChangeState _return = new(1, log: true);
        private PowerSumsState _state = new(20);

        protected override void Step(StreamContext ctx)
        {
            bool ready = _state.Update(_return.Update(ctx.Close));
            Outputs[0] = ready ? _state.Skewness : double.NaN;
            Outputs[1] = ready ? _state.Kurtosis : double.NaN;
        }
    }

    /// <summary>The 20-bar range: distance of the high and of the low from the close, and the raw stochastic value.</summary>
    private sealed class PriceRangeStep() : PriceOutputs(3)
    {
        private RangePositionState _state = new(20);

        protected override void Step(StreamContext ctx)
        {
            _state.Update(ctx[High], ctx[Low], ctx.Close);
            Outputs[0] = _state.DistanceToHigh;
            Outputs[1] = _state.DistanceToLow;
            Outputs[2] = _state.Rsv;
        }
    }
}
