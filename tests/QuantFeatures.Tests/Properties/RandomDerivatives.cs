namespace QuantFeatures.Tests.Properties;

/// <summary>
/// The derivatives columns of a random frame (see <see cref="RandomFrames.Build(FrameCase, int, int)"/>), shaped like the
/// columns <see cref="Data.MarketDataLoader"/> produces:
/// <list type="bullet">
/// <item><c>open_interest</c>, <c>open_interest_value</c>: a random walk snapshotted every 5 minutes (so carried forward over
/// 1m bars), 5 % of snapshots missing (the previous value carries on); the value = OI × the open of the bar.</item>
/// <item><c>funding_rate</c>, <c>funding_time</c>, <c>funding_interval_hours</c>: a settlement schedule on whole hours, from
/// at most 7 h before the first bar, whose interval changes among 1 h, 4 h and 8 h — only intervals ≥ 6 Δ, so that a gap
/// of up to 5 bars never hides a settlement (8 h alone above 1h bars, where the event-time features are not offered);
/// each settlement stamped 0 … 15 ms late. Every bar carries the last settlement with time ≤ its decision time + 1 s (the
/// loader's timestamp tolerance): its rate, its time and the interval in force (the spacing from the previous
/// settlement). The rate is an AR(1) around 0.01 % per 8 h scaled to the interval, with rare spikes, rounded to 1e-8.
/// A change to a longer interval (1 h → 8 h) makes the next settlement look overdue for hours by the interval in force,
/// which the event-time features rightly treat as unknown: clean cases (no holes, not degenerate), on which the leading
/// NaN count is checked against the lookback, only shorten the interval (8 h → 4 h → 1 h, as Binance does in volatile
/// markets); the others change both ways.</item>
/// <item><c>mark_price</c>, <c>index_price</c>: the close × (1 + a small AR(1) basis).</item>
/// <item><c>long_liquidation_notional</c>, <c>short_liquidation_notional</c>, <c>liquidation_count</c>: in degenerate frames
/// mostly 0, a few events now and then, bursts of many; otherwise an active market with at least one long and one short
/// liquidation per bar (clean input on which every ratio of liquidation sums is defined); whole counts; notionals 0 when
/// the count is 0.</item>
/// <item>The four positioning ratios: AR(1) processes around 1 … 1.5 (positive), snapshotted like the open interest.</item>
/// </list>
/// NaN holes (when the case has a NaN rate) come in runs, the way staleness produces them: the three funding columns
/// together, open interest and its value together, the ratios one at a time or all four, mark and index each on its own;
/// a liquidation bar is now and then NaN in all three columns. Degenerate cases add flat (and zero) open interest, runs of
/// equal funding rates, mark = index = close, long stretches (or a whole frame) without liquidations, and runs where the
/// four ratios are equal and flat.
/// <para>Cases with <see cref="FrameCase.History"/> also get the loader's <see cref="FundingHistory"/>: the schedule then
/// starts 253 days before the first bar, the history holds the settlements from 252 days before the first decision time
/// (each counting from its time − 1 s), funding holes are missing settlements (in the history and in the columns, which
/// carry the previous one forward and turn NaN after the loader's 24 h staleness limit) instead of NaN runs.</para>
/// <para>The values come from their own generators (seeded from the case seed, and from the future seed for the bars from
/// <c>replaceFrom</c> on), so adding them changes no value of the other columns. The funding schedule (settlement times,
/// jitter, interval changes) has its own generator too, seeded from the case seed alone: it is the same in a frame and in
/// its "changed future", whose times are the same; only the rates settled after the change may differ.</para>
/// </summary>
internal static class RandomDerivatives
{
    private const long Hour = 3_600_000L;
    private const long FiveMinutes = 300_000L;
    private const long Day = 24 * Hour;
    private const long Tolerance = 1_000L; // MarketDataLoaderOptions.TimestampTolerance
    private const long Staleness = Day; // MarketDataLoaderOptions.Funding
    private const int HistoryDays = 252; // MarketDataLoaderOptions.FundingHistory

    /// <summary>The derivatives columns of a frame with open times <paramref name="t"/> and the given (hole-free) opens and
    /// closes; bars from <paramref name="replaceFrom"/> on (when &gt; 0) draw their values from <paramref name="futureSeed"/>.</summary>
    public static IEnumerable<(MarketColumn Column, double[] Values)> Columns(FrameCase c, long[] t, double[] open, double[] close, int futureSeed, int replaceFrom,
        out FundingHistory? history)
    {
        int n = t.Length;
        long delta = c.Timeframe.Milliseconds;
        var own = new Random(c.Seed ^ 0x7E3A9B21);
        var other = new Random(futureSeed ^ 0x1B873593);
        long firstDecision = n > 0 ? t[0] + delta : 0;
        var schedule = new FundingSchedule(c.Seed, delta, n > 0 ? t[0] : 0, c.History ? HistoryDays + 1 : 0, shortenOnly: !c.Degenerate && c.NanRate == 0);
        var settlements = new List<(long Time, double Rate, double Interval)>();

        var oiCol = new double[n];
        var oivCol = new double[n];
        var rateCol = new double[n];
        var timeCol = new double[n];
        var intervalCol = new double[n];
        var markCol = new double[n];
        var indexCol = new double[n];
        var longCol = new double[n];
        var shortCol = new double[n];
        var countCol = new double[n];
        var ratioCols = new[] { new double[n], new double[n], new double[n], new double[n] };

        // Drawn before any bar from the case's own generator: the same in a frame and in its changed future.
        double oi = 1e9 / c.Scale * (0.5 + own.NextDouble());
        bool silent = c.Degenerate && own.NextDouble() < 0.15; // a frame without a single liquidation

        double oiValue = double.NaN, rate8 = 1e-4, rate = double.NaN, markBasis = 0, indexBasis = 0;
        long settledTime = 0, settledInterval = 0;
        bool settled = false;
        int oiFlat = 0, oiZero = 0, equalRun = 0, quiet = 0, burst = 0;
        int fundingHole = 0, oiHole = 0, markHole = 0, indexHole = 0;
        var ratioHole = new int[4];
        double ls = 1.3, top = 1.25, position = 1.1, taker = 1.0;
        for (int i = 0; i < n; i++)
        {
            var r = i >= replaceFrom && replaceFrom > 0 ? other : own;
            long decision = t[i] + delta;
            bool holes = c.NanRate > 0;

            // Funding: every settlement available by the decision time settles its rate; the bar carries the last one. With a
            // history, holes are missing records, as in real data: the columns carry the previous settlement forward.
            while (schedule.NextTime <= decision + Tolerance)
            {
                if (c.History && holes && r.NextDouble() < c.NanRate)
                {
                    schedule.Advance();
                    continue;
                }

                bool keep = settled && c.Degenerate && r.NextDouble() < 0.4; // a run of equal rates
                if (!keep)
                {
                    rate8 = 1e-4 + (0.8 * (rate8 - 1e-4)) + (6e-5 * Support.TestData.Gauss(r));
                    if (r.NextDouble() < 0.03)
                    {
                        rate8 += (r.NextDouble() < 0.5 ? -1 : 1) * 2e-3; // a squeeze
                    }

                    rate = Math.Round(rate8 * schedule.NextInterval / (8.0 * Hour) * 1e8) / 1e8;
                }

                settledTime = schedule.NextTime;
                settledInterval = schedule.NextInterval;
                settled = true;
                settlements.Add((settledTime, rate, settledInterval / (double)Hour));
                schedule.Advance();
            }

            // Without a history: NaN runs in the three columns. With one: the loader's staleness limit (24 h).
            fundingHole = c.History ? 0 : Hole(r, c, fundingHole);
            bool fundingKnown = settled && fundingHole == 0 && (!c.History || decision - settledTime <= Staleness);
            rateCol[i] = fundingKnown ? rate : double.NaN;
            timeCol[i] = fundingKnown ? settledTime : double.NaN;
            intervalCol[i] = fundingKnown ? settledInterval / (double)Hour : double.NaN;

            // Open interest: a new snapshot when a 5-minute mark has passed since the previous bar's decision time.
            bool snapshot = i == 0 || Grid(decision) != Grid(t[i - 1] + delta);
            if (c.Degenerate)
            {
                oiFlat = oiFlat > 0 ? oiFlat - 1 : r.NextDouble() < 0.02 ? r.Next(5, 60) : 0;
                oiZero = oiZero > 0 ? oiZero - 1 : r.NextDouble() < 0.01 ? r.Next(1, 6) : 0;
            }

            if (i == 0 || (snapshot && r.NextDouble() >= 0.05))
            {
                if (oiFlat == 0 || i == 0)
                {
                    oi = Math.Round(oi * Math.Exp(0.003 * Support.TestData.Gauss(r)), 3);
                }

                oiValue = oi * open[i];
            }

            oiHole = Hole(r, c, oiHole);
            oiCol[i] = oiHole > 0 ? double.NaN : oiZero > 0 ? 0 : oi;
            oivCol[i] = oiHole > 0 ? double.NaN : oiZero > 0 ? 0 : oiValue;

            // Mark and index: near the close.
            markBasis = (0.9 * markBasis) + (3e-4 * Support.TestData.Gauss(r));
            indexBasis = (0.9 * indexBasis) + (1e-4 * Support.TestData.Gauss(r));
            bool same = c.Degenerate && r.NextDouble() < 0.2;
            markHole = Hole(r, c, markHole);
            indexHole = Hole(r, c, indexHole);
            markCol[i] = markHole > 0 ? double.NaN : same ? close[i] : close[i] * (1 + markBasis);
            indexCol[i] = indexHole > 0 ? double.NaN : same ? close[i] : close[i] * (1 + indexBasis);

            // Liquidations. Degenerate frames: the sparse regime of most markets and small bars, mostly none, a few events now
            // and then, bursts of many, long quiet stretches (or a silent frame). Other frames: an active market, with a long
            // and a short liquidation in every bar (more in bursts), where every ratio of liquidation sums is defined, so
            // that clean input has values from the lookback on.
            int count = 0;
            if (c.Degenerate && quiet == 0 && r.NextDouble() < 0.01)
            {
                quiet = r.Next(20, 200);
            }

            if (silent || quiet > 0)
            {
                quiet = Math.Max(0, quiet - 1);
            }
            else if (burst > 0)
            {
                burst--;
                count = r.Next(1, 40);
            }
            else if (r.NextDouble() < 0.03)
            {
                burst = r.Next(0, 8);
                count = r.Next(1, 40);
            }
            else if (!c.Degenerate || r.NextDouble() < 0.08)
            {
                count = r.Next(1, 4);
            }

            if (!c.Degenerate)
            {
                count = Math.Max(count, 2);
            }

            double longs = 0, shorts = 0, longShare = r.NextDouble();
            for (int e = 0; e < count; e++)
            {
                double u = r.NextDouble();
                double notional = close[i] * 0.05 * (1 + (300 * u * u * u));
                if ((c.Degenerate || e > 1) ? r.NextDouble() < longShare : e == 0)
                {
                    longs += notional;
                }
                else
                {
                    shorts += notional;
                }
            }

            bool liqHole = holes && r.NextDouble() < c.NanRate / 2;
            longCol[i] = liqHole ? double.NaN : longs;
            shortCol[i] = liqHole ? double.NaN : shorts;
            countCol[i] = liqHole ? double.NaN : count;

            // Positioning ratios: snapshotted like the open interest; degenerate runs of four equal, flat ratios.
            if (i == 0 || (snapshot && r.NextDouble() >= 0.05))
            {
                if (equalRun > 0)
                {
                    equalRun--;
                }
                else if (c.Degenerate && r.NextDouble() < 0.02)
                {
                    equalRun = r.Next(5, 50);
                    top = position = taker = ls;
                }
                else
                {
                    ls = Ratio(1.3 + (0.95 * (ls - 1.3)) + (0.03 * Support.TestData.Gauss(r)));
                    top = Ratio(ls + (0.9 * (top - ls)) + (0.03 * Support.TestData.Gauss(r)));
                    position = Ratio(1.1 + (0.95 * (position - 1.1)) + (0.02 * Support.TestData.Gauss(r)));
                    taker = Ratio(1 + (0.5 * (taker - 1)) + (0.1 * Support.TestData.Gauss(r)));
                }
            }

            if (holes && r.NextDouble() < c.NanRate / 3)
            {
                int length = r.Next(1, 12);
                int only = r.NextDouble() < 0.5 ? -1 : r.Next(4); // all four, or one ratio
                for (int k = 0; k < 4; k++)
                {
                    if (only < 0 || only == k)
                    {
                        ratioHole[k] = Math.Max(ratioHole[k], length);
                    }
                }
            }

            double[] ratios = [ls, top, position, taker];
            for (int k = 0; k < 4; k++)
            {
                ratioCols[k][i] = ratioHole[k] > 0 ? double.NaN : ratios[k];
                ratioHole[k] = Math.Max(0, ratioHole[k] - 1);
            }
        }

        // The loader's history: the settlements from 252 days before the first decision time to the last one available,
        // each counting from its time − the timestamp tolerance (no publication delay).
        history = null;
        if (c.History && n > 0)
        {
            var kept = settlements.Where(x => x.Time >= firstDecision - (HistoryDays * Day)).ToArray();
            history = new FundingHistory(kept.Select(x => x.Time).ToArray(), kept.Select(x => x.Rate).ToArray(), kept.Select(x => x.Interval).ToArray(),
                kept.Select(x => x.Time - Tolerance).ToArray());
        }

        return
        [
            (MarketColumn.OpenInterest, oiCol), (MarketColumn.OpenInterestValue, oivCol),
            (MarketColumn.FundingRate, rateCol), (MarketColumn.FundingTime, timeCol), (MarketColumn.FundingIntervalHours, intervalCol),
            (MarketColumn.MarkPrice, markCol), (MarketColumn.IndexPrice, indexCol),
            (MarketColumn.LongLiquidationNotional, longCol), (MarketColumn.ShortLiquidationNotional, shortCol), (MarketColumn.LiquidationCount, countCol),
            (MarketColumn.LongShortRatio, ratioCols[0]), (MarketColumn.TopTraderLongShortRatio, ratioCols[1]),
            (MarketColumn.TopTraderPositionRatio, ratioCols[2]), (MarketColumn.TakerLongShortVolRatio, ratioCols[3]),
        ];
    }

    /// <summary>A run of NaN bars: <paramref name="remaining"/> is what the previous bar returned (the bars of its run left,
    /// itself included); a new run of 1 … 11 bars starts with a third of the case's NaN rate. Returns &gt; 0 when this bar is
    /// in a run.</summary>
    private static int Hole(Random r, FrameCase c, int remaining)
    {
        if (c.NanRate <= 0)
        {
            return 0;
        }

        if (remaining > 1)
        {
            return remaining - 1;
        }

        return r.NextDouble() < c.NanRate / 3 ? r.Next(1, 12) : 0;
    }

    private static long Grid(long time) => time / FiveMinutes; // times are positive

    private static double Ratio(double x) => Math.Round(Math.Max(0.05, x), 4);

    /// <summary>Settlement times on whole hours, from at most 7 h (plus <c>daysBefore</c> days) before the first bar, with
    /// interval changes among the allowed intervals (only to shorter ones with <c>shortenOnly</c>); stamped 0 … 15 ms late.
    /// Depends only on the case and the first open time, so it is the same in a frame and in its changed future.</summary>
    private sealed class FundingSchedule
    {
        private readonly Random _rng;
        private readonly long[] _intervals; // ascending
        private readonly bool _shortenOnly;
        private int _current;
        private long _grid;

        public FundingSchedule(int seed, long delta, long firstOpen, int daysBefore, bool shortenOnly)
        {
            _rng = new Random(seed ^ 0x2F6B1C3D);
            _shortenOnly = shortenOnly;
            long[] allowed = [.. new long[] { Hour, 4 * Hour, 8 * Hour }.Where(i => i >= 6 * delta)];
            _intervals = allowed.Length > 0 ? allowed : [8 * Hour];
            _current = _rng.Next(_intervals.Length);
            NextInterval = _intervals[_current];
            _grid = firstOpen - (Hour * _rng.Next(0, 8)) - (firstOpen % Hour) - (daysBefore * Day);
            NextTime = _grid + _rng.Next(0, 16);
        }

        /// <summary>The time of the next settlement (Unix ms, with its jitter).</summary>
        public long NextTime { get; private set; }

        /// <summary>The interval in force at the next settlement (its spacing from the previous one), in ms.</summary>
        public long NextInterval { get; private set; }

        /// <summary>The next settlement has happened: schedules the one after it (sometimes with another interval).</summary>
        public void Advance()
        {
            if (_intervals.Length > 1 && _rng.NextDouble() < 0.08)
            {
                if (!_shortenOnly)
                {
                    _current = (_current + 1 + _rng.Next(_intervals.Length - 1)) % _intervals.Length;
                }
                else if (_current > 0)
                {
                    _current = _rng.Next(_current);
                }
            }

            NextInterval = _intervals[_current];
            _grid += NextInterval;
            NextTime = _grid + _rng.Next(0, 16);
        }
    }
}
