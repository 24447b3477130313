using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// Kernels of the price-statistics part of the catalogue: hand-computed cases, naive references written out here
/// (two-pass statistics over each window, pandas' formulas), and batch kernel = looped state, bit for bit, on the
/// synthetic series and the real BTCUSDT 1h sample, clean and with NaN holes.
/// </summary>
public class PriceStatsKernelTests
{
    public static TheoryData<string> Inputs => new() { "synthetic", "synthetic-holes", "btc", "btc-holes" };

    // ---------- hand-computed cases ----------

    [Fact]
    public void Skewness_and_kurtosis_by_hand()
    {
        // x = 1, 2, 3, 4, 10: mean 4, deviations −3, −2, −1, 0, 6; m2 = 50/5 = 10, m3 = 180/5 = 36, m4 = 1394/5 = 278.8.
        // G1 = √(5·4)/3 · 36 / 10^1.5 = 1.2·√2; G2 = (24 · 278.8/100 − 3·16) / (3·2) = (66.912 − 48) / 6 = 3.152.
        double[] x = [1, 2, 3, 4, 10];
        var s = new double[5];
        var k = new double[5];
        Indicators.RollingSkewness(x, 5, s);
        Indicators.RollingKurtosis(x, 5, k);
        Approx.Equal([double.NaN, double.NaN, double.NaN, double.NaN, 1.2 * Math.Sqrt(2)], s, 1e-13);
        Approx.Equal([double.NaN, double.NaN, double.NaN, double.NaN, 3.152], k, 1e-13);
    }

    [Fact]
    public void Autocorrelation_by_hand()
    {
        // Pairs (x_i, x_(i−1)) for i = 1..3 of 1, 2, 4, 3: a = 2, 4, 3 and b = 1, 2, 4.
        // Deviations a: −1, 1, 0; b: −4/3, −1/3, 5/3. cov = 4/3 − 1/3 = 1, Σda² = 2, Σdb² = 42/9 → r = 1/√(28/3) = √(3/28).
        double[] x = [1, 2, 4, 3];
        var r = new double[4];
        Indicators.RollingAutocorrelation(x, 3, r);
        Approx.Equal([double.NaN, double.NaN, double.NaN, Math.Sqrt(3.0 / 28)], r, 1e-13);
    }

    [Fact]
    public void Linear_regression_by_hand()
    {
        // y = 1, 3, 2, 5 on k = 0..3: k̄ = 1.5, ȳ = 2.75, Sxy = 2.625 − 0.125 − 0.375 + 3.375 = 5.5, Sxx = 5, Syy = 8.75.
        // slope = 1.1, R² = 5.5² / (5 · 8.75) = 30.25 / 43.75.
        double[] y = [1, 3, 2, 5];
        var slope = new double[4];
        var r2 = new double[4];
        Indicators.LinearRegression(y, 4, slope, r2);
        Approx.Equal([double.NaN, double.NaN, double.NaN, 1.1], slope, 1e-13);
        Approx.Equal([double.NaN, double.NaN, double.NaN, 30.25 / 43.75], r2, 1e-13);
    }

    [Fact]
    public void Efficiency_ratio_by_hand()
    {
        // 10 → 11 → 10 → 12: net |12 − 10| = 2, path 1 + 1 + 2 = 4 → 0.5. Then 12 → 13: net |13 − 11| = 2, path 1 + 2 + 1 = 4.
        double[] c = [10, 11, 10, 12, 13];
        var er = new double[5];
        Indicators.EfficiencyRatio(c, 3, er);
        Approx.Equal([double.NaN, double.NaN, double.NaN, 0.5, 0.5], er, 1e-15);
    }

    [Fact]
    public void Range_volatility_by_hand()
    {
        // One bar: O = 100, H = 100e^0.03, L = 100e^−0.01, C = 100e^0.02 → ln(H/L) = 0.04, ln(C/O) = 0.02,
        // ln(H/O) = 0.03, ln(L/O) = −0.01, ln(H/C) = 0.01, ln(L/C) = −0.03.
        double[] o = [100], h = [100 * Math.Exp(0.03)], l = [100 * Math.Exp(-0.01)], c = [100 * Math.Exp(0.02)];
        var d = new double[1];
        Indicators.ParkinsonVolatility(h, l, 1, d);
        Assert.Equal(Math.Sqrt(0.04 * 0.04 / (4 * Math.Log(2))), d[0], 1e-14);
        Indicators.GarmanKlassVolatility(o, h, l, c, 1, d);
        Assert.Equal(Math.Sqrt(0.5 * 0.0016 - (2 * Math.Log(2) - 1) * 0.0004), d[0], 1e-14);
        Indicators.RogersSatchellVolatility(o, h, l, c, 1, d);
        Assert.Equal(Math.Sqrt(0.01 * 0.03 + (-0.03) * (-0.01)), d[0], 1e-14);
    }

    [Fact]
    public void Yang_zhang_by_hand()
    {
        // Three bars, N = 2 (k = 0.34 / (1.34 + 3) = 0.34 / 4.34). Bars 1 and 2 (all logs relative to the open of the bar):
        // overnight o = ln(O_t/C_(t−1)) = 0.01 and −0.02; open-close c = 0.02 and −0.01; RS terms from (x, y, c).
        double[] o = [100, 0, 0], h = [0, 0, 0], l = [0, 0, 0], c = [100, 0, 0];
        (double x, double y, double cc, double on)[] bars = [(0.03, -0.01, 0.02, 0.01), (0.01, -0.02, -0.01, -0.02)];
        h[0] = 101;
        l[0] = 99;
        for (int t = 1; t < 3; t++)
        {
            var (x, y, cc, on) = bars[t - 1];
            o[t] = c[t - 1] * Math.Exp(on);
            h[t] = o[t] * Math.Exp(x);
            l[t] = o[t] * Math.Exp(y);
            c[t] = o[t] * Math.Exp(cc);
        }

        double Var2(double a, double b) => (a - b) * (a - b) / 2; // sample variance of two values
        double rs1 = (0.03 - 0.02) * 0.03 + (-0.01 - 0.02) * -0.01, rs2 = (0.01 + 0.01) * 0.01 + (-0.02 + 0.01) * -0.02;
        double k = 0.34 / 4.34;
        double expected = Math.Sqrt(Var2(0.01, -0.02) + k * Var2(0.02, -0.01) + (1 - k) * (rs1 + rs2) / 2);
        var d = new double[3];
        Indicators.YangZhangVolatility(o, h, l, c, 2, d);
        Assert.True(double.IsNaN(d[0]) && double.IsNaN(d[1]));
        Assert.Equal(expected, d[2], 1e-13);
    }

    [Fact]
    public void Market_structure_by_hand()
    {
        // k = 1. Pivot highs at j = 1 (3), 3 (4), 5 (5), confirmed at j + 1; pivot lows at j = 2 (1), 4 (2).
        // t = 2: one high → 0; t = 3: one low → 0; t = 4: highs 3 → 4 rising, one low → 0; t = 5: lows 1 → 2 rising → +1;
        // t = 6: highs 4 → 5, lows 1 → 2 → +1.
        double[] h = [1, 3, 2, 4, 3, 5, 4];
        double[] l = h.Select(v => v - 1).ToArray();
        var d = new double[7];
        Indicators.MarketStructure(h, l, 1, d);
        Approx.Identical([double.NaN, double.NaN, 0, 0, 0, 1, 1], d);
        // Mirror image: falling highs and lows → −1; ties are not pivots.
        Indicators.MarketStructure(h.Select(v => -v).ToArray(), l.Select(v => -v).ToArray(), 1, d);
        Assert.Equal(-1.0, d[5]);
        double[] flat = [2, 2, 2, 2, 2, 2, 2];
        Indicators.MarketStructure(flat, flat, 1, d);
        Approx.Identical([double.NaN, double.NaN, 0, 0, 0, 0, 0], d);
    }

    [Fact]
    public void Trend_direction_by_hand()
    {
        // EMA(1) is the close itself and ATR(1) the true range: with threshold 0.1 a close equal to the EMA is 0.
        // Use EMA(2) (α = 2/3, seed = mean of the first two closes) and ATR(1) = TR.
        double[] h = [11, 12, 14, 13], l = [9, 10, 12, 11], c = [10, 11, 13, 11];
        var d = new double[4];
        Indicators.TrendDirection(h, l, c, 2, 1, 0.1, d);
        // t = 1: EMA = 10.5, TR = max(2, |12−10|, |10−10|) = 2, C − EMA = 0.5 > 0.2 → +1.
        // t = 2: EMA = 10.5 + 2/3·2.5 = 12.1667, TR = max(2, 3, 1) = 3, C − EMA = 0.833 > 0.3 → +1.
        // t = 3: EMA = 12.1667 + 2/3·(11 − 12.1667) = 11.3889, TR = max(2, 0, 2) = 2, C − EMA = −0.389 < −0.2 → −1.
        Approx.Identical([double.NaN, 1, 1, -1], d);
    }

    [Fact]
    public void KBar_by_hand()
    {
        double o = 100, h = 110, l = 95, c = 105;
        double range = h - l + 1e-12;
        (KBarKind Kind, double Expected)[] cases =
        [
            (KBarKind.Mid, 0.05), (KBarKind.Length, 0.15), (KBarKind.Mid2, 5 / range), (KBarKind.Up, 0.05), (KBarKind.Up2, 5 / range),
            (KBarKind.Low, 0.05), (KBarKind.Low2, 5 / range), (KBarKind.Shift, 0.05), (KBarKind.Shift2, 5 / range),
        ];
        var d = new double[1];
        foreach (var (kind, expected) in cases)
        {
            Indicators.KBar([o], [h], [l], [c], kind, d);
            Assert.Equal(expected, d[0], 1e-15);
            Assert.Equal(d[0], new KBarState(kind).Update(o, h, l, c));
        }
    }

    // ---------- naive references and state identity on real and synthetic data ----------

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Realized_volatility_equals_two_pass_std_of_log_returns(string input)
    {
        var bars = Bars.Get(input);
        var r = Naive.LogReturns(bars.C);
        var kernelReturns = new double[bars.N];
        Indicators.LogChange(bars.C, 1, kernelReturns);
        var got = new double[bars.N];
        Indicators.RollingStdDev(kernelReturns, 20, 1, got);
        Approx.Equal(CoreKernelTests.Naive(r, 20, w => Math.Sqrt(CoreKernelTests.TwoPassVariance(w, 1))), got, 1e-9, 1e-15, "realized_vol");
        if (!bars.Holes)
        {
            Assert.Equal(20, Approx.LeadingNaN(got));
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Skewness_and_kurtosis_equal_pandas_formulas_and_states(string input)
    {
        var bars = Bars.Get(input);
        var r = Naive.LogReturns(bars.C);
        var skew = new double[bars.N];
        var kurt = new double[bars.N];
        Indicators.RollingSkewness(r, 20, skew);
        Indicators.RollingKurtosis(r, 20, kurt);
        Approx.Equal(CoreKernelTests.Naive(r, 20, Naive.Skewness), skew, 1e-8, 1e-9, "skew");
        Approx.Equal(CoreKernelTests.Naive(r, 20, Naive.Kurtosis), kurt, 1e-8, 1e-9, "kurt");
        var ss = new RollingSkewnessState(20);
        var ks = new RollingKurtosisState(20);
        Approx.Identical(skew, r.Select(v => ss.Update(v)).ToArray(), "skew state");
        Approx.Identical(kurt, r.Select(v => ks.Update(v)).ToArray(), "kurt state");
        var both = (new double[bars.N], new double[bars.N]);
        Indicators.RollingShapeMoments(r, 20, both.Item1, both.Item2);
        Approx.Identical(skew, both.Item1, "one-pass skew");
        Approx.Identical(kurt, both.Item2, "one-pass kurt");
        if (!bars.Holes)
        {
            Assert.Equal(20, Approx.LeadingNaN(skew));
            Assert.Equal(Indicators.RollingSkewnessLookback(20), Approx.LeadingNaN(skew.AsSpan(1)));
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Autocorrelation_equals_pearson_of_lagged_pairs_and_state(string input)
    {
        var bars = Bars.Get(input);
        var r = Naive.LogReturns(bars.C);
        var got = new double[bars.N];
        Indicators.RollingAutocorrelation(r, 20, got);
        Approx.Equal(CoreKernelTests.Naive(r, 21, Naive.Lag1Correlation), got, 1e-9, 1e-10, "autocorr");
        var st = new RollingAutocorrelationState(20);
        Approx.Identical(got, r.Select(v => st.Update(v)).ToArray(), "autocorr state");
        if (!bars.Holes)
        {
            Assert.Equal(21, Approx.LeadingNaN(got));
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Linear_regression_equals_two_pass_ols_and_state(string input)
    {
        var bars = Bars.Get(input);
        var slope = new double[bars.N];
        var r2 = new double[bars.N];
        Indicators.LinearRegression(bars.C, 20, slope, r2);
        Approx.Equal(CoreKernelTests.Naive(bars.C, 20, w => Naive.Ols(w).Slope), slope, 1e-9, 1e-9, "slope");
        Approx.Equal(CoreKernelTests.Naive(bars.C, 20, w => Naive.Ols(w).RSquare), r2, 1e-9, 1e-10, "r2");
        var st = new LinearRegressionState(20);
        var ss = new double[bars.N];
        var sr = new double[bars.N];
        for (int i = 0; i < bars.N; i++)
        {
            st.Update(bars.C[i]);
            ss[i] = st.Slope;
            sr[i] = st.RSquare;
        }

        Approx.Identical(slope, ss, "slope state");
        Approx.Identical(r2, sr, "r2 state");
        var only = new double[bars.N];
        Indicators.LinearRegression(bars.C, 20, only, default);
        Approx.Identical(slope, only, "slope alone");
        if (!bars.Holes)
        {
            Assert.Equal(Indicators.LinearRegressionLookback(20), Approx.LeadingNaN(slope));
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Efficiency_ratio_equals_naive_and_state(string input)
    {
        var bars = Bars.Get(input);
        var got = new double[bars.N];
        Indicators.EfficiencyRatio(bars.C, 10, got);
        Approx.Equal(CoreKernelTests.Naive(bars.C, 11, Naive.EfficiencyRatio), got, 1e-9, 1e-12, "er");
        var st = new EfficiencyRatioState(10);
        Approx.Identical(got, bars.C.Select(v => st.Update(v)).ToArray(), "er state");
        if (!bars.Holes)
        {
            Assert.Equal(Indicators.EfficiencyRatioLookback(10), Approx.LeadingNaN(got));
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Range_position_equals_naive_and_state(string input)
    {
        var bars = Bars.Get(input);
        var dh = new double[bars.N];
        var dl = new double[bars.N];
        var rsv = new double[bars.N];
        Indicators.RangePosition(bars.H, bars.L, bars.C, 20, dh, dl, rsv);
        var st = new RangePositionState(20);
        var eh = new double[bars.N];
        var el = new double[bars.N];
        var er = new double[bars.N];
        for (int t = 0; t < bars.N; t++)
        {
            st.Update(bars.H[t], bars.L[t], bars.C[t]);
            (eh[t], el[t], er[t]) = (st.DistanceToHigh, st.DistanceToLow, st.Rsv);
        }

        Approx.Identical(dh, eh, "dist_high state");
        Approx.Identical(dl, el, "dist_low state");
        Approx.Identical(rsv, er, "rsv state");
        var maxH = CoreKernelTests.Naive(bars.H, 20, w => w.Max());
        var minL = CoreKernelTests.Naive(bars.L, 20, w => w.Min());
        Approx.Equal(maxH.Select((m, t) => m / bars.C[t] - 1).ToArray(), dh, 1e-15, 1e-15, "dist_high");
        Approx.Equal(minL.Select((m, t) => m / bars.C[t] - 1).ToArray(), dl, 1e-15, 1e-15, "dist_low");
        Approx.Equal(maxH.Select((m, t) => m == minL[t] ? double.NaN : (bars.C[t] - minL[t]) / (m - minL[t])).ToArray(), rsv, 1e-15, 1e-15, "rsv");
        if (!bars.Holes)
        {
            Assert.Equal(19, Approx.LeadingNaN(dh));
            Assert.Equal(19, Approx.LeadingNaN(rsv));
        }
    }

    [Fact]
    public void A_window_extremum_is_the_latest_of_the_equal_extremes_of_its_window_for_every_period()
    {
        // Values from a small set (many ties), zeros of both signs and NaN holes: the extreme of each full NaN-free window
        // is, bit for bit, the latest of its values equal to the window's maximum (minimum); NaN otherwise.
        var rng = new Random(20261203);
        double[] pool = [0.0, -0.0, 1.5, -1.5, 2.0, 2.0, 3.25, -7.0, 1e300, -1e-300];
        foreach (int period in (int[])[1, 2, 5, 7, 8, 9, 12, 14, 20, 31, 32, 33, 63, 64, 65, 100])
        {
            var max = new WindowExtremum<Indicators.MaxOrder>(period);
            var min = new WindowExtremum<Indicators.MinOrder>(period);
            var x = new double[1500];
            for (int t = 0; t < x.Length; t++)
            {
                x[t] = rng.Next(60) == 0 ? double.NaN : pool[rng.Next(pool.Length)];
                double gotMax = max.Update(x[t]), gotMin = min.Update(x[t]);
                double wantMax = double.NaN, wantMin = double.NaN;
                var window = t >= period - 1 ? x.AsSpan(t - period + 1, period) : default;
                if (t >= period - 1 && !window.ToArray().Any(double.IsNaN))
                {
                    double top = double.MinValue, bottom = double.MaxValue;
                    foreach (double v in window)
                    {
                        top = Math.Max(top, v);
                        bottom = Math.Min(bottom, v);
                    }

                    for (int k = 0; k < window.Length; k++)
                    {
                        (wantMax, wantMin) = (window[k] == top ? window[k] : wantMax, window[k] == bottom ? window[k] : wantMin);
                    }
                }

                Assert.True(BitConverter.DoubleToInt64Bits(wantMax) == BitConverter.DoubleToInt64Bits(gotMax), $"max p={period} t={t}: {wantMax:R} vs {gotMax:R}");
                Assert.True(BitConverter.DoubleToInt64Bits(wantMin) == BitConverter.DoubleToInt64Bits(gotMin), $"min p={period} t={t}: {wantMin:R} vs {gotMin:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Range_position_window_extremes_are_exact_for_any_period(string input)
    {
        // The batch uses blocks of `period` bars: check periods that do and do not divide the length, and a too-short series.
        var b = Bars.Get(input);
        foreach (int p in (int[])[1, 2, 3, 7, 64, 5000])
        {
            var dh = new double[b.N];
            var dl = new double[b.N];
            Indicators.RangePosition(b.H, b.L, b.C, p, dh, dl, default);
            var maxH = CoreKernelTests.Naive(b.H, p, w => w.Max());
            var minL = CoreKernelTests.Naive(b.L, p, w => w.Min());
            Approx.Identical(maxH.Select((m, t) => Ratio.Change(m, b.C[t])).ToArray(), dh, $"dist_high p={p}");
            Approx.Identical(minL.Select((m, t) => Ratio.Change(m, b.C[t])).ToArray(), dl, $"dist_low p={p}");
            var st = new RangePositionState(p);
            for (int t = 0; t < b.N; t++)
            {
                st.Update(b.H[t], b.L[t], b.C[t]);
                Assert.Equal(dh[t], st.DistanceToHigh);
                Assert.Equal(dl[t], st.DistanceToLow);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Range_volatilities_equal_naive_estimators_and_states(string input)
    {
        var b = Bars.Get(input);
        var naiveParkinson = Naive.RangeVolatility(b, 20, t => Math.Pow(Math.Log(b.H[t] / b.L[t]), 2) / (4 * Math.Log(2)));
        var naiveGk = Naive.RangeVolatility(b, 20, t => 0.5 * Math.Pow(Math.Log(b.H[t] / b.L[t]), 2) - (2 * Math.Log(2) - 1) * Math.Pow(Math.Log(b.C[t] / b.O[t]), 2));
        var naiveRs = Naive.RangeVolatility(b, 20, t => Naive.RogersSatchellTerm(b, t));
        var naiveYz = Naive.YangZhang(b, 20);

        var park = new double[b.N];
        var gk = new double[b.N];
        var rs = new double[b.N];
        var yz = new double[b.N];
        Indicators.ParkinsonVolatility(b.H, b.L, 20, park);
        Indicators.GarmanKlassVolatility(b.O, b.H, b.L, b.C, 20, gk);
        Indicators.RogersSatchellVolatility(b.O, b.H, b.L, b.C, 20, rs);
        Indicators.YangZhangVolatility(b.O, b.H, b.L, b.C, 20, yz);
        Approx.Equal(naiveParkinson, park, 1e-10, 1e-15, "parkinson");
        Approx.Equal(naiveGk, gk, 1e-10, 1e-15, "garman_klass");
        Approx.Equal(naiveRs, rs, 1e-10, 1e-15, "rogers_satchell");
        Approx.Equal(naiveYz, yz, 1e-10, 1e-15, "yang_zhang");

        var sp = new ParkinsonVolatilityState(20);
        var sg = new GarmanKlassVolatilityState(20);
        var sr = new RogersSatchellVolatilityState(20);
        var sy = new YangZhangVolatilityState(20);
        Approx.Identical(park, Enumerable.Range(0, b.N).Select(t => sp.Update(b.H[t], b.L[t])).ToArray(), "parkinson state");
        Approx.Identical(gk, Enumerable.Range(0, b.N).Select(t => sg.Update(b.O[t], b.H[t], b.L[t], b.C[t])).ToArray(), "gk state");
        Approx.Identical(rs, Enumerable.Range(0, b.N).Select(t => sr.Update(b.O[t], b.H[t], b.L[t], b.C[t])).ToArray(), "rs state");
        Approx.Identical(yz, Enumerable.Range(0, b.N).Select(t => sy.Update(b.O[t], b.H[t], b.L[t], b.C[t])).ToArray(), "yz state");
        if (!b.Holes)
        {
            Assert.Equal(Indicators.RangeVolatilityLookback(20), Approx.LeadingNaN(park));
            Assert.Equal(Indicators.RangeVolatilityLookback(20), Approx.LeadingNaN(gk));
            Assert.Equal(Indicators.RangeVolatilityLookback(20), Approx.LeadingNaN(rs));
            Assert.Equal(Indicators.YangZhangVolatilityLookback(20), Approx.LeadingNaN(yz));
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Trend_direction_equals_textbook_ema_and_wilder_atr_and_state(string input)
    {
        var b = Bars.Get(input);
        var got = new double[b.N];
        Indicators.TrendDirection(b.H, b.L, b.C, 20, 14, 0.1, got);
        var st = new TrendDirectionState(20, 14, 0.1);
        Approx.Identical(got, Enumerable.Range(0, b.N).Select(t => st.Update(b.H[t], b.L[t], b.C[t])).ToArray(), "trend state");
        var ema = Naive.Ema(b.C, 20);
        var atr = Naive.Atr(b.H, b.L, b.C, 14);
        int compared = 0;
        for (int t = 0; t < b.N; t++)
        {
            double d = b.C[t] - ema[t], band = 0.1 * atr[t];
            if (double.IsNaN(d) || double.IsNaN(band))
            {
                Assert.True(double.IsNaN(got[t]), $"trend[{t}] = {got[t]}, expected NaN");
                continue;
            }

            // The kernel's FMA recursions agree with the textbook ones to ~1e-15: skip only a knife-edge comparison.
            if (Math.Abs(Math.Abs(d) - band) <= 1e-9 * Math.Abs(b.C[t]))
            {
                continue;
            }

            bool noise = Math.Abs(d) <= Math.Abs(b.C[t]) / Math.Pow(2, 46);
            Assert.Equal(noise ? 0.0 : d > band ? 1.0 : d < -band ? -1.0 : 0.0, got[t]);
            compared++;
        }

        Assert.True(compared > (b.Holes ? b.N / 50 : b.N / 2), $"only {compared} bars compared");
        if (!b.Holes)
        {
            Assert.Equal(Indicators.TrendDirectionLookback(20, 14), Approx.LeadingNaN(got));
            Assert.Contains(1.0, got);
            Assert.Contains(-1.0, got);
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Market_structure_equals_rescanning_reference_and_state(string input)
    {
        var b = Bars.Get(input);
        var got = new double[b.N];
        Indicators.MarketStructure(b.H, b.L, 3, got);
        Approx.Identical(Naive.MarketStructure(b.H, b.L, 3), got, "market_structure");
        foreach (int k in (int[])[1, 2, 5])
        {
            var other = new double[b.N];
            Indicators.MarketStructure(b.H, b.L, k, other);
            Approx.Identical(Naive.MarketStructure(b.H, b.L, k), other, $"market_structure k={k}");
        }

        var st = new MarketStructureState(3);
        Approx.Identical(got, Enumerable.Range(0, b.N).Select(t => st.Update(b.H[t], b.L[t])).ToArray(), "market_structure state");
        if (!b.Holes)
        {
            Assert.Equal(Indicators.MarketStructureLookback(3), Approx.LeadingNaN(got));
            Assert.Contains(1.0, got);
            Assert.Contains(-1.0, got);
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void KBar_equals_qlib_expressions_and_state(string input)
    {
        var b = Bars.Get(input);
        var formulas = new Dictionary<KBarKind, Func<double, double, double, double, double>>
        {
            [KBarKind.Mid] = (o, h, l, c) => (c - o) / o,
            [KBarKind.Length] = (o, h, l, c) => (h - l) / o,
            [KBarKind.Mid2] = (o, h, l, c) => (c - o) / (h - l + 1e-12),
            [KBarKind.Up] = (o, h, l, c) => (h - Math.Max(o, c)) / o,
            [KBarKind.Up2] = (o, h, l, c) => (h - Math.Max(o, c)) / (h - l + 1e-12),
            [KBarKind.Low] = (o, h, l, c) => (Math.Min(o, c) - l) / o,
            [KBarKind.Low2] = (o, h, l, c) => (Math.Min(o, c) - l) / (h - l + 1e-12),
            [KBarKind.Shift] = (o, h, l, c) => (2 * c - h - l) / o,
            [KBarKind.Shift2] = (o, h, l, c) => (2 * c - h - l) / (h - l + 1e-12),
        };
        var got = new double[b.N];
        foreach (var (kind, f) in formulas)
        {
            Indicators.KBar(b.O, b.H, b.L, b.C, kind, got);
            var st = new KBarState(kind);
            var expected = Enumerable.Range(0, b.N).Select(t => f(b.O[t], b.H[t], b.L[t], b.C[t])).ToArray();
            Approx.Equal(expected, got, 1e-15, 0, kind.ToString());
            Approx.Identical(got, Enumerable.Range(0, b.N).Select(t => st.Update(b.O[t], b.H[t], b.L[t], b.C[t])).ToArray(), kind + " state");
            if (!b.Holes)
            {
                Assert.Equal(0, Approx.LeadingNaN(got));
            }
        }
    }

    // ---------- numerics ----------

    [Fact]
    public void Long_series_do_not_drift()
    {
        // 400,000 bars at a price level of 30,000 with tiny moves: compare sampled windows with exact two-pass values.
        const int n = 400_000;
        var frame = TestData.Synthetic(n, seed: 7, sigma: 0.0005);
        var c = frame.Close.ToArray();
        var r = Naive.LogReturns(c);
        var slope = new double[n];
        var r2 = new double[n];
        var skew = new double[n];
        var kurt = new double[n];
        var ac = new double[n];
        var er = new double[n];
        Indicators.LinearRegression(c, 20, slope, r2);
        Indicators.RollingShapeMoments(r, 20, skew, kurt);
        Indicators.RollingAutocorrelation(r, 20, ac);
        Indicators.EfficiencyRatio(c, 10, er);
        for (int t = 1000; t < n; t += 997)
        {
            var w = c.AsSpan(t - 19, 20).ToArray();
            var ols = Naive.Ols(w);
            Assert.Equal(ols.Slope, slope[t], Math.Max(1e-9 * Math.Abs(ols.Slope), 1e-12));
            Assert.Equal(ols.RSquare, r2[t], 1e-9);
            var rw = r.AsSpan(t - 19, 20).ToArray();
            Assert.Equal(Naive.Skewness(rw), skew[t], 1e-9);
            Assert.Equal(Naive.Kurtosis(rw), kurt[t], 1e-9);
            Assert.Equal(Naive.Lag1Correlation(r.AsSpan(t - 20, 21).ToArray()), ac[t], 1e-9);
            Assert.Equal(Naive.EfficiencyRatio(c.AsSpan(t - 10, 11).ToArray()), er[t], 1e-12);
        }
    }

    [Fact]
    public void Flat_windows_give_exact_zeros_or_nan_never_infinity()
    {
        // A volatile stretch followed by a long flat stretch: once the window is entirely flat, volatilities are exactly 0,
        // the slope exactly 0, and every 0/0 statistic NaN — regardless of the rounding history of the running sums.
        var frame = TestData.Synthetic(600, seed: 11);
        var o = frame.Open.ToArray();
        var h = frame.High.ToArray();
        var l = frame.Low.ToArray();
        var c = frame.Close.ToArray();
        for (int t = 300; t < 600; t++)
        {
            o[t] = h[t] = l[t] = c[t] = 31_234.5;
        }

        var r = Naive.LogReturns(c);
        var d = new double[600];
        void Check(string what, double expected)
        {
            for (int t = 330; t < 600; t++)
            {
                Assert.True(expected.Equals(d[t]), $"{what}[{t}] = {d[t]:R}, expected {expected}");
            }

            Assert.DoesNotContain(d, double.IsInfinity);
        }

        Indicators.ParkinsonVolatility(h, l, 20, d);
        Check("parkinson", 0);
        Indicators.GarmanKlassVolatility(o, h, l, c, 20, d);
        Check("gk", 0);
        Indicators.RogersSatchellVolatility(o, h, l, c, 20, d);
        Check("rs", 0);
        Indicators.YangZhangVolatility(o, h, l, c, 20, d);
        Check("yz", 0);
        Indicators.RollingStdDev(r, 20, 1, d);
        Check("realized", 0);
        Indicators.LinearRegression(c, 20, d, default);
        Check("slope", 0);
        Indicators.LinearRegression(c, 20, default, d);
        Check("r2", double.NaN);
        Indicators.RollingSkewness(r, 20, d);
        Check("skew", double.NaN);
        Indicators.RollingKurtosis(r, 20, d);
        Check("kurt", double.NaN);
        Indicators.RollingAutocorrelation(r, 20, d);
        Check("autocorr", double.NaN);
        Indicators.EfficiencyRatio(c, 10, d);
        Check("er", double.NaN);
        Indicators.RangePosition(h, l, c, 20, default, default, d);
        Check("rsv", double.NaN);
        Indicators.TrendDirection(h, l, c, 20, 14, 0.1, d);
        Assert.Equal(0.0, d[599]);
        // The EMA of a constant differs from it by a few ulp at most price levels (e.g. 14631.055 → 14631.054999999997)
        // while ATR = 0: the noise floor keeps a flat market at 0.
        foreach (double level in (double[])[14631.055, 11745.99, 0.08, 747.3527, 31_234.5])
        {
            var flat = Enumerable.Repeat(level, 60).ToArray();
            Indicators.TrendDirection(flat, flat, flat, 20, 14, 0.1, d.AsSpan(0, 60));
            Assert.All(d.AsSpan(19, 41).ToArray(), v => Assert.Equal(0.0, v));
        }
        Indicators.MarketStructure(h, l, 3, d);
        Assert.DoesNotContain(d, double.IsInfinity);
    }

    [Fact]
    public void Zero_and_negative_prices_give_nan_not_infinity()
    {
        double[] o = [100, 0, 100, 100, 100, 100], h = [101, 101, 0, 101, 101, 101], l = [99, 99, 99, -1, 99, 99], c = [100, 100, 100, 100, 0, 100];
        var d = new double[6];
        foreach (var kind in Enum.GetValues<KBarKind>())
        {
            Indicators.KBar(o, h, l, c, kind, d);
            Assert.DoesNotContain(d, double.IsInfinity);
        }

        Indicators.YangZhangVolatility(o, h, l, c, 2, d);
        Assert.DoesNotContain(d, double.IsInfinity);
        Indicators.ParkinsonVolatility(h, l, 1, d);
        Assert.Equal(Math.Sqrt(Math.Pow(Math.Log(101.0 / 99), 2) / (4 * Math.Log(2))), d[0], 1e-15);
        Approx.Identical([d[0], d[0], double.NaN, double.NaN, d[0], d[0]], d);
        Indicators.RangePosition(h, l, c, 1, d, default, default);
        Assert.True(double.IsNaN(d[4]));
    }

    [Fact]
    public void Guards_reject_bad_arguments()
    {
        var x = new double[10];
        var d = new double[10];
        Assert.Throws<ArgumentOutOfRangeException>("period", () => Indicators.RollingSkewness(x, 2, d));
        Assert.Throws<ArgumentOutOfRangeException>("period", () => Indicators.RollingKurtosis(x, 3, d));
        Assert.Throws<ArgumentOutOfRangeException>("period", () => Indicators.RollingAutocorrelation(x, 1, d));
        Assert.Throws<ArgumentOutOfRangeException>("period", () => Indicators.LinearRegression(x, 1, d, d));
        Assert.Throws<ArgumentOutOfRangeException>("period", () => Indicators.EfficiencyRatio(x, 0, d));
        Assert.Throws<ArgumentOutOfRangeException>("period", () => Indicators.YangZhangVolatility(x, x, x, x, 1, d));
        Assert.Throws<ArgumentOutOfRangeException>("pivotWidth", () => Indicators.MarketStructure(x, x, 0, d));
        Assert.Throws<ArgumentOutOfRangeException>("threshold", () => Indicators.TrendDirection(x, x, x, 20, 14, -1, d));
        Assert.Throws<ArgumentException>("low", () => Indicators.ParkinsonVolatility(x, new double[9], 5, d));
        Assert.Throws<ArgumentException>("destination", () => Indicators.RollingSkewness(x, 5, new double[9]));
        Assert.Throws<ArgumentOutOfRangeException>("kind", () => Indicators.KBar(x, x, x, x, (KBarKind)99, d));
    }

    /// <summary>OHLC(V) inputs for the theories: synthetic or the real sample, clean or with NaN holes in every column.</summary>
    internal sealed record Bars(double[] O, double[] H, double[] L, double[] C, double[] V, long[] Time, Timeframe Timeframe, bool Holes)
    {
        private static readonly Dictionary<string, Bars> Cache = [];

        public int N => C.Length;

        public static Bars Get(string name)
        {
            lock (Cache)
            {
                if (!Cache.TryGetValue(name, out var bars))
                {
                    var frame = name.StartsWith("btc", StringComparison.Ordinal) ? TestData.LoadBinanceSample() : TestData.Synthetic(3000);
                    bool holes = name.EndsWith("holes", StringComparison.Ordinal);
                    double[] Col(MarketColumn c, int seed) => holes ? Series.WithHoles(frame[c], seed: seed) : frame[c].ToArray();
                    bars = new Bars(Col(MarketColumn.Open, 3), Col(MarketColumn.High, 5), Col(MarketColumn.Low, 7), Col(MarketColumn.Close, 11),
                        Col(MarketColumn.Volume, 13), frame.Time.ToArray(), frame.Timeframe, holes);
                    Cache[name] = bars;
                }

                return bars;
            }
        }

        public MarketFrame ToFrame() => new MarketFrameBuilder(Timeframe).WithTime(Time).WithColumn(MarketColumn.Open, O).WithColumn(MarketColumn.High, H)
            .WithColumn(MarketColumn.Low, L).WithColumn(MarketColumn.Close, C).WithColumn(MarketColumn.Volume, V).Build();
    }

    /// <summary>Naive references, written independently of the kernels: direct formulas over each window.</summary>
    internal static class Naive
    {
        public static double[] LogReturns(double[] c)
        {
            var r = new double[c.Length];
            r[0] = double.NaN;
            for (int t = 1; t < c.Length; t++)
            {
                double q = c[t] / c[t - 1];
                r[t] = q > 0 && double.IsFinite(q) ? Math.Log(q) : double.NaN;
            }

            return r;
        }

        private static bool Constant(double[] w) => w.All(v => v == w[0]);

        /// <summary>pandas: √(n(n−1))/(n−2) · m3/m2^1.5 with population central moments; NaN on zero variance.</summary>
        public static double Skewness(double[] w)
        {
            int n = w.Length;
            double m = w.Average();
            double m2 = w.Sum(v => Math.Pow(v - m, 2)) / n, m3 = w.Sum(v => Math.Pow(v - m, 3)) / n;
            return Constant(w) || m2 == 0 ? double.NaN : Math.Sqrt(n * (n - 1.0)) / (n - 2) * m3 / Math.Pow(m2, 1.5);
        }

        /// <summary>pandas: ((n²−1) m4/m2² − 3(n−1)²) / ((n−2)(n−3)); NaN on zero variance.</summary>
        public static double Kurtosis(double[] w)
        {
            int n = w.Length;
            double m = w.Average();
            double m2 = w.Sum(v => Math.Pow(v - m, 2)) / n, m4 = w.Sum(v => Math.Pow(v - m, 4)) / n;
            return Constant(w) || m2 == 0 ? double.NaN : ((n * n - 1.0) * m4 / (m2 * m2) - 3.0 * (n - 1) * (n - 1)) / ((n - 2.0) * (n - 3.0));
        }

        /// <summary>Pearson correlation of (w[i], w[i−1]), i = 1..len−1, each sequence centred on its own mean.</summary>
        public static double Lag1Correlation(double[] w)
        {
            var a = w[1..];
            var b = w[..^1];
            if (Constant(a) || Constant(b))
            {
                return double.NaN;
            }

            double ma = a.Average(), mb = b.Average();
            double cov = 0, va = 0, vb = 0;
            for (int i = 0; i < a.Length; i++)
            {
                cov += (a[i] - ma) * (b[i] - mb);
                va += (a[i] - ma) * (a[i] - ma);
                vb += (b[i] - mb) * (b[i] - mb);
            }

            return cov / Math.Sqrt(va * vb);
        }

        public static (double Slope, double RSquare) Ols(double[] y)
        {
            int n = y.Length;
            double mx = (n - 1) / 2.0, my = y.Average();
            double sxy = 0, sxx = 0, syy = 0;
            for (int k = 0; k < n; k++)
            {
                sxy += (k - mx) * (y[k] - my);
                sxx += (k - mx) * (k - mx);
                syy += (y[k] - my) * (y[k] - my);
            }

            return Constant(y) ? (0, double.NaN) : (sxy / sxx, sxy * sxy / (sxx * syy));
        }

        /// <summary>|w[^1] − w[0]| / Σ|Δw| over a window of closes.</summary>
        public static double EfficiencyRatio(double[] w)
        {
            double path = 0;
            for (int i = 1; i < w.Length; i++)
            {
                path += Math.Abs(w[i] - w[i - 1]);
            }

            return path == 0 ? double.NaN : Math.Abs(w[^1] - w[0]) / path;
        }

        public static double RogersSatchellTerm(Bars b, int t) =>
            Math.Log(b.H[t] / b.C[t]) * Math.Log(b.H[t] / b.O[t]) + Math.Log(b.L[t] / b.C[t]) * Math.Log(b.L[t] / b.O[t]);

        /// <summary>√max(mean of the per-bar variance term over the window, 0), NaN if any term of the window is NaN.</summary>
        public static double[] RangeVolatility(Bars b, int n, Func<int, double> term)
        {
            var terms = Enumerable.Range(0, b.N).Select(term).ToArray();
            return CoreKernelTests.Naive(terms, n, w => Math.Sqrt(Math.Max(w.Average(), 0)));
        }

        public static double[] YangZhang(Bars b, int n)
        {
            var result = new double[b.N];
            double k = 0.34 / (1.34 + (n + 1.0) / (n - 1.0));
            for (int t = 0; t < b.N; t++)
            {
                result[t] = double.NaN;
                if (t < n)
                {
                    continue;
                }

                var on = new double[n];
                var oc = new double[n];
                var rs = new double[n];
                for (int i = 0; i < n; i++)
                {
                    int j = t - n + 1 + i;
                    on[i] = Math.Log(b.O[j] / b.C[j - 1]);
                    oc[i] = Math.Log(b.C[j] / b.O[j]);
                    rs[i] = RogersSatchellTerm(b, j);
                }

                if (on.Concat(oc).Concat(rs).Any(double.IsNaN))
                {
                    continue;
                }

                double v = CoreKernelTests.TwoPassVariance(on, 1) + k * CoreKernelTests.TwoPassVariance(oc, 1) + (1 - k) * rs.Average();
                result[t] = Math.Sqrt(Math.Max(v, 0));
            }

            return result;
        }

        /// <summary>Textbook TA-Lib EMA: SMA seed, ema += α(x − ema), restarted after a NaN.</summary>
        public static double[] Ema(double[] x, int p)
        {
            var e = new double[x.Length];
            double alpha = 2.0 / (p + 1), ema = double.NaN, seed = 0;
            int count = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (double.IsNaN(x[i]))
                {
                    (count, seed, e[i]) = (0, 0, double.NaN);
                    continue;
                }

                if (count < p)
                {
                    seed += x[i];
                    ema = ++count == p ? seed / p : double.NaN;
                }
                else
                {
                    ema += alpha * (x[i] - ema);
                }

                e[i] = ema;
            }

            return e;
        }

        /// <summary>Textbook TA-Lib ATR: mean of the first p true ranges, then Wilder's (atr·(p−1) + tr)/p, restarted after a NaN bar.</summary>
        public static double[] Atr(double[] h, double[] l, double[] c, int p)
        {
            var a = new double[c.Length];
            double atr = double.NaN, seed = 0, prevClose = double.NaN;
            int count = 0;
            for (int i = 0; i < c.Length; i++)
            {
                a[i] = double.NaN;
                if (double.IsNaN(h[i]) || double.IsNaN(l[i]) || double.IsNaN(c[i]))
                {
                    (count, seed, prevClose) = (0, 0, double.NaN);
                    continue;
                }

                if (!double.IsNaN(prevClose))
                {
                    double tr = Math.Max(h[i] - l[i], Math.Max(Math.Abs(h[i] - prevClose), Math.Abs(l[i] - prevClose)));
                    if (count < p)
                    {
                        seed += tr;
                        if (++count == p)
                        {
                            atr = seed / p;
                            a[i] = atr;
                        }
                    }
                    else
                    {
                        atr = (atr * (p - 1) + tr) / p;
                        a[i] = atr;
                    }
                }

                prevClose = c[i];
            }

            return a;
        }

        /// <summary>
        /// Rescans the whole history for every bar: the segment starts after the last NaN high/low; pivots j with
        /// j − k ≥ start and j + k ≤ t; the last two of each kind decide.
        /// </summary>
        public static double[] MarketStructure(double[] h, double[] l, int k)
        {
            var result = new double[h.Length];
            for (int t = 0; t < h.Length; t++)
            {
                int start = t;
                while (start >= 0 && !double.IsNaN(h[start]) && !double.IsNaN(l[start]))
                {
                    start--;
                }

                start++;
                if (t - start < 2 * k)
                {
                    result[t] = double.NaN;
                    continue;
                }

                var highs = new List<double>();
                var lows = new List<double>();
                for (int j = start + k; j <= t - k; j++)
                {
                    bool isHigh = true, isLow = true;
                    for (int i = j - k; i <= j + k; i++)
                    {
                        if (i != j)
                        {
                            isHigh &= h[i] < h[j];
                            isLow &= l[i] > l[j];
                        }
                    }

                    if (isHigh)
                    {
                        highs.Add(h[j]);
                    }

                    if (isLow)
                    {
                        lows.Add(l[j]);
                    }
                }

                if (highs.Count < 2 || lows.Count < 2)
                {
                    result[t] = 0;
                    continue;
                }

                bool up = highs[^1] > highs[^2] && lows[^1] > lows[^2];
                bool down = highs[^1] < highs[^2] && lows[^1] < lows[^2];
                result[t] = up ? 1 : down ? -1 : 0;
            }

            return result;
        }
    }
}
