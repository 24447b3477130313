using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>The core rolling primitives: naive references, and batch kernel = looped state, bit for bit.</summary>
public class CoreKernelTests
{
    private static readonly double[] Clean = TestData.Synthetic(5000).Close.ToArray();
    private static readonly double[] Holes = Series.WithHoles(Clean);

    public static TheoryData<string> Inputs => new() { "clean", "holes" };

    private static double[] Input(string name) => name == "clean" ? Clean : Holes;

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Sma_equals_naive_window_mean_and_its_state(string input)
    {
        var x = Input(input);
        foreach (int p in new[] { 1, 2, 20, 200 })
        {
            var got = new double[x.Length];
            Indicators.Sma(x, p, got);
            var naive = Naive(x, p, w => w.Average());
            Approx.Equal(naive, got, 1e-12, 1e-12, $"sma{p}");
            var st = new SmaState(p);
            Approx.Identical(got, x.Select(v => st.Update(v)).ToArray(), $"sma{p} state");
            if (input == "clean")
            {
                Assert.Equal(Indicators.SmaLookback(p), Approx.LeadingNaN(got));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void RollingMoments_equal_two_pass_and_state(string input)
    {
        var x = Input(input);
        foreach (int p in new[] { 2, 20, 50 })
        {
            foreach (int ddof in new[] { 0, 1 })
            {
                var mean = new double[x.Length];
                var variance = new double[x.Length];
                Indicators.RollingMoments(x, p, ddof, mean, variance);
                Approx.Equal(Naive(x, p, w => w.Average()), mean, 1e-12, 1e-12, "mean");
                // O(1) updates carry rounding relative to the series' typical variance, not to an unusually quiet window:
                // the tolerance is 1e-9 relative to that scale (the strict per-window 1e-9 test is the accuracy test).
                var expectedVariance = Naive(x, p, w => TwoPassVariance(w, ddof));
                double scale = expectedVariance.Where(v => !double.IsNaN(v)).Average();
                Approx.Equal(expectedVariance, variance, 1e-9, 1e-9 * scale, "variance");
                var st = new RollingMomentsState(p, ddof);
                var sm = new double[x.Length];
                var sv = new double[x.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    st.Update(x[i]);
                    sm[i] = st.Mean;
                    sv[i] = st.Variance;
                }

                Approx.Identical(mean, sm, "mean state");
                Approx.Identical(variance, sv, "variance state");
            }
        }
    }

    [Fact]
    public void Flat_window_has_exactly_zero_variance_and_nan_zscore()
    {
        var x = Enumerable.Range(0, 100).Select(i => i < 50 ? 30_000.0 + i * 0.37 : 31_000.1).ToArray();
        var z = new double[x.Length];
        Indicators.RollingZScore(x, 20, z);
        for (int i = 69; i < 100; i++)
        {
            Assert.True(double.IsNaN(z[i]), $"z[{i}] = {z[i]}");
        }

        var sd = new double[x.Length];
        Indicators.RollingStdDev(x, 20, 1, sd);
        Assert.Equal(0.0, sd[99]);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Ema_matches_hand_recursion_and_state(string input)
    {
        var x = Input(input);
        foreach (int p in new[] { 1, 12, 26 })
        {
            var got = new double[x.Length];
            Indicators.Ema(x, p, got);
            var st = new EmaState(p);
            Approx.Identical(got, x.Select(v => st.Update(v)).ToArray(), $"ema{p} state");
            // Hand reference: TA-Lib's textbook recursion, restarted after a NaN.
            var expected = new double[x.Length];
            double alpha = 2.0 / (p + 1), ema = double.NaN, seed = 0;
            int count = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (double.IsNaN(x[i]))
                {
                    count = 0;
                    seed = 0;
                    expected[i] = double.NaN;
                    continue;
                }

                if (count < p)
                {
                    seed += x[i];
                    count++;
                    ema = count == p ? seed / p : double.NaN;
                }
                else
                {
                    ema += alpha * (x[i] - ema);
                }

                expected[i] = ema;
            }

            Approx.Equal(expected, got, 1e-12, 1e-12, $"ema{p}");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Rolling_extremes_equal_naive_and_state(string input)
    {
        var x = Input(input);
        foreach (int p in new[] { 1, 3, 14, 20 })
        {
            var max = new double[x.Length];
            var min = new double[x.Length];
            Indicators.RollingMax(x, p, max);
            Indicators.RollingMin(x, p, min);
            Approx.Identical(Naive(x, p, w => w.Max()), max, $"max{p}");
            Approx.Identical(Naive(x, p, w => w.Min()), min, $"min{p}");
            var sMax = new RollingExtremumState(p, true);
            var sMin = new RollingExtremumState(p, false);
            Approx.Identical(max, x.Select(v => sMax.Update(v)).ToArray(), "max state");
            Approx.Identical(min, x.Select(v => sMin.Update(v)).ToArray(), "min state");
        }
    }

    [Fact]
    public void Change_and_log_change_by_hand()
    {
        double[] x = [100, 110, 99, 0, 50, double.NaN, 60];
        var d = new double[x.Length];
        Indicators.Change(x, 1, d);
        Approx.Equal([double.NaN, 0.1, 99.0 / 110 - 1, -1, double.NaN, double.NaN, double.NaN], d);
        Indicators.LogChange(x, 2, d);
        Approx.Equal([double.NaN, double.NaN, Math.Log(0.99), double.NaN, Math.Log(50.0 / 99), double.NaN, Math.Log(60.0 / 50)], d);
    }

    /// <summary>Reference: f over each full window, NaN if the window is partial or holds a NaN.</summary>
    internal static double[] Naive(double[] x, int p, Func<double[], double> f)
    {
        var r = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            if (i < p - 1)
            {
                r[i] = double.NaN;
                continue;
            }

            var w = x.AsSpan(i - p + 1, p).ToArray();
            r[i] = w.Any(double.IsNaN) ? double.NaN : f(w);
        }

        return r;
    }

    internal static double TwoPassVariance(double[] w, int ddof)
    {
        double m = w.Average();
        return w.Sum(v => (v - m) * (v - m)) / (w.Length - ddof);
    }
}
