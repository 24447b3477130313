using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// No drift: rolling mean, standard deviation and z-score over 1,000,000 bars at a price level near 30,000 with a tiny
/// variance stay within 1e-9 relative (or 1e-12 absolute) of an exact two-pass computation at every bar.
/// </summary>
public class AccuracyTests
{
    private const int N = 1_000_000;
    private const int Period = 20;

    /// <summary>30,000 + a slow wander of a few units + noise of 1e-3: deviations a hundred-millionth of the level.</summary>
    private static double[] Series()
    {
        var rnd = new Random(7);
        var x = new double[N];
        double wander = 0;
        for (int i = 0; i < N; i++)
        {
            wander += 1e-4 * TestData.Gauss(rnd);
            x[i] = 30_000 + wander + 1e-3 * TestData.Gauss(rnd);
        }

        return x;
    }

    [Fact]
    public void Rolling_mean_std_and_zscore_do_not_drift_over_a_million_bars()
    {
        var x = Series();
        var mean = new double[N];
        var sd = new double[N];
        var z = new double[N];
        var sma = new double[N];
        Indicators.RollingMoments(x, Period, 1, mean, sd);
        for (int i = 0; i < N; i++)
        {
            sd[i] = Math.Sqrt(sd[i]);
        }

        Indicators.RollingZScore(x, Period, z);
        Indicators.Sma(x, Period, sma);
        var sdKernel = new double[N];
        Indicators.RollingStdDev(x, Period, 1, sdKernel);

        for (int t = Period - 1; t < N; t++)
        {
            // Exact two-pass reference: deviations from the window's first value are exact (Sterbenz), so the mean and
            // the squared deviations carry no rounding from the price level.
            double k = x[t - Period + 1];
            double s = 0;
            for (int j = t - Period + 1; j <= t; j++)
            {
                s += x[j] - k;
            }

            double meanY = s / Period;
            double m2 = 0;
            for (int j = t - Period + 1; j <= t; j++)
            {
                double d = x[j] - k - meanY;
                m2 += d * d;
            }

            double refMean = k + meanY;
            double refSd = Math.Sqrt(m2 / (Period - 1));
            double refZ = (x[t] - k - meanY) / refSd;
            Within(refMean, mean[t], t, "mean");
            Within(refMean, sma[t], t, "sma");
            Within(refSd, sd[t], t, "std");
            Within(refSd, sdKernel[t], t, "std kernel");
            Within(refZ, z[t], t, "zscore");
        }
    }

    [Fact]
    public void Zscore_feature_matches_the_exact_reference_on_the_same_series()
    {
        var x = Series().AsSpan(0, 200_000).ToArray();
        var frame = MarketFrame.Create(Timeframe.OneMinute, Enumerable.Range(0, x.Length).Select(i => 60_000L * i).ToArray(), x, x, x, x, default);
        var z = new FeatureEngineer().Compute(frame, "zscore_20")["zscore_20"];
        var expected = new double[x.Length];
        Indicators.RollingZScore(x, Period, expected);
        Approx.Identical(expected, z, "zscore_20");
    }

    private static void Within(double expected, double actual, int t, string what)
    {
        double tol = Math.Max(1e-9 * Math.Abs(expected), 1e-12);
        if (!(Math.Abs(actual - expected) <= tol))
        {
            Assert.Fail($"{what}[{t}]: expected {expected:R}, got {actual:R} (|Δ| = {Math.Abs(actual - expected):E3}, tolerance {tol:E3})");
        }
    }
}
