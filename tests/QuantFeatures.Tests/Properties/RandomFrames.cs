using FsCheck;
using FsCheck.Fluent;

namespace QuantFeatures.Tests.Properties;

/// <summary>The shape of a random test frame; the frame itself is built deterministically from it.</summary>
/// <param name="Seed">Seed of the values.</param>
/// <param name="Length">Number of bars.</param>
/// <param name="Timeframe">Bar length.</param>
/// <param name="NanRate">Probability that a given input value is NaN.</param>
/// <param name="Degenerate">Adds flat stretches (O = H = L = C), zero volume, zero trades and abrupt jumps.</param>
/// <param name="Scale">Price level (1e-6 … 1e6).</param>
/// <param name="Cut">A bar index in [0, Length) used by the look-ahead properties.</param>
/// <param name="History">Attaches the funding settlements as <see cref="MarketFrame.FundingHistory"/>, as the loader does (the
/// event-time funding features then read them instead of rebuilding them from the columns).</param>
public sealed record FrameCase(int Seed, int Length, Timeframe Timeframe, double NanRate, bool Degenerate, double Scale, int Cut, bool History = false)
{
    public override string ToString() =>
        $"FrameCase(seed {Seed}, n {Length}, {Timeframe}, nan {NanRate:F3}, degenerate {Degenerate}, scale {Scale:G3}, cut {Cut}, history {History})";
}

/// <summary>Generators of random market frames for the catalogue-wide properties.</summary>
public static class RandomFrames
{
    private static readonly Timeframe[] Timeframes =
        [Timeframe.Parse("1m"), Timeframe.Parse("5m"), Timeframe.Parse("15m"), Timeframe.Parse("1h"), Timeframe.Parse("4h"), Timeframe.Parse("1d")];

    /// <summary>The longest frame a case draws: enough for the 30-day funding windows at 1h (720 bars) and the 252-day one
    /// (6,048 bars); longer windows (a week at 1m: 10,080 bars) are left to the lengths below maxLength.</summary>
    public const int MaxLongLength = 6_400;

    /// <summary>Cases whose timeframe offers <paramref name="feature"/>, with the given NaN and degeneracy settings; with holes
    /// or degeneracy, half of them carry a funding history (the loader's path); clean cases have none, so that the
    /// event-time funding features rebuild their windows from the columns and their leading NaN is the catalogue's
    /// lookback.</summary>
    /// <remarks>Lengths are in [<paramref name="minLength"/>, <paramref name="maxLength"/>]; where the feature's lookback at the
    /// case's timeframe does not fit in that, half of the cases are lookback ± 200 bars long (where that is at most
    /// <see cref="MaxLongLength"/>), so that long windows (e.g. the event-time funding windows of 30 and 252 days) are
    /// checked around their first values, not only on frames that are all NaN.</remarks>
    public static Arbitrary<FrameCase> Cases(FeatureDefinition feature, bool holes, bool degenerate, int minLength = 0, int maxLength = 420)
    {
        var offered = Timeframes.Where(tf => feature.UnavailableReason(tf) is null).ToArray();
        var gen =
            from seed in Gen.Choose(0, int.MaxValue - 1)
            from tf in Gen.Elements(offered)
            from longer in Gen.Elements(false, true)
            from n in longer && LongLength(feature, tf, maxLength) is int top && top > maxLength
                ? Gen.Choose(Math.Max(minLength, top - 400), top)
                : Gen.Choose(minLength, maxLength)
            from nanPermille in Gen.Choose(holes ? 5 : 0, holes ? 150 : 0)
            from scaleExp in Gen.Choose(-6, 6)
            from cut in Gen.Choose(0, Math.Max(0, n - 1))
            from history in holes || degenerate ? Gen.Elements(false, true) : Gen.Constant(false)
            select new FrameCase(seed, n, tf, nanPermille / 1000.0, degenerate, Math.Pow(10, scaleExp) * 3, cut, history);
        return gen.ToArbitrary();
    }

    private static int LongLength(FeatureDefinition feature, Timeframe tf, int maxLength)
    {
        // Longer only where it makes the difference: lookback + 200 above maxLength but within MaxLongLength.
        long wanted = (long)feature.Lookback(tf) + 200;
        return wanted <= maxLength || wanted > MaxLongLength ? maxLength : (int)wanted;
    }

    /// <summary>Builds the frame of a case: a random walk with every optional input the single-frame families read, including the
    /// resampler's sub-bar statistics that the microstructure family reads and the derivatives inputs (open interest, funding
    /// with its settlement schedule, mark and index prices, liquidations, positioning ratios).</summary>
    public static MarketFrame Build(FrameCase c) => Build(c, c.Seed, 0);

    /// <summary>
    /// Builds the frame of a case, but with the values of the bars from <paramref name="replaceFrom"/> on drawn from another
    /// seed: the "changed future" of the look-ahead property. The bar times (and the funding settlement schedule, which
    /// depends only on the times and the case seed) are those of <see cref="Build(FrameCase)"/>: only values change.
    /// </summary>
    public static MarketFrame Build(FrameCase c, int futureSeed, int replaceFrom)
    {
        var rnd = new Random(c.Seed);
        var future = new Random(futureSeed ^ 0x5bd1e995);
        int n = c.Length;
        var t = new long[n];
        var cols = new double[13][];
        for (int k = 0; k < cols.Length; k++)
        {
            cols[k] = new double[n];
        }

        // The open and close of each bar before NaN holes: the derivatives columns are priced from them.
        var open = new double[n];
        var close = new double[n];
        var row = new double[cols.Length];
        var dropped = new double[cols.Length];
        long time = 1_735_689_600_000L; // 2025-01-01T00:00Z
        double p = c.Scale;
        double shadow = c.Scale;
        for (int i = 0; i < n; i++)
        {
            bool replaced = i >= replaceFrom && replaceFrom > 0;
            int gap = DrawBar(replaced ? future : rnd, c, i > 0, ref p, row, out open[i]);
            if (replaced)
            {
                // The original generator draws the bar as well (its values are dropped): the same gap, so the same times.
                gap = DrawBar(rnd, c, i > 0, ref shadow, dropped, out _);
            }

            time += c.Timeframe.Milliseconds * gap;
            t[i] = time;
            close[i] = p;
            for (int k = 0; k < cols.Length; k++)
            {
                cols[k][i] = row[k];
            }
        }

        MarketColumn[] names =
        [
            MarketColumn.Open, MarketColumn.High, MarketColumn.Low, MarketColumn.Close, MarketColumn.Volume, MarketColumn.QuoteVolume,
            MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume,
            MarketColumn.IntrabarCoverage, MarketColumn.IntrabarVwap, MarketColumn.IntrabarRealizedVol, MarketColumn.IntrabarVolumeCv,
        ];
        var b = new MarketFrameBuilder(c.Timeframe).WithSymbol("PROP").WithTime(t);
        for (int k = 0; k < names.Length; k++)
        {
            b.WithColumn(names[k], cols[k]);
        }

        var derivatives = RandomDerivatives.Columns(c, t, open, close, futureSeed, replaceFrom, out var history);
        foreach (var (column, values) in derivatives)
        {
            b.WithColumn(column, values);
        }

        return b.WithFundingHistory(history).Build();
    }

    /// <summary>Draws one bar of the base columns into <paramref name="row"/> and returns its gap in bars from the previous bar
    /// (always the same draws in the same order, whatever the values: the generator's state after a bar depends only on it).</summary>
    private static int DrawBar(Random r, FrameCase c, bool drawGap, ref double p, double[] row, out double open)
    {
        // Mostly regular bars, sometimes a gap of several bars.
        int gap = drawGap ? (r.NextDouble() < 0.03 ? r.Next(2, 6) : 1) : 0;
        open = p;
        bool flat = c.Degenerate && r.NextDouble() < 0.25;
        double shock = c.Degenerate && r.NextDouble() < 0.02 ? (r.NextDouble() < 0.5 ? 0.5 : 2.0) : 1.0;
        p = flat ? p : p * shock * Math.Exp(0.01 * Support.TestData.Gauss(r));
        double high = flat ? p : Math.Max(open, p) * (1 + 0.003 * r.NextDouble());
        double low = flat ? p : Math.Min(open, p) * (1 - 0.003 * r.NextDouble());
        double volume = flat || (c.Degenerate && r.NextDouble() < 0.1) ? 0 : 10 + 1000 * r.NextDouble();
        if (flat)
        {
            open = p;
        }

        row[0] = open;
        row[1] = high;
        row[2] = low;
        row[3] = p;
        row[4] = volume;
        row[5] = volume * p;
        row[6] = volume == 0 ? 0 : Math.Floor(1 + 100 * r.NextDouble());
        row[7] = volume * r.NextDouble();
        row[8] = row[7] * p;
        // The resampler's sub-bar statistics (so the microstructure features run on every random frame): coverage mostly 1,
        // a VWAP near the typical price, a non-negative realized volatility (0 on flat bars), a volume CV (NaN without volume).
        row[9] = r.NextDouble() < 0.9 ? 1.0 : r.Next(1, 60) / 60.0;
        row[10] = volume == 0 ? double.NaN : (high + low + p) / 3 * (1 + 0.001 * Support.TestData.Gauss(r));
        row[11] = flat ? 0.0 : Math.Abs(0.01 * Support.TestData.Gauss(r));
        row[12] = volume == 0 ? double.NaN : 0.2 + r.NextDouble();
        if (c.NanRate > 0)
        {
            for (int k = 0; k < row.Length; k++)
            {
                if (r.NextDouble() < c.NanRate)
                {
                    row[k] = double.NaN;
                }
            }
        }

        return gap;
    }
}
