using QuantFeatures.Data;

namespace QuantFeatures.Tests.Support;

/// <summary>
/// Naive, independent references for the four derivatives families (open interest, funding, liquidations, positioning),
/// written for clarity, not speed: plain loops, every window recomputed from scratch at every bar (means and standard
/// deviations by two passes, percentiles by counting), and, wherever possible, from the RAW records rather than from the
/// loader's frame: the point-in-time lookup below is our own (bar t decides at d = open + Δ; a record reaches it when its
/// time ≤ d + 1 s, and it is used only while d − time ≤ the staleness limit, inclusive).
/// </summary>
/// <remarks>
/// Rules followed (docs/derivatives.md, docs/loader.md, FEATURES.md): windowed values are NaN while the window holds a NaN;
/// ratios with a zero denominator are NaN; percentiles are pandas' rank(pct=True), <c>(L + (E + 1)/2) / m</c>; the event-time
/// funding windows hold the settlements whose time (rounded to the minute) lies in <c>(d − H, d]</c> and are used only when
/// every settlement in them is known and the next one is not overdue by more than half an interval (see <see cref="FundingView"/>).
/// </remarks>
public static class NaiveDerivatives
{
    public const long Second = 1_000;
    public const long Minute = 60_000;
    public const long Hour = 3_600_000;
    public const long Day = 86_400_000;
    public const long Tolerance = Second;
    public const long FundingStaleness = 24 * Hour;
    public const long OpenInterestStaleness = Hour;
    public const long PositioningStaleness = Hour;
    public const long ReferenceStaleness = 24 * Hour;

    // ---- point in time ---------------------------------------------------------------------------------------------

    /// <summary>The decision time of every bar: open + Δ.</summary>
    public static long[] Decisions(MarketFrame frame)
    {
        var d = new long[frame.Length];
        for (int t = 0; t < d.Length; t++)
        {
            d[t] = frame.Time[t] + frame.Timeframe.Milliseconds;
        }

        return d;
    }

    /// <summary>
    /// For each decision time, the index of the last record (times sorted ascending) with time ≤ d + 1 s, or −1 when there is
    /// none or it is older than <paramref name="staleness"/> (d − time &gt; staleness). A pointer that only moves forward.
    /// </summary>
    public static int[] AsOf(IReadOnlyList<long> recordTimes, long[] decisions, long staleness)
    {
        var result = new int[decisions.Length];
        int j = -1;
        for (int t = 0; t < decisions.Length; t++)
        {
            while (j + 1 < recordTimes.Count && recordTimes[j + 1] <= decisions[t] + Tolerance)
            {
                j++;
            }

            result[t] = j >= 0 && decisions[t] - recordTimes[j] <= staleness ? j : -1;
        }

        return result;
    }

    /// <summary>Distinct records sorted by time (the sources hold exact duplicates; the loader counts them once).</summary>
    public static List<T> Clean<T>(IEnumerable<T> records)
        where T : struct, IMarketRecord
    {
        var list = records.Distinct().OrderBy(r => r.Time).ToList();
        for (int i = 1; i < list.Count; i++)
        {
            if (list[i].Time == list[i - 1].Time && typeof(T) != typeof(LiquidationEvent))
            {
                throw new InvalidOperationException($"Two different {typeof(T).Name} records at {list[i].Time}: the references do not model corrections.");
            }
        }

        return list;
    }

    /// <summary>The as-of value of one field of sparse records at every bar (NaN when none or stale).</summary>
    public static double[] AsOfValues<T>(MarketFrame frame, IEnumerable<T> records, Func<T, double> value, long staleness)
        where T : struct, IMarketRecord
    {
        var list = Clean(records);
        var index = AsOf(list.Select(r => r.Time).ToList(), Decisions(frame), staleness);
        return index.Select(i => i >= 0 ? value(list[i]) : double.NaN).ToArray();
    }

    // ---- small numeric helpers -------------------------------------------------------------------------------------

    /// <summary>The n values ending at t, or null when t &lt; n − 1 or one of them is NaN.</summary>
    public static double[]? Window(double[] x, int t, int n)
    {
        if (t < n - 1)
        {
            return null;
        }

        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = x[t - n + 1 + i];
            if (double.IsNaN(w[i]))
            {
                return null;
            }
        }

        return w;
    }

    public static double Mean(IReadOnlyList<double> w)
    {
        double s = 0;
        for (int i = 0; i < w.Count; i++)
        {
            s += w[i];
        }

        return s / w.Count;
    }

    /// <summary>Standard deviation by two passes: sample (n − 1) or population (n).</summary>
    public static double Std(IReadOnlyList<double> w, bool sample)
    {
        if (w.All(x => x == w[0]))
        {
            return 0; // a flat window: exactly 0 (the mean of equal values may round off them by an ulp)
        }

        double mu = Mean(w);
        double ss = 0;
        for (int i = 0; i < w.Count; i++)
        {
            ss += (w[i] - mu) * (w[i] - mu);
        }

        return Math.Sqrt(ss / (sample ? w.Count - 1 : w.Count));
    }

    /// <summary>pandas rank(pct=True) of <paramref name="current"/> among <paramref name="w"/> (which holds it): (L + (E + 1)/2) / m.</summary>
    public static double Percentile(IReadOnlyList<double> w, double current)
    {
        int below = 0, equal = 0;
        for (int i = 0; i < w.Count; i++)
        {
            if (w[i] < current)
            {
                below++;
            }
            else if (w[i] == current)
            {
                equal++;
            }
        }

        return (below + ((equal + 1) / 2.0)) / w.Count;
    }

    /// <summary>a / b, NaN when b is 0 or either is NaN.</summary>
    public static double Div(double a, double b) => b == 0 || double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a / b;

    /// <summary>x_t / x_{t−k} − 1 (NaN before k bars, on a NaN, or on a zero denominator).</summary>
    public static double[] Change(double[] x, int k)
    {
        var r = Nan(x.Length);
        for (int t = k; t < x.Length; t++)
        {
            r[t] = Div(x[t], x[t - k]) - 1;
        }

        return r;
    }

    /// <summary>Simple moving average over n bars (NaN while the window holds a NaN).</summary>
    public static double[] Sma(double[] x, int n) => Rolling(x, n, (w, _) => Mean(w));

    /// <summary>f(window, t) at every t whose n-bar window is complete and NaN-free; NaN elsewhere.</summary>
    public static double[] Rolling(double[] x, int n, Func<double[], int, double> f)
    {
        var r = Nan(x.Length);
        for (int t = 0; t < x.Length; t++)
        {
            if (Window(x, t, n) is { } w)
            {
                r[t] = f(w, t);
            }
        }

        return r;
    }

    public static double[] Nan(int n)
    {
        var r = new double[n];
        Array.Fill(r, double.NaN);
        return r;
    }

    /// <summary>Bars per horizon: the horizon must be a whole multiple of Δ.</summary>
    public static int Bars(MarketFrame frame, long horizonMs)
    {
        long delta = frame.Timeframe.Milliseconds;
        if (horizonMs % delta != 0)
        {
            throw new ArgumentException($"{horizonMs} ms is not a multiple of {delta} ms");
        }

        return (int)(horizonMs / delta);
    }

    // ---- TA-Lib textbook versions (with the engine's documented restart-after-NaN rule) ---------------------------

    /// <summary>
    /// Runs <paramref name="segmentFunction"/> on every maximal NaN-free run of <paramref name="x"/> as if TA-Lib were started
    /// on that run alone ("a NaN input gives NaN and restarts the seeding"). Each output is written at the run's indices.
    /// </summary>
    public static double[][] BySegment(double[] x, int outputs, Func<double[], double[][]> segmentFunction)
    {
        var result = new double[outputs][];
        for (int k = 0; k < outputs; k++)
        {
            result[k] = Nan(x.Length);
        }

        int i = 0;
        while (i < x.Length)
        {
            if (double.IsNaN(x[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < x.Length && !double.IsNaN(x[i]))
            {
                i++;
            }

            var outs = segmentFunction(x[start..i]);
            for (int k = 0; k < outputs; k++)
            {
                Array.Copy(outs[k], 0, result[k], start, i - start);
            }
        }

        return result;
    }

    /// <summary>
    /// TA-Lib EMA on a clean series from index <paramref name="first"/>: the seed is the SMA of the <paramref name="period"/>
    /// values ending at <paramref name="first"/> (written at <paramref name="first"/>), then ema = (x − ema)·α + ema,
    /// α = 2 / (period + 1). NaN before <paramref name="first"/> (and everywhere when the series is too short).
    /// </summary>
    public static double[] TaLibEma(double[] x, int period, int first)
    {
        var r = Nan(x.Length);
        if (first >= x.Length || first < period - 1)
        {
            return r;
        }

        double alpha = 2.0 / (period + 1);
        double sum = 0;
        for (int i = first - period + 1; i <= first; i++)
        {
            sum += x[i];
        }

        double ema = sum / period;
        r[first] = ema;
        for (int i = first + 1; i < x.Length; i++)
        {
            ema = ((x[i] - ema) * alpha) + ema;
            r[i] = ema;
        }

        return r;
    }

    /// <summary>TA-Lib EMA(period) with the restart-after-NaN rule.</summary>
    public static double[] Ema(double[] x, int period) => BySegment(x, 1, s => [TaLibEma(s, period, period - 1)])[0];

    /// <summary>
    /// TA-Lib MACD(fast, slow, signal) on a clean series. Both EMAs start at index slow − 1: the slow EMA seeded with the SMA of
    /// values 0 … slow − 1, the fast EMA with the SMA of the <c>fast</c> values ending at slow − 1 (14 … 25 for 12/26) — TA-Lib
    /// calls its internal EMA with startIdx = slow − 1 for both, and the seed is the SMA of the period values ending there.
    /// The MACD line from slow − 1; the signal = TA-Lib EMA(signal) of the MACD line (seed = SMA of its first <c>signal</c>
    /// values, at index slow − 1 + signal − 1); TA-Lib writes all three only from that index (lookback 33 for 12/26/9).
    /// </summary>
    public static double[][] TaLibMacd(double[] x, int fast, int slow, int signal)
    {
        int n = x.Length;
        var macd = Nan(n);
        var sig = Nan(n);
        var hist = Nan(n);
        int start = slow - 1;
        int lookback = start + signal - 1;
        if (n <= lookback)
        {
            return [macd, sig, hist];
        }

        var slowEma = TaLibEma(x, slow, start);
        var fastEma = TaLibEma(x, fast, start);
        var line = Nan(n);
        for (int i = start; i < n; i++)
        {
            line[i] = fastEma[i] - slowEma[i];
        }

        var lineFromStart = line[start..];
        var signalFromStart = TaLibEma(lineFromStart, signal, signal - 1);
        for (int i = lookback; i < n; i++)
        {
            macd[i] = line[i];
            sig[i] = signalFromStart[i - start];
            hist[i] = macd[i] - sig[i];
        }

        return [macd, sig, hist];
    }

    /// <summary>
    /// TA-Lib BBANDS(period, k, k, SMA) on a clean series, in TA-Lib's own arithmetic (TA_INT_SMA and
    /// TA_INT_stddev_using_precalc_ma): running Σx and Σx² (add the newest, read, subtract the oldest), middle = Σx / n,
    /// σ² = Σx² / n − middle², σ = √σ² (0 when σ² ≤ 0 — the engine's documented deviation from TA-Lib's 1e-14 cut-off),
    /// upper / lower = middle ± k·σ. Outputs: upper, middle, lower.
    /// </summary>
    public static double[][] TaLibBbands(double[] x, int period, double k)
    {
        int n = x.Length;
        var up = Nan(n);
        var mid = Nan(n);
        var lo = Nan(n);
        if (n < period)
        {
            return [up, mid, lo];
        }

        double total1 = 0, total2 = 0;
        for (int i = 0; i < period - 1; i++)
        {
            total1 += x[i];
            total2 += x[i] * x[i];
        }

        for (int i = period - 1, trailing = 0; i < n; i++, trailing++)
        {
            total1 += x[i];
            double middle = total1 / period;
            total1 -= x[trailing];
            total2 += x[i] * x[i];
            double meanSquare = total2 / period;
            total2 -= x[trailing] * x[trailing];
            double variance = meanSquare - (middle * middle);
            double sd = variance > 0 ? Math.Sqrt(variance) : 0;
            double band = sd * k;
            mid[i] = middle;
            up[i] = middle + band;
            lo[i] = middle - band;
        }

        return [up, mid, lo];
    }

    // ---- open interest ---------------------------------------------------------------------------------------------

    /// <summary>The naive value of an open-interest feature on a frame whose OI column is <paramref name="oi"/> (from raw snapshots).</summary>
    public static double[] OpenInterestFeature(string name, MarketFrame frame, double[] oi)
    {
        int n = frame.Length;
        var c = frame.Close.ToArray();
        var v = frame.Volume.ToArray();
        double[] LnOi() => oi.Select(x => x > 0 ? Math.Log(x) : double.NaN).ToArray();
        double[] Macd(int which) => BySegment(LnOi(), 3, s => TaLibMacd(s, 12, 26, 9))[which];
        double[] Bands(int which)
        {
            // TA-Lib's arithmetic (restarted after a NaN, as TA-Lib started on the data after it); the position is NaN on a
            // flat window (every value equal), where upper = lower in exact arithmetic.
            var b = BySegment(oi, 3, s => TaLibBbands(s, 20, 2));
            if (which < 2)
            {
                return b[which == 0 ? 0 : 2];
            }

            return Rolling(oi, 20, (w, t) => w.All(x => x == w[0]) ? double.NaN : Div(oi[t] - b[2][t], b[0][t] - b[2][t]));
        }
        double[] Divergence(double[] other, int k)
        {
            var r = Nan(n);
            for (int t = k; t < n; t++)
            {
                bool ok = oi[t] > 0 && oi[t - k] > 0 && other[t] > 0 && other[t - k] > 0;
                r[t] = ok ? Math.Log(oi[t] / oi[t - k]) - Math.Log(other[t] / other[t - k]) : double.NaN;
            }

            return r;
        }

        return name switch
        {
            "oi_change_1" => Change(oi, 1),
            "oi_change_5" => Change(oi, 5),
            "oi_change_20" => Change(oi, 20),
            "oi_velocity_1h" => Change(oi, Bars(frame, Hour)),
            "oi_velocity_4h" => Change(oi, Bars(frame, 4 * Hour)),
            "oi_velocity_24h" => Change(oi, Bars(frame, 24 * Hour)),
            "oi_sma_20" => Sma(oi, 20),
            "oi_sma_50" => Sma(oi, 50),
            "oi_ema_12" => Ema(oi, 12),
            "oi_ema_26" => Ema(oi, 26),
            "oi_macd" => Macd(0),
            "oi_macd_signal" => Macd(1),
            "oi_macd_hist" => Macd(2),
            "oi_std_20" => Rolling(oi, 20, (w, _) => Std(w, sample: true)),
            "oi_bb_upper" => Bands(0),
            "oi_bb_lower" => Bands(1),
            "oi_bb_position" => Bands(2),
            "oi_zscore_100" => Rolling(oi, 100, (w, t) => Div(oi[t] - Mean(w), Std(w, sample: true))),
            "oi_percentile_100" => Rolling(oi, 100, (w, t) => Percentile(w, oi[t])),
            "oi_price_divergence_20" => Divergence(c, 20),
            "oi_price_divergence_50" => Divergence(c, 50),
            "oi_volume_ratio" => Rolling(v, Bars(frame, 24 * Hour), (w, t) => Div(oi[t], w.Sum())),
            "oi_volume_divergence_20" => Divergence(Sma(v, 20), 20),
            "oi_regime_5" => Regime(c, oi, 5),
            _ => throw new ArgumentException($"not an open-interest feature: {name}", nameof(name)),
        };
    }

    /// <summary>Bollinger(20, 2) by the textbook: two-pass population σ per window (upper, lower, position), for a sanity check
    /// of the definition at TA-Lib's precision (its Σx² − (Σx)² form loses digits when σ ≪ the level).</summary>
    public static double[][] TextbookBollinger(double[] x, int period = 20, double k = 2)
    {
        double[] Of(int which) => Rolling(x, period, (w, t) =>
        {
            double mid = Mean(w), sd = Std(w, sample: false);
            double up = mid + (k * sd), lo = mid - (k * sd);
            return which == 0 ? up : which == 1 ? lo : sd == 0 ? double.NaN : (x[t] - lo) / (up - lo);
        });
        return [Of(0), Of(1), Of(2)];
    }

    /// <summary>+2 price↑ OI↑, +1 price↑ OI↓, −1 price↓ OI↓, −2 price↓ OI↑, 0 when either change is 0; NaN on a NaN.</summary>
    public static double[] Regime(double[] close, double[] oi, int k)
    {
        var r = Nan(close.Length);
        for (int t = k; t < close.Length; t++)
        {
            double dp = close[t] - close[t - k], doi = oi[t] - oi[t - k];
            if (double.IsNaN(dp) || double.IsNaN(doi))
            {
                continue;
            }

            r[t] = dp == 0 || doi == 0 ? 0
                : dp > 0 && doi > 0 ? 2
                : dp > 0 ? 1
                : doi < 0 ? -1
                : -2;
        }

        return r;
    }

    // ---- funding ---------------------------------------------------------------------------------------------------

    /// <summary>One settlement with its interval in force (hours; NaN when unknown).</summary>
    public readonly record struct Settlement(long Time, double Rate, double IntervalHours);

    /// <summary>
    /// The interval in force at each settlement (sorted, one per time): the stated one when the record has it; otherwise the
    /// spacing from the previous settlement rounded to the minute, except that a spacing that is a whole multiple (≥ 2) of
    /// the previous interval is read as missed settlements and keeps that interval; the first unstated one is NaN.
    /// </summary>
    public static List<Settlement> WithIntervals(IReadOnlyList<FundingSettlement> sorted)
    {
        var result = new List<Settlement>();
        double previous = double.NaN;
        for (int i = 0; i < sorted.Count; i++)
        {
            double interval = sorted[i].IntervalHours;
            if (!(interval > 0))
            {
                interval = double.NaN;
                if (i > 0)
                {
                    long minutes = (long)Math.Round((sorted[i].Time - sorted[i - 1].Time) / (double)Minute, MidpointRounding.AwayFromZero);
                    long previousMinutes = previous > 0 ? (long)Math.Round(previous * 60) : 0;
                    bool missed = previousMinutes > 0 && minutes >= 2 * previousMinutes && minutes % previousMinutes == 0;
                    interval = missed ? previous : minutes > 0 ? minutes / 60.0 : double.NaN;
                }
            }

            result.Add(new Settlement(sorted[i].Time, sorted[i].Rate, interval));
            if (interval > 0)
            {
                previous = interval;
            }
        }

        return result;
    }

    /// <summary>A time rounded to the nearest minute (Binance stamps settlements a few ms late).</summary>
    public static long RoundToMinute(long time) => (long)Math.Round(time / (double)Minute, MidpointRounding.AwayFromZero) * Minute;

    /// <summary>
    /// What the bars of a frame can know about funding, rebuilt from the raw settlements: at each bar the last settlement
    /// available by d + 1 s (unless older than 24 h); the sequence of settlements the bars SEE (a settlement is seen at the first
    /// bar whose decision time reaches it; one superseded before any bar decided is never seen); and the "boundaries" after
    /// which the past is known: the frame's first seen settlement, and the later end of every hole (two consecutive seen
    /// settlements more than 1.5 × the interval in force — the later one's — apart).
    /// </summary>
    public sealed class FundingView
    {
        public FundingView(MarketFrame frame, IEnumerable<FundingSettlement> raw)
        {
            var sorted = Clean(raw);
            Records = WithIntervals(sorted);
            Decision = Decisions(frame);
            Delta = frame.Timeframe.Milliseconds;
            Index = AsOf(Records.Select(r => r.Time).ToList(), Decision, FundingStaleness);
            SeenAt = new int[Records.Count];
            Array.Fill(SeenAt, -1);
            History = frame.FundingHistory is not null;
            if (History)
            {
                // The loader's funding history (docs/loader.md): every record from 252 days before the first decision time,
                // each seen at the first bar whose decision time reaches it (time ≤ d + 1 s) — none is hidden between bars.
                long from = Decision.Length == 0 ? long.MaxValue : Decision[0] - (252 * Day);
                int bar = 0;
                for (int i = 0; i < Records.Count; i++)
                {
                    if (Records[i].Time < from)
                    {
                        continue;
                    }

                    while (bar < Decision.Length && Decision[bar] + 1000 < Records[i].Time)
                    {
                        bar++;
                    }

                    if (bar == Decision.Length)
                    {
                        break;
                    }

                    Seen.Add(i);
                    SeenAt[i] = bar;
                }
            }
            else
            {
                int last = -1;
                for (int t = 0; t < Index.Length; t++)
                {
                    if (Index[t] >= 0 && Index[t] != last)
                    {
                        Seen.Add(Index[t]);
                        SeenAt[Index[t]] = t;
                        last = Index[t];
                    }
                }
            }

            for (int k = 0; k < Seen.Count; k++)
            {
                var s = Records[Seen[k]];
                if (k == 0)
                {
                    Boundary.Add(Seen[k]);
                    continue;
                }

                var p = Records[Seen[k - 1]];
                double spacingHours = (RoundToMinute(s.Time) - RoundToMinute(p.Time)) / (double)Hour; // scheduled times
                if (!(spacingHours <= 1.5 * s.IntervalHours))
                {
                    Boundary.Add(Seen[k]); // a hole ends here (NaN interval: the spacing cannot be checked, treat as unknown)
                    HoleBefore.Add(Seen[k]);
                }
            }
        }

        public List<Settlement> Records { get; }

        /// <summary>Whether the frame carries the loader's funding history (windows full from the first bar, no lookback).</summary>
        public bool History { get; }

        public long[] Decision { get; }

        /// <summary>Per bar, the index into <see cref="Records"/> of F's settlement, or −1 (none, or stale).</summary>
        public int[] Index { get; }

        /// <summary>Record indices of the settlements seen by the bars, in order.</summary>
        public List<int> Seen { get; } = [];

        /// <summary>Per record, the bar that first saw it (−1: never seen).</summary>
        public int[] SeenAt { get; }

        /// <summary>Seen settlements before which the past is unknown (the first one, and every hole's later end).</summary>
        public HashSet<int> Boundary { get; } = [];

        /// <summary>Seen settlements preceded by a hole.</summary>
        public HashSet<int> HoleBefore { get; } = [];

        public double Rate(int t) => Index[t] >= 0 ? Records[Index[t]].Rate : double.NaN;

        /// <summary>The interval in force at record i: its own, else the last positive one before it (NaN when none).</summary>
        public double IntervalInForce(int i)
        {
            for (int k = i; k >= 0; k--)
            {
                if (Records[k].IntervalHours > 0)
                {
                    return Records[k].IntervalHours;
                }
            }

            return double.NaN;
        }

        /// <summary>
        /// The contract's fixed leading-NaN count of an event-time feature: ceil(H / Δ) bars (FEATURES.md: the leading NaN
        /// count is the feature's Lookback on clean input; docs/derivatives.md: "the leading NaN count on clean input is
        /// ceil(H / Δ) bars"). Before it, the value is NaN even when the frame's first settlement happens to be older.
        /// </summary>
        public int LookbackBars(long horizon) => History ? 0 : (int)((horizon + Delta - 1) / Delta);

        public long Delta { get; }

        /// <summary>
        /// The settlements of the event-time window (d − H, d] at bar t (times rounded to the minute), oldest first, or null
        /// when the window is not known: F is NaN, or the latest boundary seen by bar t lies after d − H.
        /// </summary>
        public List<Settlement>? KnownWindow(int t, long horizon)
        {
            if (Index[t] < 0 || t < LookbackBars(horizon))
            {
                return null;
            }

            // The next settlement is overdue by more than half an interval (d − last settlement > 1.5 × the interval in force):
            // a settlement that has not arrived by then is missing data, so the window is not known (docs/derivatives.md).
            long d = Decision[t];
            double inForce = IntervalInForce(Index[t]);
            if (inForce > 0 && d - RoundToMinute(Records[Index[t]].Time) > 1.5 * inForce * Hour)
            {
                return null;
            }

            var window = new List<Settlement>();
            foreach (int i in Seen)
            {
                if (SeenAt[i] > t)
                {
                    break;
                }

                long time = RoundToMinute(Records[i].Time);
                if (Boundary.Contains(i) && time > d - horizon)
                {
                    return null;
                }

                if (time > d - horizon && time <= d)
                {
                    window.Add(Records[i]);
                }
            }

            return window;
        }
    }

    /// <summary>The naive value of a funding feature (raw settlements, raw mark/index prices, the frame's close and times).</summary>
    public static double[] FundingFeature(string name, MarketFrame frame, IEnumerable<FundingSettlement> funding, IEnumerable<ReferencePrice>? prices = null)
    {
        int n = frame.Length;
        var view = new FundingView(frame, funding);
        var f = new double[n];
        for (int t = 0; t < n; t++)
        {
            f[t] = view.Rate(t);
        }

        double[] PerBar(Func<int, double> g)
        {
            var r = new double[n];
            for (int t = 0; t < n; t++)
            {
                r[t] = g(t);
            }

            return r;
        }

        double ZScore(int t)
        {
            var w = view.KnownWindow(t, 30 * Day);
            if (w is null || w.Count < 2)
            {
                return double.NaN;
            }

            var rates = w.Select(s => s.Rate).ToList();
            return Div(f[t] - Mean(rates), Std(rates, sample: true));
        }

        double Extreme(int t, int sign)
        {
            var w = view.KnownWindow(t, 30 * Day);
            if (w is null)
            {
                return double.NaN;
            }

            if (w.Count < 2)
            {
                return double.NaN; // no z-score at all (not a flat window)
            }

            double z = ZScore(t);
            return double.IsNaN(z) ? 0 : (sign > 0 ? z > 2 : z < -2) ? 1 : 0; // a known but flat window: 0
        }

        double[] AsOfPrice(ReferencePriceKind kind) =>
            AsOfValues(frame, (prices ?? []).Where(p => p.Kind == kind), p => p.Price, ReferenceStaleness);

        switch (name)
        {
            case "funding_rate":
                return f;
            case "funding_rate_change":
                return PerBar(t =>
                {
                    int i = view.Index[t];
                    if (i < 0)
                    {
                        return double.NaN;
                    }

                    // NaN for the first seen settlement and after a hole; and, for the contract's fixed lookback, during the
                    // first ceil(8 h / Δ) bars (8 h: the longest interval, after which the settlement before F is always seen).
                    int k = view.Seen.IndexOf(i);
                    bool unknown = k < 0 || k == 0 || view.HoleBefore.Contains(i) || t < view.LookbackBars(8 * Hour);
                    return unknown ? double.NaN : f[t] - view.Records[view.Seen[k - 1]].Rate;
                });
            case "funding_rate_change_24h":
            {
                int k = Bars(frame, 24 * Hour);
                return PerBar(t => t < k ? double.NaN : f[t] - f[t - k]);
            }

            case "funding_annualized":
                return PerBar(t => view.Index[t] < 0 ? double.NaN : f[t] * (24 / view.Records[view.Index[t]].IntervalHours) * 365);
            case "cumulative_funding_7d":
                return PerBar(t =>
                {
                    var w = view.KnownWindow(t, 7 * Day);
                    if (w is null)
                    {
                        return double.NaN;
                    }

                    double s = 0;
                    foreach (var x in w)
                    {
                        s += x.Rate;
                    }

                    return s;
                });
            case "funding_zscore_30d":
                return PerBar(ZScore);
            case "funding_percentile_252d":
                return PerBar(t => view.KnownWindow(t, 252 * Day) is { } w ? Percentile(w.Select(s => s.Rate).ToList(), f[t]) : double.NaN);
            case "funding_extreme_positive":
                return PerBar(t => Extreme(t, +1));
            case "funding_extreme_negative":
                return PerBar(t => Extreme(t, -1));
            case "minutes_to_funding":
                return PerBar(t =>
                {
                    int i = view.Index[t];
                    if (i < 0 || !(view.Records[i].IntervalHours > 0))
                    {
                        return double.NaN;
                    }

                    long s = RoundToMinute(view.Records[i].Time);
                    long step = (long)Math.Round(view.Records[i].IntervalHours * Hour);
                    long next = s + step;
                    while (next < view.Decision[t])
                    {
                        next += step;
                    }

                    return (next - view.Decision[t]) / (double)Minute;
                });
            case "basis":
            {
                var mark = AsOfPrice(ReferencePriceKind.Mark);
                var c = frame.Close.ToArray();
                return PerBar(t => Div(c[t] - mark[t], mark[t]));
            }

            case "premium":
            {
                var mark = AsOfPrice(ReferencePriceKind.Mark);
                var index = AsOfPrice(ReferencePriceKind.Index);
                return PerBar(t => Div(mark[t] - index[t], index[t]));
            }

            default:
                throw new ArgumentException($"not a funding feature: {name}", nameof(name));
        }
    }

    // ---- liquidations ----------------------------------------------------------------------------------------------

    /// <summary>Long notional, short notional and count per bar, summed from the distinct raw events in [open, open + Δ).</summary>
    public static (double[] Long, double[] Short, double[] Count) LiquidationBars(MarketFrame frame, IEnumerable<LiquidationEvent> events)
    {
        int n = frame.Length;
        var ll = new double[n];
        var sl = new double[n];
        var count = new double[n];
        var open = frame.Time.ToArray();
        long delta = frame.Timeframe.Milliseconds;
        foreach (var e in Clean(events))
        {
            int bar = Array.BinarySearch(open, e.Time);
            if (bar < 0)
            {
                bar = ~bar - 1; // the last bar opening before the event
            }

            if (bar < 0 || e.Time >= open[bar] + delta)
            {
                continue; // before the first bar, in a gap, or after the last close
            }

            if (e.Side == LiquidationSide.Long)
            {
                ll[bar] += e.Notional;
            }
            else
            {
                sl[bar] += e.Notional;
            }

            count[bar] += 1;
        }

        return (ll, sl, count);
    }

    /// <summary>The naive value of a liquidation feature.</summary>
    public static double[] LiquidationFeature(string name, MarketFrame frame, IEnumerable<LiquidationEvent> events)
    {
        var (ll, sl, count) = LiquidationBars(frame, events);
        int n = frame.Length;
        var total = new double[n];
        for (int t = 0; t < n; t++)
        {
            total[t] = ll[t] + sl[t];
        }

        int h = Bars(frame, Hour);
        int day = Bars(frame, 24 * Hour);
        double Sum(double[] x, int t, int k)
        {
            double s = 0;
            for (int i = t - k + 1; i <= t; i++)
            {
                s += x[i];
            }

            return s;
        }

        double[] PerBar(int k, Func<int, double> g)
        {
            var r = Nan(n);
            for (int t = k - 1; t < n; t++)
            {
                r[t] = g(t);
            }

            return r;
        }

        return name switch
        {
            "net_liquidation" => PerBar(1, t => ll[t] - sl[t]),
            "liquidation_vol_1h" => PerBar(h, t => Sum(total, t, h)),
            "long_liq_vol_1h" => PerBar(h, t => Sum(ll, t, h)),
            "short_liq_vol_1h" => PerBar(h, t => Sum(sl, t, h)),
            "liquidation_count_1h" => PerBar(h, t => Sum(count, t, h)),
            "avg_liq_size_1h" => PerBar(h, t => Div(Sum(total, t, h), Sum(count, t, h))),
            "liq_imbalance_1h" => PerBar(h, t => Div(Sum(ll, t, h) - Sum(sl, t, h), Sum(ll, t, h) + Sum(sl, t, h))),
            "liq_long_short_ratio_1h" => PerBar(h, t => Div(Sum(ll, t, h), Sum(sl, t, h))),
            "liquidation_intensity" => PerBar(1, t => Div(total[t], frame[MarketColumn.QuoteVolume][t])),
            "liq_spike_24h" => Rolling(total, day, (w, t) => Div(total[t], Mean(w))),
            "liq_zscore_24h" => Rolling(total, day, (w, t) => Div(total[t] - Mean(w), Std(w, sample: true))),
            _ => throw new ArgumentException($"not a liquidation feature: {name}", nameof(name)),
        };
    }

    // ---- positioning -----------------------------------------------------------------------------------------------

    /// <summary>The naive value of a positioning feature from the raw snapshots (as of d + 1 s, 1 h staleness).</summary>
    public static double[] PositioningFeature(string name, MarketFrame frame, IEnumerable<PositioningSnapshot> snapshots)
    {
        var list = snapshots.ToList();
        double[] Field(Func<PositioningSnapshot, double> g) => AsOfValues(frame, list, g, PositioningStaleness);
        var ls = Field(s => s.LongShortRatio);
        switch (name)
        {
            case "ls_ratio":
                return ls;
            case "ls_ratio_change_1h":
                return Change(ls, Bars(frame, Hour));
            case "ls_ratio_change_4h":
                return Change(ls, Bars(frame, 4 * Hour));
            case "ls_ratio_percentile_30d":
                return Rolling(ls, Bars(frame, 30 * Day), (w, t) => Percentile(w, ls[t]));
            case "top_trader_ls_ratio":
                return Field(s => s.TopTraderLongShortRatio);
            case "top_trader_position_ratio":
                return Field(s => s.TopTraderPositionRatio);
            case "taker_ls_vol_ratio":
                return Field(s => s.TakerLongShortVolRatio);
            case "ls_top_vs_crowd":
            {
                var top = Field(s => s.TopTraderLongShortRatio);
                var r = Nan(ls.Length);
                for (int t = 0; t < r.Length; t++)
                {
                    r[t] = top[t] > 0 && ls[t] > 0 ? Math.Log(top[t]) - Math.Log(ls[t]) : double.NaN;
                }

                return r;
            }

            default:
                throw new ArgumentException($"not a positioning feature: {name}", nameof(name));
        }
    }
}
