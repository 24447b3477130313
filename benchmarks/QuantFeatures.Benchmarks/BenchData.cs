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
}
