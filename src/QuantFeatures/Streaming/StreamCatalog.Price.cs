using System.Runtime.Intrinsics;
using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures.Streaming;

/// <summary>Streams of the price family: returns, averages, TA-Lib indicators, statistics, range volatility, structure and
/// k-bar shape (the steps of their batch kernels), in six fused steps (one call per bar each), grouped so that each
/// step's members remember about as much history as one another (see <see cref="StreamMemory"/>): a warm start
/// replays a step as far back as its most demanding member.</summary>
internal static partial class StreamCatalog
{
    static partial void RegisterPrice(Builder b)
    {
        // The returns of the close and what is computed from the 1-bar log return, in one step.
        b.Fused("price:returns", PriceReturnsStep.Names, (ctx, o) => new PriceReturnsStep(ctx, o).Bind);

        // The three SMAs of the close and the close's distance from each.
        b.Fused("price:sma", PriceSmaStep.Names,
            (_, o) => new PriceSmaStep(o).Bind);

        // The recursive TA-Lib indicators (EMA, Wilder smoothing, TA-Lib's running sums), which remember the whole history.
        b.Fused("price:recursive", PriceRecursiveStep.Names, (_, o) => new PriceRecursiveStep(o).Bind);

        // Windows of the close, high and low of at most 20 bars (willr_14 is a member of the recursive step, whose
        // stochastic keeps the same 14-bar high/low window).
        b.Fused("price:windows", PriceWindowsStep.Names,
            (_, o) => new PriceWindowsStep(o).Bind);

        // Corwin–Schultz (a volume-family feature) shares the bar's ln(H/L) with the range estimators. Its sum's schedule
        // (1,024) with the moments' (160) gives the step a replay phase of 5,120 bars: at most ~7,200 bars in a warm start.
        b.Fused("price:range-volatility(20)", PriceRangeVolatilityStep.Names,
            (ctx, o) =>
            {
                ctx.TakesLogs = true; // its log ratios are the bar's logarithms
                return new PriceRangeVolatilityStep(o).Bind;
            });
        b.Fused("price:kbar", PriceKBarStep.Names, (_, o) => new PriceKBarStep(o).Bind);
    }

    /// <summary>The bars of <paramref name="horizon"/> for member <paramref name="member"/> of a fused step, or 1 for a
    /// member the engine could not compute at its timeframe (its stand-in state writes only the scratch value).</summary>
    private static int MemberBars(StreamContext ctx, FusedOutputs o, int member, TimeSpan horizon) =>
        ctx.Offers(o.Names[member]) ? ctx.Bars(horizon) : 1;

    /// <summary>The simple returns over 1, 5, 20 and 100 bars, the log returns over 1 and 5 bars, 1 h, 4 h, 1 d and 168 h,
    /// and the statistics of the 1-bar log return: realized volatility (20, and annualized 20 and 50), autocorrelation,
    /// skewness and kurtosis (as batch, each its own state fed the same log return).</summary>
    /// <remarks>The six log returns are taken four lanes at a time with the lane form of <see cref="Ratio.Log(double, double)"/>,
    /// which gives the scalar bits (the batch kernel takes them four bars at a time the same way).</remarks>
    private sealed class PriceReturnsStep : FusedStep
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "return_1", "return_5", "return_20", "return_100", "log_return_1", "log_return_5", "return_1h", "return_4h",
            "return_1d", "momentum_168h", "realized_vol_20", "volatility_20", "volatility_50", "autocorr_20", "skew_20",
            "kurt_20",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5), P6 = At(Names, 6), P7 = At(Names, 7), P8 = At(Names, 8),
            P9 = At(Names, 9), P10 = At(Names, 10), P11 = At(Names, 11), P12 = At(Names, 12), P13 = At(Names, 13),
            P14 = At(Names, 14), P15 = At(Names, 15);

        private readonly double _annualize;
        private readonly int _h1, _h4, _d1, _h168;
        private Ring _closes; // one delay line of the close for the ten lags (batch: a lag's own; the same stored values)
        private RollingMomentsState _vol20, _vol50;
        private RollingAutocorrelationState _autocorr;
        private PowerSumsState _shape;

        public PriceReturnsStep(StreamContext ctx, FusedOutputs o)
            : base(o)
        {
            _annualize = Math.Sqrt(ctx.PeriodsPerYear);
            _h1 = MemberBars(ctx, o, 6, TimeSpan.FromHours(1));
            _h4 = MemberBars(ctx, o, 7, TimeSpan.FromHours(4));
            _d1 = MemberBars(ctx, o, 8, TimeSpan.FromHours(24));
            _h168 = MemberBars(ctx, o, 9, TimeSpan.FromHours(168));
            _closes = new(Math.Max(100, Math.Max(Math.Max(_h1, _h4), Math.Max(_d1, _h168))));
            _vol20 = new(20, 1);
            _vol50 = new(50, 1);
            _autocorr = new(20);
            _shape = new(20);
        }

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double close = c.Close;
            var v = ValuesOf(c);
            ulong w = Wanted; // the states of members the engine does not compute are skipped (their values are never read)
            // read before the push: Back(k - 1) is the close k bars ago (NaN while fewer were stored)
            double p1 = _closes.Back(0), p5 = _closes.Back(4), h1 = _closes.Back(_h1 - 1), h4 = _closes.Back(_h4 - 1);
            double d1 = _closes.Back(_d1 - 1), h168 = _closes.Back(_h168 - 1);
            v[P0] = Ratio.Change(close, p1); // ChangeState's formula on the lag it keeps
            v[P1] = Ratio.Change(close, p5);
            v[P2] = Ratio.Change(close, _closes.Back(19));
            v[P3] = Ratio.Change(close, _closes.Back(99));
            _closes.Push(close);
            double r;
            if (Vector256.IsHardwareAccelerated)
            {
                var now = Vector256.Create(close);
                var first = Ratio.Log(now, Vector256.Create(p1, p5, h1, h4));
                var second = Ratio.Log(now, Vector256.Create(d1, h168, p1, p1));
                r = first.GetElement(0);
                v[P5] = first.GetElement(1);
                v[P6] = first.GetElement(2);
                v[P7] = first.GetElement(3);
                v[P8] = second.GetElement(0);
                v[P9] = second.GetElement(1);
            }
            else
            {
                r = Ratio.Log(close, p1);
                v[P5] = Ratio.Log(close, p5);
                v[P6] = Ratio.Log(close, h1);
                v[P7] = Ratio.Log(close, h4);
                v[P8] = Ratio.Log(close, d1);
                v[P9] = Ratio.Log(close, h168);
            }

            v[P4] = r;
            if (TMembers.Has(w, 10) || TMembers.Has(w, 11))
            {
                double realized = _vol20.Update(r) ? Math.Sqrt(_vol20.Variance) : double.NaN;
                v[P10] = realized;
                v[P11] = realized * _annualize; // batch: volatility_20 reuses realized_vol_20
            }

            if (TMembers.Has(w, 12))
            {
                v[P12] = (_vol50.Update(r) ? Math.Sqrt(_vol50.Variance) : double.NaN) * _annualize;
            }

            if (TMembers.Has(w, 13))
            {
                v[P13] = _autocorr.Update(r);
            }

            if (TMembers.Has(w, 14) || TMembers.Has(w, 15))
            {
                bool shaped = _shape.Update(r);
                v[P14] = shaped ? _shape.Skewness : double.NaN;
                v[P15] = shaped ? _shape.Kurtosis : double.NaN;
            }

            return 0;
        }
    }

    /// <summary>sma_n and price_vs_sma{n} (the close against its SMA, as in batch) for n = 20, 50, 200.</summary>
    private sealed class PriceSmaStep(FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "sma_20", "price_vs_sma20", "sma_50", "price_vs_sma50", "sma_200", "price_vs_sma200",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5);

        private SmaState _s20 = new(20), _s50 = new(50), _s200 = new(200);

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double close = c.Close;
            var v = ValuesOf(c);
            ulong w = Wanted;
            double m20 = TMembers.Has(w, 0) || TMembers.Has(w, 1) ? _s20.Update(close) : 0, m50 = TMembers.Has(w, 2) || TMembers.Has(w, 3) ? _s50.Update(close) : 0;
            double m200 = TMembers.Has(w, 4) || TMembers.Has(w, 5) ? _s200.Update(close) : 0;
            v[P0] = m20;
            v[P1] = Ratio.Change(close, m20);
            v[P2] = m50;
            v[P3] = Ratio.Change(close, m50);
            v[P4] = m200;
            v[P5] = Ratio.Change(close, m200);
            return 0;
        }
    }

    /// <summary>The four 20-bar range volatilities of the bar's OHLC and the 20-bar Corwin–Schultz spread, each its own
    /// state, fed the log ratios they take (ln H/L, C/O, H/O, L/O, O/C₋₁ and the two-bar range) from the bar's logarithms
    /// (<see cref="StreamContext.Log"/>: the bits each state's own <see cref="Ratio.Log(double, double)"/> gives, C₋₁, H₋₁
    /// and L₋₁ being the previous bar's, as the states keep them).</summary>
    private sealed class PriceRangeVolatilityStep(FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "parkinson_vol_20", "garman_klass_vol_20", "rogers_satchell_vol_20", "yang_zhang_vol_20",
            "corwin_schultz_20",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4);

        private ParkinsonVolatilityState _parkinson = new(20);
        private GarmanKlassVolatilityState _garmanKlass = new(20);
        private RogersSatchellVolatilityState _rogersSatchell = new(20);
        private YangZhangVolatilityState _yangZhang = new(20);
        private CorwinSchultzState _corwinSchultz = new(20);

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double high = c[High], low = c[Low], close = c.Close;
            double highLow = c.Log(BarLog.HighLow), closeOpen = c.Log(BarLog.CloseOpen);
            double highOpen = c.Log(BarLog.HighOpen), lowOpen = c.Log(BarLog.LowOpen);
            var v = ValuesOf(c);
            ulong w = Wanted;
            // Yang–Zhang's overnight ln(O/C₋₁) and Corwin–Schultz's two-bar ln(max(H, H₋₁) / min(L, L₋₁)) (which it reads
            // only when neither bar's range holds the other's).
            double overnight = c.Log(BarLog.Overnight), twoBar = c.Log(BarLog.TwoBarRange);
            v[P0] = TMembers.Has(w, 0) ? _parkinson.UpdateLogs(highLow) : 0;
            v[P1] = TMembers.Has(w, 1) ? _garmanKlass.UpdateLogs(highLow, closeOpen) : 0;
            if (TMembers.Has(w, 2) || TMembers.Has(w, 3))
            {
                // Yang–Zhang's Rogers–Satchell part is rogers_satchell_vol_20's state (the same period and bars).
                v[P2] = _rogersSatchell.UpdateLogs(highOpen, lowOpen, closeOpen);
                // The overnight log O/C₋₁ only Yang–Zhang takes (not on the bars of a selection without it).
                v[P3] = TMembers.Has(w, 3) ? _yangZhang.UpdateWith(overnight, closeOpen, close, _rogersSatchell.Variance) : 0;
            }

            v[P4] = TMembers.Has(w, 4) ? _corwinSchultz.UpdateWith(high, low, highLow, twoBar) : 0;
            return 0;
        }
    }

    /// <summary>Qlib's nine k-bar shape features of the bar (the terms <see cref="KBarState"/> evaluates one by one).</summary>
    private sealed class PriceKBarStep(FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "kmid", "klen", "kmid2", "kup", "kup2", "klow", "klow2", "ksft", "ksft2",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5), P6 = At(Names, 6), P7 = At(Names, 7), P8 = At(Names, 8);

        public Func<StreamContext, double> Bind(bool all) => Run;

        private double Run(StreamContext c)
        {
            double open = c[Open], high = c[High], low = c[Low], close = c.Close;
            var v = ValuesOf(c);
            v[P0] = KMid.Value(open, high, low, close);
            v[P1] = KLen.Value(open, high, low, close);
            v[P2] = KMid2.Value(open, high, low, close);
            v[P3] = KUp.Value(open, high, low, close);
            v[P4] = KUp2.Value(open, high, low, close);
            v[P5] = KLow.Value(open, high, low, close);
            v[P6] = KLow2.Value(open, high, low, close);
            v[P7] = KSft.Value(open, high, low, close);
            v[P8] = KSft2.Value(open, high, low, close);
            return 0;
        }
    }

    /// <summary>The recursive indicators of the price: EMA(12, 26), RSI(14, 50), MACD(12, 26, 9), ATR(14) and NATR,
    /// ADX/DI(14), BBANDS(20, 2) width and position, STOCH(14, 3, 3), CCI(20), the trend direction, the market
    /// structure and Williams %R(14), each its own state as in batch, except that %R is taken from the stochastic's
    /// 14-bar high/low window (the window a WillRState(14) keeps, fed the same bars).</summary>
    private sealed class PriceRecursiveStep(FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "ema_12", "ema_26", "rsi_14", "rsi_50", "macd", "macd_signal", "macd_histogram", "atr_14", "natr_14",
            "adx_14", "plus_di_14", "minus_di_14", "bb_width", "bb_position", "stoch_k_14", "stoch_d_14", "cci_20",
            "trend_direction", "market_structure", "willr_14",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5), P6 = At(Names, 6), P7 = At(Names, 7), P8 = At(Names, 8),
            P9 = At(Names, 9), P10 = At(Names, 10), P11 = At(Names, 11), P12 = At(Names, 12), P13 = At(Names, 13),
            P14 = At(Names, 14), P15 = At(Names, 15), P16 = At(Names, 16), P17 = At(Names, 17), P18 = At(Names, 18),
            P19 = At(Names, 19);

        private EmaState _ema12 = new(12), _ema26 = new(26);
        private RsiState _rsi14 = new(14), _rsi50 = new(50);
        private MacdState _macd = new(12, 26, 9);
        private AtrState _atr = new(14);
        private AdxState _adx = new(14);
        private BollingerState _bands = new(20, 2.0);
        private StochState _stoch = new(14, 3, 3);
        private CciState _cci = new(20);
        private TrendDirectionState _trend = new(20, 14, 0.1);
        private MarketStructureState _structure = new(3);

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double high = c[High], low = c[Low], close = c.Close;
            var v = ValuesOf(c);
            ulong w = Wanted;
            v[P0] = TMembers.Has(w, 0) ? _ema12.Update(close) : 0;
            v[P1] = TMembers.Has(w, 1) ? _ema26.Update(close) : 0;
            v[P2] = TMembers.Has(w, 2) ? _rsi14.Update(close) : 0;
            v[P3] = TMembers.Has(w, 3) ? _rsi50.Update(close) : 0;
            if (TMembers.Has(w, 4) || TMembers.Has(w, 5) || TMembers.Has(w, 6))
            {
                _macd.Update(close);
                v[P4] = _macd.Macd;
                v[P5] = _macd.Signal;
                v[P6] = _macd.Histogram;
            }

            double atr = 0;
            if (TMembers.Has(w, 7) || TMembers.Has(w, 8) || TMembers.Has(w, 17))
            {
                atr = _atr.Update(high, low, close);
                v[P7] = atr;
                v[P8] = AtrState.Normalize(atr, close);
            }

            if (TMembers.Has(w, 9) || TMembers.Has(w, 10) || TMembers.Has(w, 11))
            {
                _adx.Update(high, low, close);
                v[P9] = _adx.Adx;
                v[P10] = _adx.PlusDi;
                v[P11] = _adx.MinusDi;
            }

            if (TMembers.Has(w, 12) || TMembers.Has(w, 13))
            {
                _bands.Update(close);
                v[P12] = _bands.Width;
                v[P13] = _bands.Position;
            }

            if (TMembers.Has(w, 14) || TMembers.Has(w, 15) || TMembers.Has(w, 19))
            {
                _stoch.Update(high, low, close, out double willR); // %R(14) of the stochastic's 14-bar high/low window
                v[P14] = _stoch.SlowK;
                v[P15] = _stoch.SlowD;
                v[P19] = willR;
            }

            v[P16] = TMembers.Has(w, 16) ? _cci.Update(high, low, close) : 0;
            v[P17] = TMembers.Has(w, 17) ? _trend.UpdateWith(close, atr) : 0; // its ATR(14) is atr_14's state
            v[P18] = TMembers.Has(w, 18) ? _structure.Update(high, low) : 0;
            return 0;
        }
    }

    /// <summary>The z-score of the close (20), its 20-bar OLS slope (relative to the close) and R², the efficiency ratio
    /// (10) and the 20-bar range (distances of the high and low, raw stochastic value).</summary>
    private sealed class PriceWindowsStep(FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "zscore_20", "linreg_slope_20", "rsquare_20", "efficiency_ratio_10", "dist_high_20", "dist_low_20", "rsv_20",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5), P6 = At(Names, 6);

        private RollingMomentsState _moments = new(20, 1);
        private LinearRegressionState _regression = new(20);
        private EfficiencyRatioState _efficiency = new(10);
        private RangePositionState _range = new(20);

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double high = c[High], low = c[Low], close = c.Close;
            var v = ValuesOf(c);
            ulong w = Wanted;
            v[P0] = TMembers.Has(w, 0) ? (_moments.Update(close) ? _moments.ZScore : double.NaN) : 0;
            if (TMembers.Has(w, 1) || TMembers.Has(w, 2))
            {
                _regression.Update(close);
                v[P1] = Ratio.Divide(_regression.Slope, close);
                v[P2] = _regression.RSquare;
            }

            v[P3] = TMembers.Has(w, 3) ? _efficiency.Update(close) : 0;
            if (TMembers.Has(w, 4) || TMembers.Has(w, 5) || TMembers.Has(w, 6))
            {
                _range.Update(high, low, close);
                v[P4] = _range.DistanceToHigh;
                v[P5] = _range.DistanceToLow;
                v[P6] = _range.Rsv;
            }

            return 0;
        }
    }
}
