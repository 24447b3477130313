using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>The price-statistics catalogue entries through <see cref="FeatureEngineer"/>: equal to their kernels, leading
/// NaN = lookback, no look-ahead, shared intermediates do not change values, no ±∞ on degenerate data.</summary>
public class PriceStatsCatalogTests
{
    internal static readonly string[] Names =
    [
        "realized_vol_20", "volatility_20", "volatility_50", "zscore_20", "dist_high_20", "dist_low_20", "rsv_20", "linreg_slope_20",
        "rsquare_20", "efficiency_ratio_10", "autocorr_20", "skew_20", "kurt_20", "parkinson_vol_20", "garman_klass_vol_20",
        "rogers_satchell_vol_20", "yang_zhang_vol_20", "trend_direction", "market_structure", "kmid", "klen", "kmid2", "kup", "kup2",
        "klow", "klow2", "ksft", "ksft2",
    ];

    public static TheoryData<string> Frames => new() { "synthetic", "btc", "synthetic-holes", "btc-holes" };

    private static MarketFrame Frame(string name) => PriceStatsKernelTests.Bars.Get(name).ToFrame();

    [Fact]
    public void Every_entry_is_registered_in_the_price_family_with_docs()
    {
        foreach (var name in Names)
        {
            var def = FeatureCatalog.Default.Get(name);
            Assert.Equal(FeatureFamily.Price, def.Family);
            Assert.False(string.IsNullOrWhiteSpace(def.Description), name);
            Assert.False(string.IsNullOrWhiteSpace(def.Formula), name);
            Assert.False(string.IsNullOrWhiteSpace(def.NanRule), name);
        }
    }

    [Theory]
    [InlineData("synthetic")]
    [InlineData("btc")]
    public void Leading_nan_count_equals_the_catalogue_lookback(string input)
    {
        var frame = Frame(input);
        var m = new FeatureEngineer().Compute(frame, Names);
        var expected = new Dictionary<string, int>
        {
            ["realized_vol_20"] = 20, ["volatility_20"] = 20, ["volatility_50"] = 50, ["zscore_20"] = 19, ["dist_high_20"] = 19,
            ["dist_low_20"] = 19, ["rsv_20"] = 19, ["linreg_slope_20"] = 19, ["rsquare_20"] = 19, ["efficiency_ratio_10"] = 10,
            ["autocorr_20"] = 21, ["skew_20"] = 20, ["kurt_20"] = 20, ["parkinson_vol_20"] = 19, ["garman_klass_vol_20"] = 19,
            ["rogers_satchell_vol_20"] = 19, ["yang_zhang_vol_20"] = 20, ["trend_direction"] = 19, ["market_structure"] = 6,
        };
        foreach (var name in Names)
        {
            int lookback = FeatureCatalog.Default.Get(name).Lookback(frame.Timeframe);
            Assert.Equal(expected.GetValueOrDefault(name, 0), lookback);
            Assert.True(lookback == Approx.LeadingNaN(m[name]), $"{name}: {Approx.LeadingNaN(m[name])} leading NaN, lookback {lookback}");
            Assert.DoesNotContain(m[name][lookback..].ToArray(), double.IsNaN);
        }
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Engine_output_equals_the_kernels_bit_for_bit(string input)
    {
        var frame = Frame(input);
        var m = new FeatureEngineer().Compute(frame, Names);
        var o = frame.Open.ToArray();
        var h = frame.High.ToArray();
        var l = frame.Low.ToArray();
        var c = frame.Close.ToArray();
        int n = frame.Length;
        var r = new double[n];
        Indicators.LogChange(c, 1, r);
        double[] K(Action<double[]> compute)
        {
            var d = new double[n];
            compute(d);
            return d;
        }

        var sd20 = K(d => Indicators.RollingStdDev(r, 20, 1, d));
        var sd50 = K(d => Indicators.RollingStdDev(r, 50, 1, d));
        double sqrtP = Math.Sqrt(365 * 24);
        var slope = K(d => Indicators.LinearRegression(c, 20, d, default));
        var expected = new Dictionary<string, double[]>
        {
            ["realized_vol_20"] = sd20,
            ["volatility_20"] = sd20.Select(v => v * sqrtP).ToArray(),
            ["volatility_50"] = sd50.Select(v => v * sqrtP).ToArray(),
            ["zscore_20"] = K(d => Indicators.RollingZScore(c, 20, d)),
            ["dist_high_20"] = K(d => Indicators.RangePosition(h, l, c, 20, d, default, default)),
            ["dist_low_20"] = K(d => Indicators.RangePosition(h, l, c, 20, default, d, default)),
            ["rsv_20"] = K(d => Indicators.RangePosition(h, l, c, 20, default, default, d)),
            ["linreg_slope_20"] = slope.Select((s, t) => Ratio.Divide(s, c[t])).ToArray(),
            ["rsquare_20"] = K(d => Indicators.LinearRegression(c, 20, default, d)),
            ["efficiency_ratio_10"] = K(d => Indicators.EfficiencyRatio(c, 10, d)),
            ["autocorr_20"] = K(d => Indicators.RollingAutocorrelation(r, 20, d)),
            ["skew_20"] = K(d => Indicators.RollingSkewness(r, 20, d)),
            ["kurt_20"] = K(d => Indicators.RollingKurtosis(r, 20, d)),
            ["parkinson_vol_20"] = K(d => Indicators.ParkinsonVolatility(h, l, 20, d)),
            ["garman_klass_vol_20"] = K(d => Indicators.GarmanKlassVolatility(o, h, l, c, 20, d)),
            ["rogers_satchell_vol_20"] = K(d => Indicators.RogersSatchellVolatility(o, h, l, c, 20, d)),
            ["yang_zhang_vol_20"] = K(d => Indicators.YangZhangVolatility(o, h, l, c, 20, d)),
            ["trend_direction"] = K(d => Indicators.TrendDirection(h, l, c, 20, 14, 0.1, d)),
            ["market_structure"] = K(d => Indicators.MarketStructure(h, l, 3, d)),
        };
        string[] kbar = ["kmid", "klen", "kmid2", "kup", "kup2", "klow", "klow2", "ksft", "ksft2"];
        for (int i = 0; i < kbar.Length; i++)
        {
            var kind = (KBarKind)i;
            expected[kbar[i]] = K(d => Indicators.KBar(o, h, l, c, kind, d));
        }

        Assert.Equal(Names.Length, expected.Count);
        foreach (var (name, values) in expected)
        {
            Approx.Identical(values, m[name], name);
            // Alone (no shared intermediate computed by another feature first) gives the same values.
            Approx.Identical(values, new FeatureEngineer().Compute(frame, name)[name], name + " alone");
        }
    }

    [Theory]
    [InlineData("synthetic")]
    [InlineData("btc-holes")]
    public void No_look_ahead_prefix_values_equal_full_values(string input)
    {
        var frame = Frame(input);
        var full = new FeatureEngineer().Compute(frame, Names);
        foreach (int k in (int[])[1, 7, 21, 22, 160, 161, 500, frame.Length - 1])
        {
            var prefix = new FeatureEngineer().Compute(frame.Slice(0, k), Names);
            foreach (var name in Names)
            {
                Approx.Identical(full[name][..k], prefix[name], $"{name} prefix {k}");
            }
        }
    }

    [Fact]
    public void Volatility_uses_the_configured_periods_per_year()
    {
        var frame = Frame("synthetic");
        var crypto = new FeatureEngineer().Compute(frame, "volatility_20", "realized_vol_20");
        var equities = new FeatureEngineer(options: new FeatureEngineerOptions { PeriodsPerYear = 252 }).Compute(frame, "volatility_20");
        var rv = crypto["realized_vol_20"];
        for (int t = 20; t < frame.Length; t++)
        {
            Assert.Equal(rv[t] * Math.Sqrt(8760), crypto["volatility_20"][t]);
            Assert.Equal(rv[t] * Math.Sqrt(252), equities["volatility_20"][t]);
        }

        var daily = TestData.Synthetic(100, timeframe: Timeframe.OneDay);
        var d = new FeatureEngineer().Compute(daily, "volatility_20", "realized_vol_20");
        Assert.Equal(d["realized_vol_20"][50] * Math.Sqrt(365), d["volatility_20"][50]);
    }

    [Fact]
    public void Flat_prices_and_zero_volume_give_no_infinity_and_the_documented_values()
    {
        const int n = 120;
        var time = Enumerable.Range(0, n).Select(i => 1_735_689_600_000L + i * TestData.HourMs).ToArray();
        var p = Enumerable.Repeat(14631.055, n).ToArray(); // a level whose EMA is off by an ulp
        var frame = MarketFrame.Create(Timeframe.OneHour, time, p, p, p, p, new double[n]);
        var m = new FeatureEngineer().Compute(frame, Names);
        foreach (var name in Names)
        {
            Assert.DoesNotContain(m[name].ToArray(), double.IsInfinity);
        }

        int last = n - 1;
        foreach (var zero in (string[])["realized_vol_20", "volatility_20", "volatility_50", "dist_high_20", "dist_low_20", "linreg_slope_20",
                     "parkinson_vol_20", "garman_klass_vol_20", "rogers_satchell_vol_20", "yang_zhang_vol_20", "trend_direction", "market_structure",
                     "kmid", "klen", "kmid2", "kup", "kup2", "klow", "klow2", "ksft", "ksft2"])
        {
            Assert.True(m[zero][last] == 0, $"{zero} = {m[zero][last]}");
        }

        foreach (var undefined in (string[])["zscore_20", "rsv_20", "rsquare_20", "efficiency_ratio_10", "autocorr_20", "skew_20", "kurt_20"])
        {
            Assert.True(double.IsNaN(m[undefined][last]), $"{undefined} = {m[undefined][last]}");
        }
    }
}
