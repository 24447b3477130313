namespace QuantFeatures.Tests.Support;

/// <summary>One target bar as the naive reference computes it.</summary>
public sealed record NaiveBar(long Time, int SubBars, double Coverage, double Open, double High, double Low, double Close, double Volume,
    double Vwap, double RealizedVol, double VolumeCv);

/// <summary>
/// A deliberately simple reference for <see cref="Data.Resampler"/>: groups the source rows by target period with LINQ and
/// applies the definitions of docs/resampling.md literally (plain sums, two-pass std), without the resampler's code.
/// </summary>
public static class NaiveResampler
{
    /// <summary>Every target period holding at least one source bar (no incomplete-bar policy applied).</summary>
    public static List<NaiveBar> Resample(MarketFrame source, Timeframe target, long origin = 0)
    {
        long sub = source.Timeframe.Milliseconds;
        long delta = target.Milliseconds;
        int m = (int)(delta / sub);
        var t = source.Time.ToArray();
        var o = source.Open.ToArray();
        var h = source.High.ToArray();
        var l = source.Low.ToArray();
        var c = source.Close.ToArray();
        var v = source.Has(MarketColumn.Volume) ? source.Volume.ToArray() : null;
        var rowAt = new Dictionary<long, int>();
        for (int i = 0; i < t.Length; i++)
        {
            rowAt[t[i]] = i;
        }

        long Period(long time) => origin + (long)Math.Floor((double)(time - origin) / delta) * delta;
        var bars = new List<NaiveBar>();
        foreach (var g in Enumerable.Range(0, t.Length).GroupBy(i => Period(t[i])))
        {
            var rows = g.ToArray();
            double vwap = double.NaN, cv = double.NaN, volume = double.NaN;
            if (v is not null)
            {
                volume = rows.Sum(i => v[i]);
                bool anyNaN = rows.Any(i => double.IsNaN(h[i]) || double.IsNaN(l[i]) || double.IsNaN(c[i]) || double.IsNaN(v[i]));
                double den = rows.Sum(i => v[i]);
                vwap = anyNaN || den == 0 ? double.NaN : rows.Sum(i => (h[i] + l[i] + c[i]) / 3 * v[i]) / den;
                var vols = rows.Select(i => v[i]).ToArray();
                double mean = vols.Average();
                cv = vols.Length < 2 || vols.Any(double.IsNaN) || mean == 0 ? double.NaN : StdDev(vols) / mean;
            }

            var returns = new List<double>();
            bool badReturn = false;
            foreach (int i in rows)
            {
                if (rowAt.TryGetValue(t[i] - sub, out int p))
                {
                    double r = Math.Log(c[i] / c[p]);
                    badReturn |= !double.IsFinite(r);
                    returns.Add(r);
                }
            }

            double rv = badReturn || returns.Count < 2 ? double.NaN : StdDev(returns.ToArray()) * Math.Sqrt(m);
            bars.Add(new NaiveBar(g.Key, rows.Length, (double)rows.Length / m, o[rows[0]], rows.Any(i => double.IsNaN(h[i])) ? double.NaN : rows.Max(i => h[i]),
                rows.Any(i => double.IsNaN(l[i])) ? double.NaN : rows.Min(i => l[i]), c[rows[^1]], volume, vwap, rv, cv));
        }

        return bars;
    }

    /// <summary>Sample standard deviation, two passes.</summary>
    public static double StdDev(double[] x)
    {
        double mean = x.Average();
        return Math.Sqrt(x.Sum(a => (a - mean) * (a - mean)) / (x.Length - 1));
    }
}
