using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// The kernels of the TA-Lib price features (RSI, MACD, ATR/NATR, Bollinger, ADX/±DI, STOCH, WILLR, CCI): batch kernel =
/// looped state bit for bit, lookback = leading NaN, no look-ahead, the NaN rule (a hole affects nothing before it and
/// the output after it equals the kernel started on the data after it), and argument guards. Equality with TA-Lib
/// itself is in <see cref="GoldenTests"/>.
/// </summary>
public class PriceTaLibKernelTests
{
    private static readonly Bars Clean = FromFrame(TestData.Synthetic(6000, seed: 7));
    private static readonly Bars Holes = new(Series.WithHoles(Clean.High), Series.WithHoles(Clean.Low), Series.WithHoles(Clean.Close));

    public static TheoryData<string> Kernels => new() { "rsi14", "rsi2", "macd", "macd_5_5_1", "atr", "natr", "bbands", "bbwp", "adx", "adx2", "stoch", "stoch_1_1_1", "willr", "willr5", "cci", "cci2", "cci9" };

    /// <summary>Batch kernel outputs, and the same through the state's Update, with the lookback of each output.</summary>
    private static (double[][] Batch, double[][] Looped, int[] Lookbacks) Run(string kernel, Bars b)
    {
        int n = b.Close.Length;
        double[] New() => new double[n];
        switch (kernel)
        {
            case "rsi14":
            case "rsi2":
            {
                int p = kernel == "rsi14" ? 14 : 2;
                var d = New();
                Indicators.Rsi(b.Close, p, d);
                var s = new RsiState(p);
                return ([d], [b.Close.Select(x => s.Update(x)).ToArray()], [Indicators.RsiLookback(p)]);
            }

            case "macd":
            case "macd_5_5_1":
            {
                var (f, sl, sg) = kernel == "macd" ? (12, 26, 9) : (5, 5, 1);
                var (m, s, h) = (New(), New(), New());
                Indicators.Macd(b.Close, f, sl, sg, m, s, h);
                var st = new MacdState(f, sl, sg);
                var (lm, ls, lh) = (New(), New(), New());
                for (int i = 0; i < n; i++)
                {
                    st.Update(b.Close[i]);
                    (lm[i], ls[i], lh[i]) = (st.Macd, st.Signal, st.Histogram);
                }

                int lb = Indicators.MacdLookback(f, sl, sg);
                return ([m, s, h], [lm, ls, lh], [lb, lb, lb]);
            }

            case "atr":
            case "natr":
            {
                var d = New();
                if (kernel == "atr")
                {
                    Indicators.Atr(b.High, b.Low, b.Close, 14, d);
                }
                else
                {
                    Indicators.Natr(b.High, b.Low, b.Close, 14, d);
                }

                var st = new AtrState(14);
                var looped = New();
                for (int i = 0; i < n; i++)
                {
                    double atr = st.Update(b.High[i], b.Low[i], b.Close[i]);
                    looped[i] = kernel == "atr" ? atr : AtrState.Normalize(atr, b.Close[i]);
                }

                return ([d], [looped], [Indicators.AtrLookback(14)]);
            }

            case "bbands":
            case "bbwp":
            {
                var st = new BollingerState(20, 2);
                var (lu, lm, ll, lw, lp) = (New(), New(), New(), New(), New());
                for (int i = 0; i < n; i++)
                {
                    st.Update(b.Close[i]);
                    (lu[i], lm[i], ll[i], lw[i], lp[i]) = (st.Upper, st.Middle, st.Lower, st.Width, st.Position);
                }

                int lb = Indicators.BollingerLookback(20);
                if (kernel == "bbands")
                {
                    var (u, m, l) = (New(), New(), New());
                    Indicators.BollingerBands(b.Close, 20, 2, u, m, l);
                    return ([u, m, l], [lu, lm, ll], [lb, lb, lb]);
                }

                var (w, p, wAlone) = (New(), New(), New());
                Indicators.BollingerWidthPosition(b.Close, 20, 2, w, p);
                Indicators.BollingerWidth(b.Close, 20, 2, wAlone);
                return ([w, p, wAlone], [lw, lp, lw], [lb, lb, lb]);
            }

            case "adx":
            case "adx2":
            {
                int period = kernel == "adx" ? 14 : 2;
                var (a, p, m) = (New(), New(), New());
                Indicators.Adx(b.High, b.Low, b.Close, period, a, p, m);
                var st = new AdxState(period);
                var (la, lp, lm) = (New(), New(), New());
                for (int i = 0; i < n; i++)
                {
                    st.Update(b.High[i], b.Low[i], b.Close[i]);
                    (la[i], lp[i], lm[i]) = (st.Adx, st.PlusDi, st.MinusDi);
                }

                int di = Indicators.DirectionalIndicatorLookback(period);
                return ([a, p, m], [la, lp, lm], [Indicators.AdxLookback(period), di, di]);
            }

            case "stoch":
            case "stoch_1_1_1":
            {
                var (fk, sk, sd) = kernel == "stoch" ? (14, 3, 3) : (1, 1, 1);
                var (k, d) = (New(), New());
                Indicators.Stoch(b.High, b.Low, b.Close, fk, sk, sd, k, d);
                var st = new StochState(fk, sk, sd);
                var (lk, ld) = (New(), New());
                for (int i = 0; i < n; i++)
                {
                    st.Update(b.High[i], b.Low[i], b.Close[i]);
                    (lk[i], ld[i]) = (st.SlowK, st.SlowD);
                }

                int lb = Indicators.StochLookback(fk, sk, sd);
                return ([k, d], [lk, ld], [lb, lb]);
            }

            case "willr":
            case "willr5":
            {
                int period = kernel == "willr" ? 14 : 5;
                var d = New();
                Indicators.WillR(b.High, b.Low, b.Close, period, d);
                var st = new WillRState(period);
                return ([d], [Enumerable.Range(0, n).Select(i => st.Update(b.High[i], b.Low[i], b.Close[i])).ToArray()], [Indicators.WillRLookback(period)]);
            }

            case "cci":
            case "cci2":
            case "cci9":
            {
                int period = kernel switch { "cci" => 20, "cci9" => 9, _ => 2 };
                var d = New();
                Indicators.Cci(b.High, b.Low, b.Close, period, d);
                var st = new CciState(period);
                return ([d], [Enumerable.Range(0, n).Select(i => st.Update(b.High[i], b.Low[i], b.Close[i])).ToArray()], [Indicators.CciLookback(period)]);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "unknown kernel");
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_equals_looped_state_bit_for_bit_and_lookback_is_leading_nan(string kernel)
    {
        foreach (var (name, bars) in new[] { ("clean", Clean), ("holes", Holes) })
        {
            var (batch, looped, lookbacks) = Run(kernel, bars);
            for (int k = 0; k < batch.Length; k++)
            {
                Approx.Identical(batch[k], looped[k], $"{kernel}[{k}] {name}");
                if (name == "clean")
                {
                    Assert.Equal(lookbacks[k], Approx.LeadingNaN(batch[k]));
                    Assert.DoesNotContain(batch[k].Skip(lookbacks[k]), double.IsNaN);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void No_look_ahead_a_prefix_gives_the_same_values(string kernel)
    {
        var (full, _, _) = Run(kernel, Holes);
        foreach (int len in new[] { 1, 37, 1999, 4321 })
        {
            var (prefix, _, _) = Run(kernel, Holes.Slice(0, len));
            for (int k = 0; k < full.Length; k++)
            {
                Approx.Identical(full[k].AsSpan(0, len), prefix[k], $"{kernel}[{k}] prefix {len}");
            }
        }
    }

    /// <summary>
    /// The NaN rule: a bar with NaN inputs gives NaN (H, L and C are NaN on the same bars here), and every NaN-free
    /// stretch of the series gets exactly the values the kernel gives on that stretch alone, i.e. TA-Lib started on the
    /// data after the hole.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kernels))]
    public void After_a_hole_the_kernel_restarts_as_on_the_data_after_it(string kernel)
    {
        var (full, _, _) = Run(kernel, Holes);
        int n = Holes.Close.Length;
        int segments = 0;
        int start = 0;
        while (start < n)
        {
            if (double.IsNaN(Holes.Close[start]))
            {
                for (int k = 0; k < full.Length; k++)
                {
                    Assert.True(double.IsNaN(full[k][start]), $"{kernel}[{k}] at hole {start}: {full[k][start]}");
                }

                start++;
                continue;
            }

            int end = start;
            while (end < n && !double.IsNaN(Holes.Close[end]))
            {
                end++;
            }

            var (alone, _, _) = Run(kernel, Holes.Slice(start, end - start));
            for (int k = 0; k < full.Length; k++)
            {
                Approx.Identical(alone[k], full[k].AsSpan(start, end - start), $"{kernel}[{k}] segment {start}..{end}");
            }

            segments++;
            start = end;
        }

        Assert.True(segments > 30, $"segments: {segments}");
    }

    /// <summary>The division-free x / period of the Bollinger kernels (a multiply and one FMA correction) is the
    /// correctly rounded quotient: compared with the IEEE division on random values of every magnitude and many periods.</summary>
    [Fact]
    public void Division_by_the_period_without_a_divide_is_the_correctly_rounded_quotient()
    {
        var rnd = new Random(20261123);
        int[] periods = [2, 3, 5, 7, 10, 14, 20, 21, 26, 50, 100, 200, 252, 1000, 1440, 4999];
        foreach (int period in periods)
        {
            double p = period;
            double inverse = 1.0 / p;
            var vp = System.Runtime.Intrinsics.Vector256.Create(p);
            var vi = System.Runtime.Intrinsics.Vector256.Create(inverse);
            for (int k = 0; k < 20_000; k++)
            {
                double x = (rnd.NextDouble() + 0.5) * Math.Pow(2, rnd.Next(-300, 300)) * (rnd.Next(2) == 0 ? 1 : -1);
                double expected = x / p;
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(BollingerState.DivideByPeriod(x, p, inverse)));
                var lanes = BollingerState.DivideByPeriod(System.Runtime.Intrinsics.Vector256.Create(x, -x, x * 3, 0.0), vp, vi);
                Assert.Equal(expected, lanes[0]);
                Assert.Equal(-x / p, lanes[1]);
                Assert.Equal((x * 3) / p, lanes[2]);
                Assert.Equal(0.0, lanes[3]);
            }

            Assert.Equal(double.PositiveInfinity, BollingerState.DivideByPeriod(double.PositiveInfinity, p, inverse));
            Assert.Equal(double.NegativeInfinity, BollingerState.DivideByPeriod(double.NegativeInfinity, p, inverse));
            Assert.True(double.IsNaN(BollingerState.DivideByPeriod(double.NaN, p, inverse)));
        }
    }

    /// <summary>Every series length around the four-bar steps of the fused width/position kernel equals the looped state.</summary>
    [Fact]
    public void Bollinger_width_position_equals_the_state_at_every_length()
    {
        for (int n = 0; n <= 45; n++)
        {
            var b = Clean.Slice(0, n);
            var (batch, looped, _) = Run("bbwp", b);
            for (int k = 0; k < batch.Length; k++)
            {
                Approx.Identical(looped[k], batch[k], $"bbwp[{k}] n={n}");
            }
        }
    }

    [Fact]
    public void Guards_name_the_parameter()
    {
        var x = Clean.Close.AsSpan(0, 100).ToArray();
        var shortArray = new double[99];
        var d = new double[100];
        Assert.Equal("period", Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.Rsi(x, 1, d)).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentOutOfRangeException>(() => new RsiState(1)).ParamName);
        Assert.Equal("fastPeriod", Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.Macd(x, 27, 26, 9, d, d, d)).ParamName);
        Assert.Equal("signalPeriod", Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.MacdLookback(12, 26, 0)).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.BollingerWidthPosition(x, 1, 2, d, d)).ParamName);
        Assert.Equal("deviations", Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.BollingerBands(x, 20, double.NaN, d, d, d)).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.Adx(x, x, x, 1, d, d, d)).ParamName);
        Assert.Equal("slowDPeriod", Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.Stoch(x, x, x, 14, 3, 0, d, d)).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.WillR(x, x, x, 1, d)).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.Cci(x, x, x, 1, d)).ParamName);
        Assert.Throws<ArgumentException>(() => Indicators.Cci(x, shortArray, x, 20, d));
        Assert.Throws<ArgumentException>(() => Indicators.Adx(x, x, shortArray, 14, d, d, d));
        Assert.Throws<ArgumentException>(() => Indicators.Stoch(x, x, x, 14, 3, 3, d, shortArray));
        Assert.Throws<ArgumentException>(() => Indicators.Rsi(x, 14, shortArray));
        Assert.Throws<ArgumentException>(() => Indicators.WillR(x, shortArray, x, 14, d));
    }

    [Fact]
    public void Flat_series_gives_TaLib_special_values()
    {
        // 60 identical bars: every denominator is 0. TA-Lib: RSI 0, ±DI 0 (S(TR) = 0), ADX 0 (no DX defined, sum 0),
        // STOCH 0, WILLR 0, CCI 0 (TP − mean = 0: 7.25 is exact in binary so the mean is exact), ATR 0, NATR 0;
        // the bands collapse (σ = 0) so bb_position is NaN and bb_width 0.
        var x = Enumerable.Repeat(7.25, 60).ToArray();
        var (a, b, c, e) = (new double[60], new double[60], new double[60], new double[60]);
        Indicators.Rsi(x, 14, a);
        Assert.All(a.Skip(14), v => Assert.Equal(0.0, v));
        Indicators.Adx(x, x, x, 14, a, b, c);
        Assert.All(a.Skip(27), v => Assert.Equal(0.0, v));
        Assert.All(b.Skip(14).Concat(c.Skip(14)), v => Assert.Equal(0.0, v));
        Indicators.Stoch(x, x, x, 14, 3, 3, a, b);
        Assert.All(a.Skip(17).Concat(b.Skip(17)), v => Assert.Equal(0.0, v));
        Indicators.WillR(x, x, x, 14, a);
        Assert.All(a.Skip(13), v => Assert.Equal(0.0, v));
        Indicators.Cci(x, x, x, 20, a);
        Assert.All(a.Skip(19), v => Assert.Equal(0.0, v));
        Indicators.Natr(x, x, x, 14, a);
        Assert.All(a.Skip(14), v => Assert.Equal(0.0, v));
        Indicators.BollingerWidthPosition(x, 20, 2, a, b);
        Assert.All(a.Skip(19), v => Assert.Equal(0.0, v));
        Assert.All(b, v => Assert.True(double.IsNaN(v)));
        Indicators.Macd(x, 12, 26, 9, a, b, e);
        Assert.All(a.Skip(33).Concat(b.Skip(33)).Concat(e.Skip(33)), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Natr_is_zero_where_the_close_is_zero_as_TaLib()
    {
        // TA-Lib NATR: (ATR / C) · 100, and 0 when TA_IS_ZERO(C). Vector and scalar tail paths both covered (n = 11).
        double[] h = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1];
        double[] l = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        double[] c = [1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0];
        var atr = new double[h.Length];
        var natr = new double[h.Length];
        Indicators.Atr(h, l, c, 2, atr);
        Indicators.Natr(h, l, c, 2, natr);
        for (int i = 0; i < h.Length; i++)
        {
            double expected = double.IsNaN(atr[i]) ? double.NaN : c[i] == 0 ? 0 : atr[i] / c[i] * 100;
            Assert.Equal(expected, natr[i]);
        }

        Assert.Equal(0.0, natr[4]);
        Assert.Equal(0.0, natr[10]);
    }

    [Fact]
    public void Engine_shares_one_multi_output_computation_with_the_same_values()
    {
        var frame = TestData.Synthetic(3000, seed: 11);
        var engine = new FeatureEngineer();
        string[][] groups =
        [
            ["macd", "macd_signal", "macd_histogram"], ["adx_14", "plus_di_14", "minus_di_14"], ["stoch_k_14", "stoch_d_14"], ["bb_width", "bb_position"],
        ];
        foreach (var group in groups)
        {
            var together = engine.Compute(frame, group);
            foreach (var name in group)
            {
                Approx.Identical(engine.Compute(frame, name)[name], together[name], name);
            }
        }

        var m = new double[3][];
        for (int k = 0; k < 3; k++)
        {
            m[k] = new double[frame.Length];
        }

        Indicators.Macd(frame.Close, 12, 26, 9, m[0], m[1], m[2]);
        var all = engine.Compute(frame, "macd_histogram", "macd");
        Approx.Identical(m[0], all["macd"], "macd");
        Approx.Identical(m[2], all["macd_histogram"], "macd_histogram");
    }

    private static Bars FromFrame(MarketFrame f) => new(f.High.ToArray(), f.Low.ToArray(), f.Close.ToArray());

    private sealed record Bars(double[] High, double[] Low, double[] Close)
    {
        public Bars Slice(int start, int length) =>
            new(High.AsSpan(start, length).ToArray(), Low.AsSpan(start, length).ToArray(), Close.AsSpan(start, length).ToArray());
    }
}
