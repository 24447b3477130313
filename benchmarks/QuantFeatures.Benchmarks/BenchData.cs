using QuantFeatures.Cli.Bench;
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
    /// The frame with the derivatives columns of <see cref="SyntheticDerivatives.Columns"/> added (open-interest steps of
    /// 0.1 %, seed 23): 5-minute open-interest and ratio snapshots and 8-hour funding settlements carried forward, mark and
    /// index prices near the close, liquidations in about 5 % of the 1m bars.
    /// </summary>
    public static MarketFrame WithDerivatives(MarketFrame frame)
    {
        foreach (var (column, values) in SyntheticDerivatives.Columns(frame.Time, frame.Close, frame.Timeframe, new Random(23), openInterestStep: 0.001))
        {
            frame = frame.With(column, values);
        }

        return frame;
    }
}
