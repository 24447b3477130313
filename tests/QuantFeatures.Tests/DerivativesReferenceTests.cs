using QuantFeatures.Data;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// Every one of the 55 derivatives features (open interest, funding incl. basis/premium, liquidations, positioning) against its
/// naive reference (<see cref="NaiveDerivatives"/>, which works from the raw records with its own point-in-time lookup), on
/// seeded synthetic markets at 1 h, 5 m and 15 m loaded through <see cref="MarketDataLoader"/>, with NaN holes in the sparse
/// sources (see <see cref="DerivativesWorld.Synthetic"/>).
/// </summary>
public class DerivativesReferenceTests
{
    public static readonly string[] OpenInterestFeatures =
    [
        "oi_change_1", "oi_change_5", "oi_change_20", "oi_velocity_1h", "oi_velocity_4h", "oi_velocity_24h",
        "oi_sma_20", "oi_sma_50", "oi_ema_12", "oi_ema_26", "oi_macd", "oi_macd_signal", "oi_macd_hist", "oi_std_20",
        "oi_bb_upper", "oi_bb_lower", "oi_bb_position", "oi_zscore_100", "oi_percentile_100",
        "oi_price_divergence_20", "oi_price_divergence_50", "oi_volume_ratio", "oi_volume_divergence_20", "oi_regime_5",
    ];

    public static readonly string[] FundingFeatures =
    [
        "funding_rate", "funding_rate_change", "funding_rate_change_24h", "funding_annualized", "cumulative_funding_7d",
        "funding_zscore_30d", "funding_percentile_252d", "funding_extreme_positive", "funding_extreme_negative",
        "minutes_to_funding", "basis", "premium",
    ];

    public static readonly string[] LiquidationFeatures =
    [
        "net_liquidation", "liquidation_vol_1h", "long_liq_vol_1h", "short_liq_vol_1h", "liquidation_count_1h", "avg_liq_size_1h",
        "liq_imbalance_1h", "liq_long_short_ratio_1h", "liquidation_intensity", "liq_spike_24h", "liq_zscore_24h",
    ];

    public static readonly string[] PositioningFeatures =
    [
        "ls_ratio", "ls_ratio_change_1h", "ls_ratio_change_4h", "ls_ratio_percentile_30d", "top_trader_ls_ratio",
        "top_trader_position_ratio", "ls_top_vs_crowd", "taker_ls_vol_ratio",
    ];

    /// <summary>Integer-valued features and plain copies of an input: compared bit for bit.</summary>
    private static readonly HashSet<string> Exact = new(StringComparer.Ordinal)
    {
        "oi_regime_5", "oi_percentile_100", "funding_percentile_252d", "funding_extreme_positive", "funding_extreme_negative",
        "minutes_to_funding", "ls_ratio_percentile_30d", "funding_rate", "ls_ratio", "top_trader_ls_ratio", "top_trader_position_ratio",
        "taker_ls_vol_ratio", "liquidation_count_1h",
    };

    /// <summary>Window sums: where the reference is exactly 0 (every term 0), the engine must be exactly 0 too.</summary>
    private static readonly HashSet<string> ExactZero = new(StringComparer.Ordinal)
    {
        "liquidation_vol_1h", "long_liq_vol_1h", "short_liq_vol_1h", "liquidation_count_1h", "net_liquidation",
    };

    [Fact]
    public void The_four_lists_hold_the_55_contract_names()
    {
        var all = OpenInterestFeatures.Concat(FundingFeatures).Concat(LiquidationFeatures).Concat(PositioningFeatures).ToArray();
        Assert.Equal(55, all.Length);
        Assert.Equal(55, all.Distinct().Count());
    }

    public static TheoryData<string, string> Cases(string[] features)
    {
        var data = new TheoryData<string, string>();
        foreach (var f in features)
        {
            foreach (var w in DerivativesWorld.SyntheticNames)
            {
                data.Add(f, w);
            }
        }

        return data;
    }

    public static TheoryData<string, string> OpenInterestCases => Cases(OpenInterestFeatures);

    public static TheoryData<string, string> FundingCases => Cases(FundingFeatures);

    public static TheoryData<string, string> LiquidationCases => Cases(LiquidationFeatures);

    public static TheoryData<string, string> PositioningCases => Cases(PositioningFeatures);

    /// <summary>The engine's column for one feature.</summary>
    public static double[] Engine(MarketFrame frame, string feature) => new FeatureEngineer().Compute(frame, feature)[feature].ToArray();

    /// <summary>Compares: bit for bit for integer-valued features and copies; else 1e-9 relative or 1e-12 absolute; NaN where NaN.</summary>
    internal static void Compare(string feature, double[] expected, double[] actual, string where)
    {
        string what = $"{feature} on {where}";
        if (Exact.Contains(feature))
        {
            Approx.Identical(expected, actual, what);
        }
        else
        {
            Approx.Equal(expected, actual, 1e-9, 1e-12, what);
        }

        if (ExactZero.Contains(feature))
        {
            for (int t = 0; t < expected.Length; t++)
            {
                Assert.True(expected[t] != 0 || actual[t] == 0, $"{what}[{t}]: a window of zero terms must sum to exactly 0, got {actual[t]:R}");
            }
        }
    }

    /// <summary>The test must test something: some defined values (and, on a holed world, the NaN holes are exercised elsewhere).</summary>
    private static void AssertSomeValues(string feature, string world, double[] expected)
    {
        int valid = expected.Count(x => !double.IsNaN(x));
        // 252-day windows need 252 days without a funding hole: only the clean world has them (the holed ones are checked
        // for agreeing on NaN).
        bool mayBeEmpty = feature == "funding_percentile_252d" && world.Contains("holes", StringComparison.Ordinal);
        Assert.True(mayBeEmpty || valid > expected.Length / 20, $"{feature} on {world}: only {valid} of {expected.Length} reference values are defined");
    }

    public static double[] NaiveOpenInterest(DerivativesWorld w) =>
        NaiveDerivatives.AsOfValues(w.Frame, w.OpenInterest, s => s.OpenInterest, NaiveDerivatives.OpenInterestStaleness);

    [Theory]
    [MemberData(nameof(OpenInterestCases))]
    public void Open_interest_feature_matches_the_naive_reference(string feature, string world)
    {
        var w = DerivativesWorld.Get(world);
        var expected = NaiveDerivatives.OpenInterestFeature(feature, w.Frame, NaiveOpenInterest(w));
        AssertSomeValues(feature, world, expected);
        Compare(feature, expected, Engine(w.Frame, feature), world);
    }

    [Theory]
    [MemberData(nameof(FundingCases))]
    public void Funding_feature_matches_the_naive_reference(string feature, string world)
    {
        var w = DerivativesWorld.Get(world);
        var expected = NaiveDerivatives.FundingFeature(feature, w.Frame, w.Funding, w.Prices);
        AssertSomeValues(feature, world, expected);
        Compare(feature, expected, Engine(w.Frame, feature), world);

        // The same frame without the loader's funding history: the event-time features rebuild the settlements from the
        // columns (with their lookbacks); the naive view follows what the bars saw.
        var bare = w.Frame.WithFundingHistory(null);
        Compare(feature, NaiveDerivatives.FundingFeature(feature, bare, w.Funding, w.Prices), Engine(bare, feature), world + " (columns only)");
    }

    [Theory]
    [MemberData(nameof(LiquidationCases))]
    public void Liquidation_feature_matches_the_naive_reference(string feature, string world)
    {
        var w = DerivativesWorld.Get(world);
        var expected = NaiveDerivatives.LiquidationFeature(feature, w.Frame, w.Liquidations);
        AssertSomeValues(feature, world, expected);
        Compare(feature, expected, Engine(w.Frame, feature), world);
    }

    [Theory]
    [MemberData(nameof(PositioningCases))]
    public void Positioning_feature_matches_the_naive_reference(string feature, string world)
    {
        var w = DerivativesWorld.Get(world);
        var expected = NaiveDerivatives.PositioningFeature(feature, w.Frame, w.Positioning);
        AssertSomeValues(feature, world, expected);
        Compare(feature, expected, Engine(w.Frame, feature), world);
    }

    /// <summary>The loader's columns equal our own point-in-time lookup of the raw records (so the references and the engine
    /// start from the same inputs, and a feature mismatch is the feature's, not the alignment's).</summary>
    [Theory]
    [MemberData(nameof(Worlds))]
    public void The_naive_point_in_time_lookup_agrees_with_the_loader(string world)
    {
        var w = DerivativesWorld.Get(world);
        var f = w.Frame;
        Approx.Identical(NaiveOpenInterest(w), f[MarketColumn.OpenInterest], "open_interest");
        Approx.Identical(NaiveDerivatives.PositioningFeature("ls_ratio", f, w.Positioning), f[MarketColumn.LongShortRatio], "long_short_ratio");
        Approx.Identical(NaiveDerivatives.FundingFeature("funding_rate", f, w.Funding), f[MarketColumn.FundingRate], "funding_rate");
        var view = new NaiveDerivatives.FundingView(f, w.Funding);
        Approx.Identical(view.Index.Select(i => i >= 0 ? view.Records[i].IntervalHours : double.NaN).ToArray(), f[MarketColumn.FundingIntervalHours], "interval");
        var (ll, sl, count) = NaiveDerivatives.LiquidationBars(f, w.Liquidations);
        Approx.Equal(ll, f[MarketColumn.LongLiquidationNotional], 1e-12, 1e-9, "long notional");
        Approx.Equal(sl, f[MarketColumn.ShortLiquidationNotional], 1e-12, 1e-9, "short notional");
        Approx.Identical(count, f[MarketColumn.LiquidationCount], "count");

        // The holes are really there: stale OI, stale funding, missing mark, quiet liquidation stretches.
        if (world.Contains("holes", StringComparison.Ordinal))
        {
            Assert.Contains(f[MarketColumn.OpenInterest].ToArray(), double.IsNaN);
            Assert.Contains(f[MarketColumn.OpenInterest].ToArray(), x => x == 0);
            Assert.Contains(f[MarketColumn.FundingRate].ToArray()[^(f.Length / 2)..], double.IsNaN);
            Assert.Contains(f[MarketColumn.MarkPrice].ToArray(), double.IsNaN);
            Assert.NotEmpty(view.HoleBefore);
        }
    }

    public static TheoryData<string> Worlds => new(DerivativesWorld.SyntheticNames);

    /// <summary>
    /// With every settlement stamped at its scheduled time (no millisecond jitter), the event-time window features agree with
    /// the reference everywhere, holes included: the remaining funding mismatches on jittered data come from the window
    /// membership being decided on the jittered stamps (see the hand case on jitter).
    /// </summary>
    [Theory]
    [InlineData("cumulative_funding_7d")]
    [InlineData("funding_zscore_30d")]
    [InlineData("funding_percentile_252d")]
    [InlineData("funding_extreme_positive")]
    [InlineData("funding_extreme_negative")]
    [InlineData("minutes_to_funding")]
    [InlineData("funding_annualized")]
    public void Event_time_funding_features_match_the_reference_on_jitter_free_stamps(string feature)
    {
        foreach (var world in new[] { "1h-seed5-holes-nojitter-9000", "15m-seed6-nojitter-30000" })
        {
            var w = DerivativesWorld.Get(world);
            var expected = NaiveDerivatives.FundingFeature(feature, w.Frame, w.Funding, w.Prices);
            AssertSomeValues(feature, world, expected);
            Compare(feature, expected, Engine(w.Frame, feature), world);
        }
    }

    /// <summary>
    /// oi_bb_* follow TA-Lib's arithmetic (Σx² / n − mean², which loses digits when σ ≪ the OI level), so the reference
    /// above is TA-Lib's own recurrence. This checks the definition itself against a two-pass population σ, at the precision
    /// TA-Lib's formula allows: bands to 1e-9 relative; the position to 1e-6 absolute.
    /// </summary>
    [Theory]
    [MemberData(nameof(Worlds))]
    public void Oi_bollinger_agrees_with_a_two_pass_textbook_version_at_TaLib_precision(string world)
    {
        var w = DerivativesWorld.Get(world);
        var oi = NaiveOpenInterest(w);
        var textbook = NaiveDerivatives.TextbookBollinger(oi);
        Approx.Equal(textbook[0], Engine(w.Frame, "oi_bb_upper"), 1e-9, 1e-9, "oi_bb_upper");
        Approx.Equal(textbook[1], Engine(w.Frame, "oi_bb_lower"), 1e-9, 1e-9, "oi_bb_lower");
        Approx.Equal(textbook[2], Engine(w.Frame, "oi_bb_position"), 0, 1e-6, "oi_bb_position");
    }
}
