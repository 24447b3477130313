namespace QuantFeatures.Cli.Bench;

/// <summary>Deterministic synthetic bars for benchmarks: a seeded geometric random walk with every kline input and the
/// derivatives inputs (open interest, funding, mark and index prices, liquidations, positioning ratios).</summary>
public static class SyntheticMarket
{
    /// <summary>
    /// <paramref name="bars"/> bars at <paramref name="timeframe"/> (default 1h) from 2025-01-01T00:00Z: consistent OHLC
    /// (H ≥ max(O, C), L ≤ min(O, C)), volume, quote_volume, trades, taker_buy_volume and taker_buy_quote_volume; plus the
    /// derivatives columns as the loader fills them (see <see cref="AddDerivatives"/>). The same seed gives the same frame.
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
        AddDerivatives(builder, t, tf, c, new Random(seed ^ 0x5DEECE6));
        return builder.Build();
    }

    /// <summary>
    /// The derivatives columns, from their own generator (the kline columns do not depend on them), each bar taking the
    /// last value available by its decision time (open + Δ): open interest (a random walk; its value = OI × close) and the
    /// four positioning ratios (AR(1) around 1 … 1.5) from 5-minute snapshots; a funding settlement every 8 h (00, 08, 16
    /// UTC, stamped 0 … 15 ms late) with its rate, settlement time and 8 h interval; mark and index prices near the close;
    /// liquidations (1 … 6 events) in about 5 % of the 1-minute slots of a bar, notionals and count 0 elsewhere.
    /// </summary>
    private static void AddDerivatives(MarketFrameBuilder builder, long[] t, Timeframe tf, double[] c, Random rnd)
    {
        const long FiveMinutes = 300_000L;
        const long Eight = 8 * 3_600_000L;
        int n = t.Length;
        var oi = new double[n];
        var oiv = new double[n];
        var rate = new double[n];
        var settledAt = new double[n];
        var interval = new double[n];
        var mark = new double[n];
        var index = new double[n];
        var longs = new double[n];
        var shorts = new double[n];
        var count = new double[n];
        var ls = new double[n];
        var top = new double[n];
        var position = new double[n];
        var taker = new double[n];
        long delta = tf.Milliseconds;
        int slots = (int)Math.Clamp(delta / 60_000L, 1, 1440); // 1-minute slots per bar, for the liquidation rate
        double openInterest = n > 0 ? 2e9 / c[0] : 0, value = 0, f = 1e-4, lsr = 1.3, tops = 1.25, pos = 1.1, tk = 1.0;
        double markBasis = 0, indexBasis = 0, settlementTime = double.NaN;
        long snapshot = long.MinValue, settlement = long.MinValue;
        for (int i = 0; i < n; i++)
        {
            long decision = t[i] + delta;
            long last = decision - (decision % FiveMinutes);
            if (last != snapshot)
            {
                snapshot = last;
                openInterest = Math.Round(openInterest * (1 + (0.003 * (rnd.NextDouble() - 0.5))), 3);
                value = openInterest * c[i];
                lsr = Math.Round(1.3 + (0.95 * (lsr - 1.3)) + (0.02 * (rnd.NextDouble() - 0.5)), 4);
                tops = Math.Round(lsr + (0.9 * (tops - lsr)) + (0.02 * (rnd.NextDouble() - 0.5)), 4);
                pos = Math.Round(1.1 + (0.95 * (pos - 1.1)) + (0.02 * (rnd.NextDouble() - 0.5)), 4);
                tk = Math.Round(1 + (0.5 * (tk - 1)) + (0.2 * (rnd.NextDouble() - 0.5)), 4);
            }

            long due = decision - (decision % Eight);
            if (due != settlement)
            {
                settlement = due;
                settlementTime = due + rnd.Next(0, 16);
                f = Math.Round((1e-4 + (0.8 * (f - 1e-4)) + (1e-4 * (rnd.NextDouble() - 0.5))) * 1e8) / 1e8;
            }

            oi[i] = openInterest;
            oiv[i] = value;
            rate[i] = f;
            settledAt[i] = settlementTime;
            interval[i] = 8;
            markBasis = (0.9 * markBasis) + (2e-4 * (rnd.NextDouble() - 0.5));
            indexBasis = (0.9 * indexBasis) + (1e-4 * (rnd.NextDouble() - 0.5));
            mark[i] = c[i] * (1 + markBasis);
            index[i] = c[i] * (1 + indexBasis);
            if (rnd.NextDouble() < 1 - Math.Pow(0.95, slots))
            {
                int events = rnd.Next(1, 7);
                double share = rnd.NextDouble();
                for (int e = 0; e < events; e++)
                {
                    double u = rnd.NextDouble();
                    double notional = 500 * (1 + (300 * u * u * u));
                    if (rnd.NextDouble() < share)
                    {
                        longs[i] += notional;
                    }
                    else
                    {
                        shorts[i] += notional;
                    }
                }

                count[i] = events;
            }

            ls[i] = lsr;
            top[i] = tops;
            position[i] = pos;
            taker[i] = tk;
        }

        builder.WithColumn(MarketColumn.OpenInterest, oi).WithColumn(MarketColumn.OpenInterestValue, oiv)
            .WithColumn(MarketColumn.FundingRate, rate).WithColumn(MarketColumn.FundingTime, settledAt).WithColumn(MarketColumn.FundingIntervalHours, interval)
            .WithColumn(MarketColumn.MarkPrice, mark).WithColumn(MarketColumn.IndexPrice, index)
            .WithColumn(MarketColumn.LongLiquidationNotional, longs).WithColumn(MarketColumn.ShortLiquidationNotional, shorts)
            .WithColumn(MarketColumn.LiquidationCount, count)
            .WithColumn(MarketColumn.LongShortRatio, ls).WithColumn(MarketColumn.TopTraderLongShortRatio, top)
            .WithColumn(MarketColumn.TopTraderPositionRatio, position).WithColumn(MarketColumn.TakerLongShortVolRatio, taker);
    }
}
