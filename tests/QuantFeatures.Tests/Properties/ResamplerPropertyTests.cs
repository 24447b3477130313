using FsCheck;
using FsCheck.Fluent;
using QuantFeatures.Data;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests.Properties;

/// <summary>The shape of a random 1m frame for the resampling properties.</summary>
/// <param name="Seed">Seed of the values.</param>
/// <param name="Length">Number of minutes spanned (before holes).</param>
/// <param name="Offset">Minutes after a UTC day boundary at which the data starts.</param>
/// <param name="HoleRate">Probability that a minute is missing.</param>
/// <param name="BlockStart">Start (minutes into the data) of a block of missing minutes.</param>
/// <param name="BlockLength">Length of that block (0: none).</param>
/// <param name="NanRate">Probability that a value is NaN.</param>
/// <param name="Policy">The incomplete-bar policy.</param>
/// <param name="Chain">Index of the (intermediate, target) pair.</param>
public sealed record ResampleCase(int Seed, int Length, int Offset, double HoleRate, int BlockStart, int BlockLength, double NanRate,
    IncompleteBarPolicy Policy, int Chain);

/// <summary>FsCheck properties of <see cref="Resampler"/> (200 random 1m frames each).</summary>
public class ResamplerPropertyTests
{
    private const int Cases = 200;

    /// <summary>(intermediate, target) timeframes of the chain property; 1m → 15m → 1h is the issue's.</summary>
    private static readonly (Timeframe Mid, Timeframe Target)[] Chains =
    [
        (Timeframe.Parse("15m"), Timeframe.OneHour), (Timeframe.Parse("5m"), Timeframe.Parse("15m")), (Timeframe.Parse("5m"), Timeframe.OneHour),
        (Timeframe.Parse("15m"), Timeframe.Parse("4h")), (Timeframe.OneHour, Timeframe.Parse("4h")),
    ];

    private static Arbitrary<ResampleCase> Cases_()
    {
        var gen =
            from seed in Gen.Choose(0, int.MaxValue - 1)
            from length in Gen.Choose(0, 1500)
            from offset in Gen.Choose(0, 299)
            from holes in Gen.Elements(0.0, 0.0, 0.002, 0.02, 0.2)
            from blockStart in Gen.Choose(0, 1500)
            from blockLength in Gen.Elements(0, 0, 7, 60, 130)
            from nan in Gen.Elements(0.0, 0.0, 0.005)
            from policy in Gen.Elements(IncompleteBarPolicy.DropEdges, IncompleteBarPolicy.DropAll, IncompleteBarPolicy.KeepAll)
            from chain in Gen.Choose(0, Chains.Length - 1)
            select new ResampleCase(seed, length, offset, holes, blockStart, blockLength, nan, policy, chain);
        return gen.ToArbitrary();
    }

    private static readonly MarketColumn[] ColumnsOf =
    [
        MarketColumn.Open, MarketColumn.High, MarketColumn.Low, MarketColumn.Close, MarketColumn.Volume, MarketColumn.QuoteVolume,
        MarketColumn.Trades, MarketColumn.OpenInterest, MarketColumn.LongLiquidationNotional,
    ];

    /// <summary>
    /// A random 1m frame: a random walk with holes (scattered minutes and a block), optional NaN values; volumes are
    /// multiples of 1/64 below 2^20, so every partial sum is exact and sums must agree bit for bit however they are grouped.
    /// </summary>
    public static MarketFrame Build(ResampleCase c)
    {
        var rnd = new Random(c.Seed);
        long start = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() + (c.Offset * 60_000L);
        var t = new List<long>();
        var cols = ColumnsOf.Select(_ => new List<double>()).ToArray();
        double p = 100;
        for (int i = 0; i < c.Length; i++)
        {
            double open = p;
            p *= Math.Exp(0.002 * Support.TestData.Gauss(rnd));
            bool missing = rnd.NextDouble() < c.HoleRate || (i >= c.BlockStart && i < c.BlockStart + c.BlockLength);
            if (missing)
            {
                continue;
            }

            t.Add(start + (i * 60_000L));
            double[] row =
            [
                open, Math.Max(open, p) * (1 + 0.001 * rnd.NextDouble()), Math.Min(open, p) * (1 - 0.001 * rnd.NextDouble()), p,
                rnd.Next(0, 64 * 4000) / 64.0, rnd.Next(0, 64 * 400_000) / 64.0, rnd.Next(0, 500), 1000 + rnd.Next(0, 50),
                rnd.NextDouble() < 0.9 ? 0 : rnd.Next(1, 64 * 1000) / 64.0,
            ];
            for (int k = 0; k < row.Length; k++)
            {
                cols[k].Add(rnd.NextDouble() < c.NanRate ? double.NaN : row[k]);
            }
        }

        var b = new MarketFrameBuilder(Timeframe.OneMinute).WithSymbol("RS").WithTime(t.ToArray());
        for (int k = 0; k < ColumnsOf.Length; k++)
        {
            b.WithColumn(ColumnsOf[k], cols[k].ToArray());
        }

        return b.Build();
    }

    private static void Check(Action<ResampleCase> body) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true), Prop.ForAll(Cases_(), body));

    [Fact]
    public void Resampling_through_an_intermediate_timeframe_equals_resampling_directly() => Check(c =>
    {
        var source = Build(c);
        var (mid, target) = Chains[c.Chain];
        var options = new ResampleOptions { IncompleteBars = c.Policy };
        var direct = Resampler.Resample(source, target, options);
        var chained = Resampler.Resample(Resampler.Resample(source, mid, options), target, options);
        Assert.True(direct.Time.SequenceEqual(chained.Time), $"times differ: {direct.Length} bars direct, {chained.Length} chained ({c})");
        Assert.Equal(direct.Columns, chained.Columns);
        foreach (var column in ColumnsOf.Append(MarketColumn.IntrabarCoverage))
        {
            var d = direct[column];
            var x = chained[column];
            for (int i = 0; i < d.Length; i++)
            {
                Assert.True(d[i].Equals(x[i]), $"{column.Name()}[{i}] at {MarketFrame.FormatTime(direct.Time[i])}: {d[i]:R} direct, {x[i]:R} via {mid} ({c})");
            }
        }
    });

    [Fact]
    public void Every_value_equals_the_naive_reference_on_data_with_holes_and_nan() => Check(c =>
    {
        var source = Build(c);
        var target = Chains[c.Chain].Target;
        var all = Resampler.Resample(source, target, new ResampleOptions { IncompleteBars = IncompleteBarPolicy.KeepAll });
        var naive = NaiveResampler.Resample(source, target);
        Assert.Equal(naive.Select(b => b.Time), all.Time.ToArray());
        Assert.Equal(naive.Select(b => b.Open), all.Open.ToArray());
        Assert.Equal(naive.Select(b => b.High), all.High.ToArray());
        Assert.Equal(naive.Select(b => b.Low), all.Low.ToArray());
        Assert.Equal(naive.Select(b => b.Close), all.Close.ToArray());
        Assert.Equal(naive.Select(b => b.Volume), all.Volume.ToArray()); // dyadic volumes: exact
        Assert.Equal(naive.Select(b => b.Coverage), all[MarketColumn.IntrabarCoverage].ToArray());
        Approx.Equal(naive.Select(b => b.Vwap).ToArray(), all[MarketColumn.IntrabarVwap], 1e-12, 0, $"vwap {c}");
        Approx.Equal(naive.Select(b => b.RealizedVol).ToArray(), all[MarketColumn.IntrabarRealizedVol], 1e-9, 1e-15, $"realized vol {c}");
        Approx.Equal(naive.Select(b => b.VolumeCv).ToArray(), all[MarketColumn.IntrabarVolumeCv], 1e-9, 1e-12, $"volume cv {c}");

        // The policies select from the same bars: DropAll = the complete ones; DropEdges = from the first to the last complete one.
        var complete = naive.Where(b => b.SubBars * source.Timeframe.Milliseconds == target.Milliseconds).Select(b => b.Time).ToArray();
        Assert.Equal(complete, Resampler.Resample(source, target, new ResampleOptions { IncompleteBars = IncompleteBarPolicy.DropAll }).Time.ToArray());
        var edges = complete.Length == 0 ? [] : naive.Select(b => b.Time).Where(t => t >= complete[0] && t <= complete[^1]).ToArray();
        Assert.Equal(edges, Resampler.Resample(source, target).Time.ToArray());
    });
}
