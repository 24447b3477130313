using QuantFeatures.Data;
using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>The microstructure family: catalogue entries, kernels, and values against a reference computed from the 1m bars directly.</summary>
public class MicrostructureTests
{
    private static readonly string[] Names = ["vwap_deviation", "realized_vol_intrabar", "volume_cv_intrabar", "price_efficiency", "volatility_regime_168h"];

    [Fact]
    public void Entries_are_the_contract_names_in_order_with_their_lookbacks()
    {
        var catalog = FeatureCatalog.Default;
        Assert.Equal(Names, catalog.InFamily(FeatureFamily.Microstructure).Select(f => f.Name));
        Assert.Equal([0, 0, 0, 14, 167], Names.Select(n => catalog.Get(n).Lookback(Timeframe.OneHour)));
        Assert.Equal(41, catalog.Get("volatility_regime_168h").Lookback(Timeframe.Parse("4h")));
        Assert.Equal(0, catalog.Get("volatility_regime_168h").Lookback(Timeframe.Parse("1w")));
        Assert.NotNull(catalog.Get("volatility_regime_168h").UnavailableReason(Timeframe.Parse("5h")));
        Assert.Equal("microstructure", FeatureFamily.Microstructure.Id());
        Assert.Equal(FeatureFamily.Microstructure, FeatureFamilies.Parse("Microstructure"));
        Assert.All(Names, n => Assert.Contains(catalog.Get(n).Inputs, c => c.IsIntrabar()));
    }

    [Fact]
    public void The_features_are_left_out_without_the_resampler_columns_and_asking_names_the_missing_column()
    {
        var frame = TestData.Synthetic(400);
        var all = new FeatureEngineer().ComputeAll(frame);
        Assert.DoesNotContain(all.Names, Names.Contains);
        var e = Assert.Throws<ArgumentException>(() => new FeatureEngineer().Compute(frame, "vwap_deviation"));
        Assert.Contains("intrabar_vwap", e.Message);
    }

    public static TheoryData<string> Symbols => new() { "BTCUSDT", "ETHUSDT", "LAYERUSDT", "XMRUSDT" };

    [Theory]
    [MemberData(nameof(Symbols))]
    public void One_minute_files_resample_to_1h_with_features_equal_to_a_reference_from_the_1m_bars(string symbol)
    {
        var minutes = TestData.LoadBinanceMinutes(symbol);
        var hourly = Resampler.Resample(minutes, Timeframe.OneHour);
        var m = new FeatureEngineer().ComputeAll(hourly);
        Assert.All(Names, n => Assert.Contains(n, m.Names));

        // Reference straight from the 1m bars: group by UTC hour, keep the complete hours (the data has no gaps, so these
        // are the hours between the first and last complete one).
        var bars = NaiveResampler.Resample(minutes, Timeframe.OneHour).Where(b => b.SubBars == 60).ToArray();
        Assert.Equal(bars.Select(b => b.Time), hourly.Time.ToArray());
        int n = bars.Length;
        var close = bars.Select(b => b.Close).ToArray();
        var rv = bars.Select(b => b.RealizedVol).ToArray();
        var atr = NaiveAtr14(bars);
        var vwapDeviation = bars.Select(b => (b.Close - b.Vwap) / b.Vwap).ToArray();
        var efficiency = Enumerable.Range(0, n).Select(i => rv[i] / (atr[i] / close[i])).ToArray();
        var regime = Enumerable.Range(0, n).Select(i => i < 167 ? double.NaN : rv[i] / rv.Skip(i - 167).Take(168).Average()).ToArray();
        Approx.Equal(vwapDeviation, m["vwap_deviation"], 1e-9, 1e-15, "vwap_deviation");
        Approx.Equal(rv, m["realized_vol_intrabar"], 1e-9, 1e-15, "realized_vol_intrabar");
        Approx.Equal(bars.Select(b => b.VolumeCv).ToArray(), m["volume_cv_intrabar"], 1e-9, 1e-12, "volume_cv_intrabar");
        Approx.Equal(efficiency, m["price_efficiency"], 1e-9, 1e-12, "price_efficiency");
        Approx.Equal(regime, m["volatility_regime_168h"], 1e-9, 1e-12, "volatility_regime_168h");
        Assert.True(n > 500);
        Assert.All(Names, name => Assert.True(double.IsFinite(m[name][^1]), name));
    }

    /// <summary>TA-Lib ATR(14) written out: TR_t = max(H−L, |H−C_(t−1)|, |L−C_(t−1)|) from bar 1; the first value at bar 14 is the
    /// mean of TR_1..TR_14, then ATR_t = (13·ATR_(t−1) + TR_t) / 14.</summary>
    private static double[] NaiveAtr14(NaiveBar[] b)
    {
        var atr = new double[b.Length];
        Array.Fill(atr, double.NaN);
        double TrueRange(int t) => Math.Max(b[t].High - b[t].Low, Math.Max(Math.Abs(b[t].High - b[t - 1].Close), Math.Abs(b[t].Low - b[t - 1].Close)));
        atr[14] = Enumerable.Range(1, 14).Sum(TrueRange) / 14;
        for (int t = 15; t < b.Length; t++)
        {
            atr[t] = ((atr[t - 1] * 13) + TrueRange(t)) / 14;
        }

        return atr;
    }

    [Fact]
    public void Realized_vol_and_volume_cv_are_the_resampler_columns_bit_for_bit()
    {
        var hourly = Resampler.Resample(TestData.LoadBinanceMinutes("SOLUSDT"), Timeframe.OneHour);
        var m = new FeatureEngineer().Compute(hourly, "realized_vol_intrabar", "volume_cv_intrabar");
        Approx.Identical(hourly[MarketColumn.IntrabarRealizedVol], m["realized_vol_intrabar"], "realized_vol_intrabar");
        Approx.Identical(hourly[MarketColumn.IntrabarVolumeCv], m["volume_cv_intrabar"], "volume_cv_intrabar");
    }

    public static TheoryData<string> Inputs => new() { "clean", "holes" };

    private static (double[] Close, double[] Vwap, double[] Rv, double[] Atr) KernelInputs(string input)
    {
        var f = TestData.Synthetic(600, seed: 9);
        var close = f.Close.ToArray();
        var rnd = new Random(4);
        var vwap = close.Select(c => c * (1 + (0.001 * (rnd.NextDouble() - 0.5)))).ToArray();
        var rv = close.Select(_ => 0.01 * rnd.NextDouble()).ToArray();
        var atr = new double[close.Length];
        Indicators.Atr(f.High, f.Low, f.Close, 14, atr);
        vwap[50] = close[50]; // deviation exactly 0
        vwap[60] = 0;         // division by zero → NaN
        atr[70] = 0;
        return input == "clean" ? (close, vwap, rv, atr) : (Series.WithHoles(close, 37), Series.WithHoles(vwap, 41, 5), Series.WithHoles(rv, 43, 1), atr);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Kernels_equal_their_steps_bit_for_bit(string input)
    {
        var (close, vwap, rv, atr) = KernelInputs(input);
        int n = close.Length;
        var dev = new double[n];
        var eff = new double[n];
        Indicators.VwapDeviation(close, vwap, dev);
        Indicators.PriceEfficiency(rv, atr, close, eff);
        Approx.Identical(Enumerable.Range(0, n).Select(i => Intrabar.VwapDeviation(close[i], vwap[i])).ToArray(), dev, "vwap deviation");
        Approx.Identical(Enumerable.Range(0, n).Select(i => Intrabar.PriceEfficiency(rv[i], atr[i], close[i])).ToArray(), eff, "price efficiency");
        Assert.DoesNotContain(dev, double.IsInfinity);
        Assert.DoesNotContain(eff, double.IsInfinity);
        Assert.True(double.IsNaN(dev[60]));
        Assert.True(double.IsNaN(eff[70]));
        if (input == "clean")
        {
            Assert.Equal(0.0, dev[50]);
            Assert.Equal((close[10] - vwap[10]) / vwap[10], dev[10]);
            Assert.Equal(rv[30] / (atr[30] / close[30]), eff[30]);
            Assert.Equal(14, Approx.LeadingNaN(eff));
        }
        else
        {
            // A NaN input makes only its own bar NaN.
            Assert.True(double.IsNaN(dev[0]) == (double.IsNaN(close[0]) || double.IsNaN(vwap[0])));
            for (int i = 0; i < n; i++)
            {
                bool nanIn = double.IsNaN(close[i]) || double.IsNaN(vwap[i]) || vwap[i] == 0;
                Assert.Equal(nanIn, double.IsNaN(dev[i]));
            }
        }
    }

    [Fact]
    public void Kernels_validate_their_arguments()
    {
        var a = new double[5];
        var b = new double[4];
        Assert.Throws<ArgumentException>(() => Indicators.VwapDeviation(a, b, new double[5]));
        Assert.Throws<ArgumentException>(() => Indicators.VwapDeviation(a, a, new double[4]));
        Assert.Throws<ArgumentException>(() => Indicators.PriceEfficiency(a, b, a, new double[5]));
        Assert.Throws<ArgumentException>(() => Indicators.PriceEfficiency(a, a, b, new double[5]));
    }

    [Fact]
    public void Volatility_regime_is_nan_while_its_window_holds_a_nan_and_recovers()
    {
        var hourly = Resampler.Resample(TestData.LoadBinanceMinutes("BTCUSDT"), Timeframe.OneHour);
        var rv = hourly[MarketColumn.IntrabarRealizedVol].ToArray();
        rv[300] = double.NaN;
        var m = new FeatureEngineer().Compute(hourly.With(MarketColumn.IntrabarRealizedVol, rv), "volatility_regime_168h", "realized_vol_intrabar", "price_efficiency");
        var regime = m["volatility_regime_168h"];
        Assert.True(double.IsNaN(regime[299 + 168]));
        Assert.True(double.IsNaN(regime[300]));
        Assert.False(double.IsNaN(regime[299]));
        Assert.False(double.IsNaN(regime[300 + 168]));
        Assert.True(double.IsNaN(m["price_efficiency"][300]));
        Assert.False(double.IsNaN(m["price_efficiency"][301]));
    }
}
