using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>The time and quality catalogue entries through <see cref="FeatureEngineer"/>.</summary>
public class TimeQualityCatalogTests
{
    private static readonly string[] Names =
        ["hour_sin", "hour_cos", "dow_sin", "dow_cos", "gap_detected", "volume_anomaly", "data_completeness", "quality_score"];

    public static TheoryData<string> Frames => new() { "synthetic", "btc", "synthetic-holes", "btc-holes" };

    [Fact]
    public void Every_entry_is_registered_in_the_time_quality_family_with_lookback_zero()
    {
        foreach (var name in Names)
        {
            var def = FeatureCatalog.Default.Get(name);
            Assert.Equal(FeatureFamily.TimeQuality, def.Family);
            Assert.Equal(0, def.Lookback(Timeframe.OneHour));
            Assert.False(string.IsNullOrWhiteSpace(def.Description + def.Formula + def.NanRule));
        }
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Engine_output_equals_the_kernels_bit_for_bit(string input)
    {
        var b = PriceStatsKernelTests.Bars.Get(input);
        var frame = b.ToFrame();
        var m = new FeatureEngineer().Compute(frame, Names);
        int n = frame.Length;
        long tf = frame.Timeframe.Milliseconds;
        double[] K(Action<double[]> compute)
        {
            var d = new double[n];
            compute(d);
            return d;
        }

        var completeness = K(d => Indicators.DataCompleteness([b.O, b.H, b.L, b.C, b.V], d));
        var gap = K(d => Indicators.GapDetected(b.Time, tf, d));
        var anomaly = K(d => Indicators.VolumeAnomaly(b.V, 20, 5, d));
        var expected = new Dictionary<string, double[]>
        {
            ["hour_sin"] = K(d => Indicators.HourOfDayEncoding(b.Time, tf, d, default)),
            ["hour_cos"] = K(d => Indicators.HourOfDayEncoding(b.Time, tf, default, d)),
            ["dow_sin"] = K(d => Indicators.DayOfWeekEncoding(b.Time, tf, d, default)),
            ["dow_cos"] = K(d => Indicators.DayOfWeekEncoding(b.Time, tf, default, d)),
            ["gap_detected"] = gap,
            ["volume_anomaly"] = anomaly,
            ["data_completeness"] = completeness,
            ["quality_score"] = K(d => Indicators.QualityScore(b.O, b.H, b.L, b.C, completeness, gap, anomaly, d)),
        };
        foreach (var (name, values) in expected)
        {
            Approx.Identical(values, m[name], name);
            Approx.Identical(values, new FeatureEngineer().Compute(frame, name)[name], name + " alone");
            Assert.DoesNotContain(m[name].ToArray(), double.IsInfinity);
            if (name != "volume_anomaly")
            {
                Assert.DoesNotContain(m[name].ToArray(), double.IsNaN);
            }
        }
    }

    [Fact]
    public void Completeness_counts_every_present_column_and_quality_works_without_volume()
    {
        var frame = TestData.Synthetic(200); // OHLCV + quote volume + trades + taker buy volume: 8 columns
        var trades = frame[MarketColumn.Trades].ToArray();
        trades[10] = double.NaN;
        frame = frame.With(MarketColumn.Trades, trades);
        var m = new FeatureEngineer().Compute(frame, "data_completeness", "quality_score");
        Assert.Equal(7.0 / 8, m["data_completeness"][10]);
        Assert.Equal(1.0, m["data_completeness"][11]);
        Assert.Equal(7.0 / 8, m["quality_score"][10]);

        var noVolume = new MarketFrameBuilder(Timeframe.OneHour).WithTime(frame.Time).WithColumn(MarketColumn.Open, frame.Open)
            .WithColumn(MarketColumn.High, frame.High).WithColumn(MarketColumn.Low, frame.Low).WithColumn(MarketColumn.Close, frame.Close).Build();
        var q = new FeatureEngineer().Compute(noVolume, "quality_score", "gap_detected", "hour_sin")["quality_score"];
        Assert.All(q.ToArray(), v => Assert.Equal(1.0, v));
        var ex = Assert.Throws<ArgumentException>(() => new FeatureEngineer().Compute(noVolume, "volume_anomaly"));
        Assert.Contains("volume", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_look_ahead_and_zero_volume_is_flagged()
    {
        var b = PriceStatsKernelTests.Bars.Get("btc-holes");
        var v = b.V.ToArray();
        Array.Fill(v, 0.0, 300, 30);
        var frame = b.ToFrame().With(MarketColumn.Volume, v);
        var full = new FeatureEngineer().Compute(frame, Names);
        foreach (int k in (int[])[1, 2, 19, 20, 300, 333])
        {
            var prefix = new FeatureEngineer().Compute(frame.Slice(0, k), Names);
            foreach (var name in Names)
            {
                Approx.Identical(full[name][..k], prefix[name], $"{name} prefix {k}");
            }
        }

        for (int t = 300; t < 330; t++)
        {
            Assert.Equal(1.0, full["volume_anomaly"][t]);
            Assert.True(full["quality_score"][t] <= 0.5 * full["data_completeness"][t]);
        }
    }
}
