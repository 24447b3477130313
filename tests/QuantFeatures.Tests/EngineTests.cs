using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

public class EngineTests
{
    [Fact]
    public void Results_do_not_depend_on_the_degree_of_parallelism()
    {
        var frames = Enumerable.Range(0, 4).Select(i => TestData.Synthetic(700, seed: i)).ToArray();
        var sequential = new FeatureEngineer().ComputeMany(frames);
        var parallel = new FeatureEngineer(options: new FeatureEngineerOptions { MaxDegreeOfParallelism = 4 }).ComputeMany(frames);
        var familiesParallel = new FeatureEngineer(options: new FeatureEngineerOptions { MaxDegreeOfParallelism = 3 }).ComputeAll(frames[2]);
        for (int k = 0; k < frames.Length; k++)
        {
            Assert.Equal(sequential[k].Names, parallel[k].Names);
            foreach (var name in sequential[k].Names)
            {
                Approx.Identical(sequential[k][name], parallel[k][name], name);
            }
        }

        Assert.Equal(sequential[2].Names, familiesParallel.Names);
        foreach (var name in familiesParallel.Names)
        {
            Approx.Identical(sequential[2][name], familiesParallel[name], name);
        }
    }

    [Fact]
    public void Request_by_names_returns_catalogue_order_and_by_family_only_that_family()
    {
        var frame = TestData.Synthetic(300);
        var engine = new FeatureEngineer();
        var m = engine.Compute(frame, "sma_50", "return_1", "sma_20");
        Assert.Equal(["return_1", "sma_20", "sma_50"], m.Names);
        var price = engine.Compute(frame, FeatureFamily.Price);
        Assert.All(price.Names, n => Assert.Equal(FeatureFamily.Price, FeatureCatalog.Default.Get(n).Family));
        Assert.Equal(frame.Time.ToArray(), m.Time.ToArray());
        var row = new double[m.ColumnCount];
        m.CopyRow(299, row);
        Assert.Equal(m["sma_20"][299], row[1]);
    }

    [Fact]
    public void Periods_per_year_option_changes_annualization_only()
    {
        var frame = TestData.Synthetic(300, timeframe: Timeframe.OneDay);
        var crypto = new FeatureEngineer().Compute(frame, "volatility_20", "realized_vol_20");
        var equity = new FeatureEngineer(options: new FeatureEngineerOptions { PeriodsPerYear = 252 }).Compute(frame, "volatility_20", "realized_vol_20");
        Approx.Identical(crypto["realized_vol_20"], equity["realized_vol_20"]);
        Assert.Equal(crypto["volatility_20"][299] * Math.Sqrt(252.0 / 365.0), equity["volatility_20"][299], 12);
    }
}

public class ComputeIntoTests
{
    [Fact]
    public void ComputeInto_reuses_buffers_and_equals_a_fresh_compute()
    {
        var engine = new FeatureEngineer();
        var a = TestData.Synthetic(500, seed: 1);
        var b = TestData.Synthetic(500, seed: 2);
        var m = engine.ComputeAll(a);
        var column = m.GetMemory(0);
        var fresh = engine.ComputeAll(b);
        Assert.Same(m, engine.ComputeInto(b, m));
        Assert.True(column.Span == m.GetMemory(0).Span);
        foreach (var name in fresh.Names)
        {
            Approx.Identical(fresh[name], m[name], name);
        }

        Assert.Equal(b.Time.ToArray(), m.Time.ToArray());
        var ex = Assert.ThrowsAny<ArgumentException>(() => engine.ComputeInto(TestData.Synthetic(499), m));
        Assert.Contains("499 bars but the destination matrix has 500 rows", ex.Message);
    }
}
