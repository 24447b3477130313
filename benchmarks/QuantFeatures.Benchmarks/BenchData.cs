namespace QuantFeatures.Benchmarks;

/// <summary>
/// The synthetic bars of the yardstick (shared/tools/cbench.c): a geometric random walk from 30,000 with
/// σ = 0.002 per bar, high/low within 0.1 % outside open/close, volume 100 … 1,100; plus the optional inputs the
/// order-flow features read (quote volume, trades, taker-buy volume).
/// </summary>
public static class BenchData
{
    public const int Bars = 1_000_000;

    public static MarketFrame Frame(int n = Bars)
    {
        ulong s = 88172645463325252UL;
        double Rnd()
        {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            return (s >> 11) * (1.0 / 9007199254740992.0);
        }

        double Gauss()
        {
            double u = Rnd() + 1e-12, v = Rnd();
            return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(6.283185307179586 * v);
        }

        var t = new long[n];
        var o = new double[n];
        var h = new double[n];
        var l = new double[n];
        var c = new double[n];
        var v = new double[n];
        var qv = new double[n];
        var trades = new double[n];
        var tb = new double[n];
        double p = 30_000;
        for (int i = 0; i < n; i++)
        {
            double op = p;
            p *= Math.Exp(0.002 * Gauss());
            t[i] = 1_735_689_600_000L + 60_000L * i;
            o[i] = op;
            c[i] = p;
            h[i] = Math.Max(op, p) * (1 + 0.001 * Rnd());
            l[i] = Math.Min(op, p) * (1 - 0.001 * Rnd());
            v[i] = 100 + 1000 * Rnd();
            qv[i] = v[i] * p;
            trades[i] = Math.Floor(10 + 100 * Rnd());
            tb[i] = v[i] * Rnd();
        }

        return new MarketFrameBuilder(Timeframe.OneMinute).WithSymbol("BENCH").WithTime(t)
            .WithColumn(MarketColumn.Open, o).WithColumn(MarketColumn.High, h).WithColumn(MarketColumn.Low, l).WithColumn(MarketColumn.Close, c)
            .WithColumn(MarketColumn.Volume, v).WithColumn(MarketColumn.QuoteVolume, qv).WithColumn(MarketColumn.Trades, trades)
            .WithColumn(MarketColumn.TakerBuyVolume, tb).Build();
    }

    /// <summary>
    /// The frame with the resampler's sub-bar statistic columns added (intrabar_coverage = 1, intrabar_vwap near the
    /// typical price, positive intrabar_realized_vol and intrabar_volume_cv), so the microstructure features can be timed
    /// on 1,000,000 bars: their kernels cost the same whatever produced the columns (ResamplerBenchmarks times the
    /// resampler that produces them from real sub-bars).
    /// </summary>
    public static MarketFrame WithIntrabar(MarketFrame frame)
    {
        int n = frame.Length;
        var rnd = new Random(11);
        var coverage = new double[n];
        var vwap = new double[n];
        var vol = new double[n];
        var cv = new double[n];
        var h = frame[MarketColumn.High];
        var l = frame[MarketColumn.Low];
        var c = frame.Close;
        for (int i = 0; i < n; i++)
        {
            coverage[i] = 1;
            vwap[i] = (h[i] + l[i] + c[i]) / 3 * (1 + (1e-4 * (rnd.NextDouble() - 0.5)));
            vol[i] = 0.002 * (0.5 + rnd.NextDouble());
            cv[i] = 0.5 + rnd.NextDouble();
        }

        return frame.With(MarketColumn.IntrabarCoverage, coverage).With(MarketColumn.IntrabarVwap, vwap)
            .With(MarketColumn.IntrabarRealizedVol, vol).With(MarketColumn.IntrabarVolumeCv, cv);
    }

    /// <summary>
    /// The frame with every input of every catalogue feature: <see cref="WithIntrabar"/> and <see cref="WithDerivatives"/>.
    /// </summary>
    public static MarketFrame Full(int n = Bars) => WithDerivatives(WithIntrabar(Frame(n)));

    /// <summary>
    /// The frame with the derivatives columns added, shaped as <see cref="Data.MarketDataLoader"/> fills them on 1m bars:
    /// open interest (a random walk) and its value snapshotted every 5 minutes and carried forward; a funding settlement every
    /// 8 h (00, 08, 16 UTC, stamped 0 … 15 ms late) with its rate, settlement time and interval, carried forward; mark and
    /// index prices near the close; liquidations in about 5 % of the bars (1 … 6 events, notionals 0 elsewhere); the four
    /// positioning ratios (AR(1) around 1 … 1.5) every 5 minutes. Each bar takes the last snapshot available by its decision
    /// time (open + Δ), so the kernels see the runs of equal values and the settlement steps of real data. One array per
    /// column, nothing allocated per bar.
    /// </summary>
    public static MarketFrame WithDerivatives(MarketFrame frame)
    {
        const long FiveMinutes = 300_000L;
        const long Eight = 8 * 3_600_000L;
        int n = frame.Length;
        var rnd = new Random(23);
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
        var time = frame.Time;
        var c = frame.Close;
        long delta = frame.Timeframe.Milliseconds;
        double openInterest = 2e9 / c[0], value = openInterest * c[0], f = 1e-4, lsr = 1.3, tops = 1.25, pos = 1.1, tk = 1.0;
        double markBasis = 0, indexBasis = 0;
        long snapshot = long.MinValue, settlement = long.MinValue;
        double settlementTime = double.NaN;
        for (int i = 0; i < n; i++)
        {
            long decision = time[i] + delta;
            long last = decision - (decision % FiveMinutes); // the last 5-minute snapshot by the decision time
            if (last != snapshot)
            {
                snapshot = last;
                openInterest = Math.Round(openInterest * (1 + (0.001 * (rnd.NextDouble() - 0.5))), 3);
                value = openInterest * c[i];
                lsr = Math.Round(1.3 + (0.95 * (lsr - 1.3)) + (0.02 * (rnd.NextDouble() - 0.5)), 4);
                tops = Math.Round(lsr + (0.9 * (tops - lsr)) + (0.02 * (rnd.NextDouble() - 0.5)), 4);
                pos = Math.Round(1.1 + (0.95 * (pos - 1.1)) + (0.02 * (rnd.NextDouble() - 0.5)), 4);
                tk = Math.Round(1 + (0.5 * (tk - 1)) + (0.2 * (rnd.NextDouble() - 0.5)), 4);
            }

            long due = decision - (decision % Eight); // the last 8-hour settlement by the decision time
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
            if (rnd.NextDouble() < 0.05)
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

        return frame.With(MarketColumn.OpenInterest, oi).With(MarketColumn.OpenInterestValue, oiv)
            .With(MarketColumn.FundingRate, rate).With(MarketColumn.FundingTime, settledAt).With(MarketColumn.FundingIntervalHours, interval)
            .With(MarketColumn.MarkPrice, mark).With(MarketColumn.IndexPrice, index)
            .With(MarketColumn.LongLiquidationNotional, longs).With(MarketColumn.ShortLiquidationNotional, shorts).With(MarketColumn.LiquidationCount, count)
            .With(MarketColumn.LongShortRatio, ls).With(MarketColumn.TopTraderLongShortRatio, top)
            .With(MarketColumn.TopTraderPositionRatio, position).With(MarketColumn.TakerLongShortVolRatio, taker);
    }
}
