using QuantFeatures.Data;
using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>The quality features on resampled frames (coverage, derived columns) and the shared price rule.</summary>
public class QualityFeatureRulesTests
{
    public static TheoryData<string> Inputs => new() { "synthetic", "synthetic-holes", "btc-holes" };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Quality_score_with_coverage_equals_the_naive_formula_and_the_state(string input)
    {
        var b = PriceStatsKernelTests.Bars.Get(input);
        int n = b.N;
        var time = b.Time.ToArray();
        var coverage = Enumerable.Range(0, n).Select(i => i % 17 == 3 ? 0.75 : i % 29 == 4 ? double.NaN : i % 31 == 5 ? 1.5 : 1.0).ToArray();
        ReadOnlyMemory<double>[] columns = [b.O, b.H, b.L, b.C, b.V];
        var completeness = new double[n];
        var gap = new double[n];
        var anomaly = new double[n];
        var score = new double[n];
        Indicators.DataCompleteness(columns, completeness);
        Indicators.GapDetected(time, b.Timeframe.Milliseconds, gap);
        Indicators.VolumeAnomaly(b.V, 20, 5, anomaly);
        Indicators.QualityScore(b.O, b.H, b.L, b.C, completeness, gap, anomaly, coverage, score);
        var state = new QualityScoreState(b.Timeframe.Milliseconds, 5, 20, 5);
        for (int t = 0; t < n; t++)
        {
            double o = b.O[t], h = b.H[t], l = b.L[t], c = b.C[t];
            bool invalid = o <= 0 || h <= 0 || l <= 0 || c <= 0 || h < l || h < Math.Max(o, c) || l > Math.Min(o, c);
            double a = double.IsNaN(anomaly[t]) ? 0 : anomaly[t];
            double cov = double.IsNaN(coverage[t]) ? 0 : Math.Min(coverage[t], 1);
            Assert.Equal(invalid ? 0 : completeness[t] * (1 - (0.5 * gap[t])) * (1 - (0.5 * a)) * cov, score[t]);
            Assert.Equal(score[t], state.Update(time[t], o, h, l, c, b.V[t], coverage[t], [o, h, l, c, b.V[t]]));
            Assert.InRange(score[t], 0, 1);
        }
    }

    [Fact]
    public void High_below_low_is_an_invalid_bar_even_when_open_or_close_is_missing()
    {
        var score = new double[1];
        Indicators.QualityScore([double.NaN], [9.0], [10.0], [9.5], [0.75], [0.0], [0.0], score);
        Assert.Equal(0.0, score[0]);
        Indicators.QualityScore([double.NaN], [10.0], [9.0], [9.5], [0.75], [0.0], [0.0], score);
        Assert.Equal(0.75, score[0]);
        Assert.Throws<ArgumentException>("coverage", () => Indicators.QualityScore([1.0], [1.0], [1.0], [1.0], [1.0], [0.0], default, new double[2], score));
    }

    [Fact]
    public void On_a_resampled_frame_completeness_ignores_the_sub_bar_statistics_and_quality_includes_the_coverage()
    {
        var minutes = TestData.LoadBinanceMinutes("ETHUSDT").Slice(25, 3000);
        var close = minutes.Close.ToArray();
        close[700] = double.NaN; // the 1m close: the hour's close stays, its realized vol (and the next hour's) becomes NaN
        var hourly = Resampler.Resample(minutes.With(MarketColumn.Close, close), Timeframe.OneHour, new ResampleOptions { IncompleteBars = IncompleteBarPolicy.KeepAll });
        var rv = hourly[MarketColumn.IntrabarRealizedVol].ToArray();
        Assert.True(rv.Count(double.IsNaN) >= 1);
        var m = new FeatureEngineer().Compute(hourly, "data_completeness", "quality_score", "gap_detected", "volume_anomaly");
        // OHLCV only: the intrabar_* columns are not counted.
        var expected = Enumerable.Range(0, hourly.Length).Select(i =>
            new[] { hourly.Open[i], hourly.High[i], hourly.Low[i], hourly.Close[i], hourly.Volume[i] }.Count(x => !double.IsNaN(x)) / 5.0).ToArray();
        Approx.Identical(expected, m["data_completeness"], "data_completeness");
        var coverage = hourly[MarketColumn.IntrabarCoverage];
        Assert.True(coverage[0] < 1 && coverage[^1] < 1);
        var score = new double[hourly.Length];
        Indicators.QualityScore(hourly.Open, hourly.High, hourly.Low, hourly.Close, m["data_completeness"], m["gap_detected"], m["volume_anomaly"], coverage, score);
        Approx.Identical(score, m["quality_score"], "quality_score");
        Assert.Equal(m["data_completeness"][0] * coverage[0] * (1 - (0.5 * m["volume_anomaly"][0])), m["quality_score"][0]);
    }
}
