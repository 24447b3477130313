using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>The volume-family catalogue entries through <see cref="FeatureEngineer"/>: contract names and metadata,
/// lookbacks, definitions of the derived features, shared intermediates, no look-ahead, inputs and horizons.</summary>
public class VolumeFeatureTests
{
    private static readonly string[] ContractNames =
    [
        "volume_change", "volume_sma_20", "volume_ratio_20", "volume_roc_10", "volume_zscore_20", "volume_spike_score",
        "turnover_ratio_24h", "obv", "obv_sma_20", "ad", "adosc", "cmf_20", "mfi_14", "force_index_13", "vwap_20", "price_vs_vwap",
        "vwap_session", "price_vs_vwap_session", "price_volume_corr_20", "amihud_20", "roll_spread_20", "corwin_schultz_20",
        "taker_buy_ratio", "buy_sell_ratio", "cvd", "cvd_20", "vpin_50", "avg_trade_size",
    ];

    private static readonly MarketFrame Synthetic = TestData.Synthetic(5000);
    private static readonly MarketFrame Btc = TestData.LoadBinanceSample();

    public static TheoryData<string> Frames => new() { "synthetic", "synthetic-holes", "btc", "btc-holes" };

    private static MarketFrame Frame(string name) => name switch
    {
        "synthetic" => Synthetic,
        "btc" => Btc,
        "synthetic-holes" => Holed(Synthetic),
        "btc-holes" => Holed(Btc),
        _ => throw new ArgumentException(name),
    };

    private static MarketFrame Holed(MarketFrame f)
    {
        var g = f;
        int k = 0;
        foreach (var column in f.Columns)
        {
            if (column != MarketColumn.Open)
            {
                g = g.With(column, Series.WithHoles(f[column], 83 + (2 * k), 3 + k));
                k++;
            }
        }

        return g;
    }

    [Fact]
    public void Every_volume_feature_of_the_contract_is_registered_with_metadata()
    {
        var catalog = FeatureCatalog.Default;
        Assert.Equal(ContractNames, catalog.InFamily(FeatureFamily.Volume).Select(f => f.Name));
        foreach (var name in ContractNames)
        {
            var f = catalog.Get(name);
            Assert.False(string.IsNullOrWhiteSpace(f.Description), name);
            Assert.False(string.IsNullOrWhiteSpace(f.Formula), name);
            Assert.False(string.IsNullOrWhiteSpace(f.NanRule), name);
            Assert.NotEmpty(f.Inputs);
        }

        Assert.Equal("OBV", catalog.Get("obv").TaLibFunction);
        Assert.Equal("AD", catalog.Get("ad").TaLibFunction);
        Assert.Equal("ADOSC(3, 10)", catalog.Get("adosc").TaLibFunction);
        Assert.Equal("MFI(14)", catalog.Get("mfi_14").TaLibFunction);
        Assert.Equal(TimeSpan.FromHours(24), catalog.Get("turnover_ratio_24h").Horizon);
        Assert.Equal([MarketColumn.Close, MarketColumn.Volume], catalog.Get("amihud_20").Inputs);
    }

    [Theory]
    [InlineData("synthetic")]
    [InlineData("btc")]
    public void Leading_nan_count_equals_lookback_on_clean_frames(string frameName)
    {
        var frame = Frame(frameName);
        var features = FeatureCatalog.Default.AvailableFor(frame).Where(f => f.Family == FeatureFamily.Volume).ToArray();
        Assert.Equal(frameName == "btc" ? 22 : 28, features.Length);
        var m = new FeatureEngineer().Compute(frame, FeatureFamily.Volume);
        foreach (var f in features)
        {
            Assert.True(f.Lookback(frame.Timeframe) == Approx.LeadingNaN(m[f.Name]), $"{f.Name}: lookback {f.Lookback(frame.Timeframe)}, leading NaN {Approx.LeadingNaN(m[f.Name])}");
            Assert.DoesNotContain(m[f.Name].ToArray(), double.IsInfinity);
        }
    }

    [Fact]
    public void Leading_nan_count_equals_lookback_at_one_minute()
    {
        var frame = TestData.Synthetic(3000, 5, Timeframe.OneMinute);
        var m = new FeatureEngineer().Compute(frame, FeatureFamily.Volume);
        Assert.Equal(1439, FeatureCatalog.Default.Get("turnover_ratio_24h").Lookback(Timeframe.OneMinute));
        foreach (var name in m.Names)
        {
            Assert.Equal(FeatureCatalog.Default.Get(name).Lookback(Timeframe.OneMinute), Approx.LeadingNaN(m[name]));
        }
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Volume_features_equal_their_definitions(string frameName)
    {
        var frame = Frame(frameName);
        int n = frame.Length;
        var v = frame.Volume.ToArray();
        var c = frame.Close.ToArray();
        var m = new FeatureEngineer().Compute(frame, FeatureFamily.Volume);
        double Mean(double[] x, int t, int p) => x.AsSpan(t - p + 1, p).ToArray().Average();

        Approx.Equal(VolumeTestData.Loop(n, t => t < 1 ? double.NaN : (v[t] / v[t - 1]) - 1), m["volume_change"], 1e-12, 1e-12, "volume_change");
        Approx.Equal(VolumeTestData.Loop(n, t => t < 10 ? double.NaN : (v[t] / v[t - 10]) - 1), m["volume_roc_10"], 1e-12, 1e-12, "volume_roc_10");
        var sma = VolumeTestData.Windowed(n, 20, t => Mean(v, t, 20));
        Approx.Equal(sma, m["volume_sma_20"], 1e-12, 1e-9, "volume_sma_20");
        Approx.Equal(VolumeTestData.Windowed(n, 20, t => v[t] / Mean(v, t, 20)), m["volume_ratio_20"], 1e-12, 1e-12, "volume_ratio_20");
        Approx.Equal(VolumeTestData.Windowed(n, 20, t => (v[t] - Mean(v, t, 20)) / Mean(v, t, 20)), m["volume_spike_score"], 1e-12, 1e-12, "volume_spike_score");
        Approx.Equal(VolumeTestData.Windowed(n, 24, t => v[t] / Mean(v, t, 24)), m["turnover_ratio_24h"], 1e-12, 1e-12, "turnover_ratio_24h");
        Approx.Equal(VolumeTestData.Windowed(n, 20, t =>
        {
            var w = v.AsSpan(t - 19, 20).ToArray();
            double mu = w.Average(), sd = Math.Sqrt(w.Sum(x => (x - mu) * (x - mu)) / 19);
            return w.All(x => x == w[0]) ? double.NaN : (v[t] - mu) / sd;
        }), m["volume_zscore_20"], 1e-9, 1e-9, "volume_zscore_20");

        var obv = m["obv"].ToArray();
        Approx.Equal(VolumeTestData.Windowed(n, 20, t => Mean(obv, t, 20)), m["obv_sma_20"], 1e-12, 1e-6, "obv_sma_20");
        var vwap = m["vwap_20"].ToArray();
        var session = m["vwap_session"].ToArray();
        Approx.Identical(VolumeTestData.Loop(n, t => Ratio.Change(c[t], vwap[t])), m["price_vs_vwap"], "price_vs_vwap");
        Approx.Identical(VolumeTestData.Loop(n, t => Ratio.Change(c[t], session[t])), m["price_vs_vwap_session"], "price_vs_vwap_session");
        var ad = m["ad"].ToArray();
        var adosc = new double[n];
        Indicators.AdoscFromAd(ad, 3, 10, adosc);
        Approx.Identical(adosc, m["adosc"], "adosc");
    }

    [Fact]
    public void No_look_ahead_prefixes_give_the_same_values()
    {
        var frame = Holed(TestData.Synthetic(3000, 8));
        var names = FeatureCatalog.Default.InFamily(FeatureFamily.Volume).Select(f => f.Name).ToArray();
        var full = new FeatureEngineer().Compute(frame, names);
        foreach (int k in new[] { 1, 2, 25, 777, 1024, 1025, 2999 })
        {
            var prefix = new FeatureEngineer().Compute(frame.Slice(0, k), names);
            foreach (var name in names)
            {
                Approx.Identical(full[name][..k], prefix[name], $"{name} prefix {k}");
            }
        }
    }

    [Fact]
    public void Changing_the_future_changes_nothing_in_the_past()
    {
        var frame = TestData.Synthetic(2000, 12);
        var names = FeatureCatalog.Default.InFamily(FeatureFamily.Volume).Select(f => f.Name).ToArray();
        var before = new FeatureEngineer().Compute(frame, names);
        int cut = 1234;
        var altered = frame;
        foreach (var column in frame.Columns)
        {
            var values = frame[column].ToArray();
            for (int i = cut; i < values.Length; i++)
            {
                values[i] *= 1.5;
            }

            altered = altered.With(column, values);
        }

        var after = new FeatureEngineer().Compute(altered, names);
        foreach (var name in names)
        {
            Approx.Identical(before[name][..cut], after[name][..cut], name);
            Assert.False(before[name][cut..].SequenceEqual(after[name][cut..]), $"{name} ignores the data after the cut");
        }
    }

    [Fact]
    public void Shared_intermediates_give_the_same_values_alone_and_together()
    {
        var frame = Holed(Synthetic);
        var engine = new FeatureEngineer();
        var together = engine.Compute(frame, FeatureFamily.Volume);
        foreach (var name in new[] { "volume_ratio_20", "volume_spike_score", "obv_sma_20", "adosc", "price_vs_vwap", "price_vs_vwap_session" })
        {
            Approx.Identical(together[name], engine.Compute(frame, name)[name], name);
        }
    }

    [Fact]
    public void Amihud_uses_quote_volume_when_the_frame_has_it()
    {
        var withQuote = Synthetic;
        var n = withQuote.Length;
        var expected = new double[n];
        Indicators.Amihud(withQuote.Close, withQuote[MarketColumn.QuoteVolume], 20, expected);
        // The feature reads the log_return_1 column: the same values as the kernel's own log returns.
        var fromReturns = new double[n];
        Indicators.AmihudFromReturns(new FeatureEngineer().Compute(withQuote, "log_return_1")["log_return_1"], withQuote[MarketColumn.QuoteVolume], 20, fromReturns);
        Approx.Identical(expected, fromReturns, "from log_return_1");
        Approx.Identical(expected, new FeatureEngineer().Compute(withQuote, "amihud_20")["amihud_20"], "with quote_volume");

        var b = new MarketFrameBuilder(withQuote.Timeframe).WithTime(withQuote.Time);
        foreach (var column in withQuote.Columns.Where(c => c != MarketColumn.QuoteVolume))
        {
            b.WithColumn(column, withQuote[column]);
        }

        var withoutQuote = b.Build();
        var dollarVolume = VolumeTestData.Loop(n, t => withQuote.Close[t] * withQuote.Volume[t]);
        Indicators.Amihud(withQuote.Close, dollarVolume, 20, expected);
        var got = new FeatureEngineer().Compute(withoutQuote, "amihud_20")["amihud_20"];
        Approx.Identical(expected, got, "without quote_volume (C·V)");
        Assert.False(got.SequenceEqual(new FeatureEngineer().Compute(withQuote, "amihud_20")["amihud_20"]));
    }

    [Fact]
    public void Order_flow_features_need_their_columns()
    {
        var all = new FeatureEngineer().ComputeAll(Btc);
        foreach (var name in new[] { "taker_buy_ratio", "buy_sell_ratio", "cvd", "cvd_20", "vpin_50", "avg_trade_size" })
        {
            Assert.False(all.Contains(name), name);
        }

        Assert.True(all.Contains("obv") && all.Contains("amihud_20") && all.Contains("vwap_session"));
        var ex = Assert.Throws<ArgumentException>(() => new FeatureEngineer().Compute(Btc, "cvd"));
        Assert.Contains("taker_buy_volume", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => new FeatureEngineer().Compute(Btc, "avg_trade_size"));
        Assert.Contains("trades", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Turnover_ratio_is_offered_only_where_24h_is_a_whole_number_of_bars()
    {
        var f = FeatureCatalog.Default.Get("turnover_ratio_24h");
        Assert.Equal(23, f.Lookback(Timeframe.OneHour));
        Assert.Equal(0, f.Lookback(Timeframe.OneDay));
        Assert.Equal(1439, f.Lookback(Timeframe.OneMinute));
        foreach (var hours in new[] { 5, 7, 48 })
        {
            var tf = new Timeframe(hours * TestData.HourMs);
            Assert.NotNull(f.UnavailableReason(tf));
            Assert.Throws<ArgumentException>(() => f.Lookback(tf));
        }

        var weekly = TestData.Synthetic(100, 3, new Timeframe(7 * TestData.HourMs));
        Assert.DoesNotContain("turnover_ratio_24h", new FeatureEngineer().Compute(weekly, FeatureFamily.Volume).Names);
        Assert.Throws<ArgumentException>(() => new FeatureEngineer().Compute(weekly, "turnover_ratio_24h"));
        // On daily bars the horizon is the bar itself: V / V = 1.
        var daily = TestData.Synthetic(50, 3, Timeframe.OneDay);
        Assert.All(new FeatureEngineer().Compute(daily, "turnover_ratio_24h")["turnover_ratio_24h"].ToArray(), x => Assert.Equal(1.0, x));
    }
}
