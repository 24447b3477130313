namespace QuantFeatures.Cli.Bench;

/// <summary>Deterministic synthetic bars for benchmarks: a seeded geometric random walk with every kline input and the
/// derivatives inputs (open interest, funding, mark and index prices, liquidations, positioning ratios).</summary>
public static class SyntheticMarket
{
    /// <summary>
    /// <paramref name="bars"/> bars at <paramref name="timeframe"/> (default 1h) from 2025-01-01T00:00Z: consistent OHLC
    /// (H ≥ max(O, C), L ≤ min(O, C)), volume, quote_volume, trades, taker_buy_volume and taker_buy_quote_volume; plus the
    /// derivatives columns as the loader fills them (see <see cref="SyntheticDerivatives.Columns"/>). The same seed gives the same frame.
    /// </summary>
    public static MarketFrame Create(int bars, int seed = 42, Timeframe? timeframe = null, double sigma = 0.004)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bars);
        var tf = timeframe ?? Timeframe.OneHour;
        var rnd = new Random(seed);
        var t = new long[bars];
        var o = new double[bars];
        var h = new double[bars];
        var l = new double[bars];
        var c = new double[bars];
        var v = new double[bars];
        var qv = new double[bars];
        var trades = new double[bars];
        var tb = new double[bars];
        var tbq = new double[bars];
        double p = 30_000;
        long t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        for (int i = 0; i < bars; i++)
        {
            t[i] = t0 + (i * tf.Milliseconds);
            double open = p;
            double u = 1.0 - rnd.NextDouble();
            double w = rnd.NextDouble();
            p *= Math.Exp(sigma * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * w));
            o[i] = open;
            c[i] = p;
            h[i] = Math.Max(open, p) * (1 + (0.002 * rnd.NextDouble()));
            l[i] = Math.Min(open, p) * (1 - (0.002 * rnd.NextDouble()));
            v[i] = Math.Round(100 + (1000 * rnd.NextDouble()), 3);
            double typical = (h[i] + l[i] + c[i]) / 3;
            qv[i] = v[i] * typical;
            trades[i] = Math.Floor(50 + (500 * rnd.NextDouble()));
            tb[i] = v[i] * (0.2 + (0.6 * rnd.NextDouble()));
            tbq[i] = tb[i] * typical;
        }

        var builder = new MarketFrameBuilder(tf).WithSymbol("SYNTH").WithTime(t)
            .WithColumn(MarketColumn.Open, o).WithColumn(MarketColumn.High, h).WithColumn(MarketColumn.Low, l).WithColumn(MarketColumn.Close, c)
            .WithColumn(MarketColumn.Volume, v).WithColumn(MarketColumn.QuoteVolume, qv).WithColumn(MarketColumn.Trades, trades)
            .WithColumn(MarketColumn.TakerBuyVolume, tb).WithColumn(MarketColumn.TakerBuyQuoteVolume, tbq);
        foreach (var (column, values) in SyntheticDerivatives.Columns(t, c, tf, new Random(seed ^ 0x5DEECE6), openInterestStep: 0.003))
        {
            builder.WithColumn(column, values);
        }

        return builder.Build();
    }

}
