using Xunit;

namespace QuantFeatures.Tests;

/// <summary>The catalogue is the contract: every name of FEATURES.md, in its order, each entry fully described.</summary>
public class CatalogContractTests
{
    private static readonly FeatureCatalog Catalog = FeatureCatalog.Default;

    [Fact]
    public void Catalogue_holds_exactly_the_contract_names_in_contract_order()
    {
        Assert.Equal(ContractOrder.Names, Catalog.Features.Select(f => f.Name).ToArray());
    }

    [Theory]
    [InlineData(FeatureFamily.Price, 62)]
    [InlineData(FeatureFamily.Volume, 28)]
    [InlineData(FeatureFamily.OpenInterest, 24)]
    [InlineData(FeatureFamily.Funding, 12)]
    [InlineData(FeatureFamily.Liquidations, 11)]
    [InlineData(FeatureFamily.Positioning, 8)]
    [InlineData(FeatureFamily.TimeQuality, 8)]
    [InlineData(FeatureFamily.Microstructure, 5)]
    public void Family_sizes_match_the_contract(FeatureFamily family, int count) =>
        Assert.Equal(count, Catalog.InFamily(family).Count);

    [Fact]
    public void Every_entry_has_description_formula_nan_rule_inputs_and_a_lookback()
    {
        foreach (var f in Catalog.Features)
        {
            Assert.False(string.IsNullOrWhiteSpace(f.Description), f.Name);
            Assert.False(string.IsNullOrWhiteSpace(f.Formula), f.Name);
            Assert.False(string.IsNullOrWhiteSpace(f.NanRule), f.Name);
            Assert.NotEmpty(f.Inputs);
            Assert.True(f.Lookback(Timeframe.OneHour) >= 0, f.Name);
            Assert.Matches("^[a-z][a-z0-9_]*$", f.Name);
        }
    }

    [Fact]
    public void Every_feature_computes_on_the_real_BTCUSDT_1h_sample_with_values_after_its_lookback()
    {
        var frame = Support.TestData.LoadBinanceSample();
        var m = new FeatureEngineer().ComputeAll(frame);
        var available = Catalog.AvailableFor(frame).Select(f => f.Name).ToArray();
        Assert.Equal(available, m.Names);
        foreach (var f in Catalog.AvailableFor(frame))
        {
            var col = m[f.Name];
            int lookback = f.Lookback(frame.Timeframe);
            Assert.True(col.Length == frame.Length);
            Assert.True(double.IsFinite(col[^1]), $"{f.Name} is not finite at the last bar");
            Assert.Equal(lookback, Support.Approx.LeadingNaN(col));
        }
    }

    [Fact]
    public void Features_needing_absent_inputs_are_the_only_ones_left_out_of_all()
    {
        var frame = Support.TestData.LoadBinanceSample();
        var left = Catalog.Features.Except(Catalog.AvailableFor(frame)).ToArray();
        foreach (var f in left)
        {
            Assert.True(f.MissingInputs(frame).Count > 0, $"{f.Name} left out although its inputs exist");
        }
    }

    [Fact]
    public void Horizon_features_scale_their_lookback_with_the_timeframe()
    {
        var r = Catalog.Get("return_1d");
        Assert.Equal(24, r.Lookback(Timeframe.OneHour));
        Assert.Equal(96, r.Lookback(Timeframe.Parse("15m")));
        Assert.Equal(1, r.Lookback(Timeframe.OneDay));
        Assert.NotNull(Catalog.Get("return_1h").UnavailableReason(Timeframe.OneDay));
    }

    [Fact]
    public void Shared_intermediates_give_the_same_values_alone_and_together()
    {
        var frame = Support.TestData.Synthetic(600);
        var engine = new FeatureEngineer();
        var all = engine.ComputeAll(frame);
        foreach (var name in all.Names)
        {
            var alone = engine.Compute(frame, name)[name];
            Support.Approx.Identical(alone, all[name], name);
        }
    }
}
