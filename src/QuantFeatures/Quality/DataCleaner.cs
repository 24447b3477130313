using System.Globalization;
using QuantFeatures.Data;

namespace QuantFeatures.Quality;

/// <summary>
/// Applies the fixes the caller chooses (<see cref="CleaningOptions.Fixes"/>) and reports every change. It never fixes
/// anything it was not asked to; with <see cref="CleaningFixes.None"/> the data comes back unchanged.
/// </summary>
/// <remarks>
/// <para>Fixes run in this order: drop bars with a non-positive price, sort by time, remove duplicate times, swap high and
/// low where high &lt; low, fill short gaps. Each change is a <see cref="CleaningChange"/> (what, where, before/after).</para>
/// <para>Gap filling inserts, for a gap of k ≤ <see cref="CleaningOptions.MaxFillBars"/> missing bars whose length is a whole
/// number of bars, k bars with open = high = low = close = the previous close, volume-like columns (everything the resampler
/// sums: volumes, trades, taker and liquidation values) 0, "as of" columns (open interest, funding, ratios, mark/index) carried
/// forward, <c>intrabar_coverage</c> 0 and the other sub-bar statistics NaN. The filled bars are zero-volume bars, so the
/// validator reports them as volume anomalies: they carry no trading. Gaps that are not a whole number of bars are not filled.</para>
/// </remarks>
public static class DataCleaner
{
    /// <summary>Cleans raw bars.</summary>
    /// <param name="klines">The records, in source order.</param>
    /// <param name="options">The fixes to apply and their settings.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="CleaningOptions.MaxFillBars"/> &lt; 1.</exception>
    public static CleaningResult<IReadOnlyList<Kline>> Clean(IReadOnlyList<Kline> klines, CleaningOptions options)
    {
        ArgumentNullException.ThrowIfNull(klines);
        ArgumentNullException.ThrowIfNull(options);
        var (time, columns) = KlineTable.ToColumns(klines);
        var names = columns.Keys.ToArray();
        var table = new Table(time, names, names.Select(c => columns[c]).ToArray());
        var changes = Run(table, options.Timeframe ?? DataValidator.InferTimeframe(time), options);
        var (outTime, outColumns) = table.Output();
        var byName = new Dictionary<MarketColumn, double[]>();
        for (int k = 0; k < names.Length; k++)
        {
            byName[names[k]] = outColumns[k];
        }

        return new CleaningResult<IReadOnlyList<Kline>>(KlineTable.ToKlines(outTime, byName), changes);
    }

    /// <summary>Cleans a frame (sorting and de-duplication have nothing to do on a frame; the other fixes apply).</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="options">The fixes to apply and their settings; the frame's own timeframe is used for gap filling.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="CleaningOptions.MaxFillBars"/> &lt; 1.</exception>
    public static CleaningResult<MarketFrame> Clean(MarketFrame frame, CleaningOptions options)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        var names = frame.Columns.ToArray();
        var table = new Table(frame.Time.ToArray(), names, names.Select(c => frame[c].ToArray()).ToArray());
        var changes = Run(table, frame.Timeframe, options);
        var (outTime, outColumns) = table.Output();
        var b = new MarketFrameBuilder(frame.Timeframe).WithSymbol(frame.Symbol).WithTime(outTime);
        for (int k = 0; k < names.Length; k++)
        {
            b.WithColumn(names[k], outColumns[k]);
        }

        return new CleaningResult<MarketFrame>(b.Build(), changes);
    }

    private static List<CleaningChange> Run(Table t, Timeframe? timeframe, CleaningOptions options)
    {
        if (options.MaxFillBars < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxFillBars, "CleaningOptions.MaxFillBars must be ≥ 1.");
        }

        var changes = new List<CleaningChange>();
        var fixes = options.Fixes;
        if (fixes.HasFlag(CleaningFixes.DropNonPositivePrices))
        {
            DropNonPositive(t, changes);
        }

        if (fixes.HasFlag(CleaningFixes.Sort))
        {
            Sort(t, changes);
        }

        if (fixes.HasFlag(CleaningFixes.Deduplicate))
        {
            Deduplicate(t, options.KeepLastDuplicate, changes);
        }

        if (fixes.HasFlag(CleaningFixes.SwapHighLow))
        {
            SwapHighLow(t, changes);
        }

        if (fixes.HasFlag(CleaningFixes.ForwardFillGaps) && timeframe is { } tf)
        {
            FillGaps(t, tf.Milliseconds, options.MaxFillBars, changes);
        }

        return changes;
    }

    private static void DropNonPositive(Table t, List<CleaningChange> changes)
    {
        double[] open = t.Column(t.Open), high = t.Column(t.High), low = t.Column(t.Low), close = t.Column(t.Close);
        var kept = new List<int>(t.Rows.Count);
        foreach (int r in t.Rows)
        {
            double o = open[r], h = high[r], l = low[r], c = close[r];
            if (!QualityRules.HasNonPositivePrice(o, h, l, c))
            {
                kept.Add(r);
                continue;
            }

            var (column, value) = o <= 0 ? (MarketColumn.Open, o) : h <= 0 ? (MarketColumn.High, h) : l <= 0 ? (MarketColumn.Low, l) : (MarketColumn.Close, c);
            changes.Add(new CleaningChange(CleaningAction.DroppedNonPositivePrice, t.Time[r], r, column, value, double.NaN,
                Text($"dropped row {r} at {MarketFrame.FormatTime(t.Time[r])}: non-positive price (open {o}, high {h}, low {l}, close {c})")));
        }

        t.Rows = kept;
    }

    private static void Sort(Table t, List<CleaningChange> changes)
    {
        var time = t.Time;
        var rows = t.Rows;
        if (IsNonDecreasing(time, rows))
        {
            return;
        }

        // Rows are in input order, so ordering by (time, input row) is the stable sort by time.
        var sorted = rows.ToArray();
        Array.Sort(sorted, (a, b) => time[a] != time[b] ? time[a].CompareTo(time[b]) : a.CompareTo(b));
        var position = new Dictionary<int, int>(sorted.Length);
        for (int i = 0; i < sorted.Length; i++)
        {
            position[sorted[i]] = i;
        }

        long latest = long.MinValue;
        foreach (int r in rows)
        {
            if (time[r] < latest)
            {
                int to = position[r];
                int next = sorted[to + 1];
                changes.Add(new CleaningChange(CleaningAction.MovedRow, time[r], r, null, r, to,
                    Text($"moved row {r} ({MarketFrame.FormatTime(time[r])}), which came after a later time, to position {to}, before row {next} ({MarketFrame.FormatTime(time[next])})")));
            }

            latest = Math.Max(latest, time[r]);
        }

        t.Rows = [.. sorted];
    }

    private static bool IsNonDecreasing(long[] time, List<int> rows)
    {
        for (int i = 1; i < rows.Count; i++)
        {
            if (time[rows[i]] < time[rows[i - 1]])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsStrictlyIncreasing(long[] time, List<int> rows)
    {
        for (int i = 1; i < rows.Count; i++)
        {
            if (time[rows[i]] <= time[rows[i - 1]])
            {
                return false;
            }
        }

        return true;
    }

    private static void Deduplicate(Table t, bool keepLast, List<CleaningChange> changes)
    {
        var time = t.Time;
        if (IsStrictlyIncreasing(time, t.Rows))
        {
            return;
        }

        var keeper = new Dictionary<long, int>();
        if (keepLast)
        {
            for (int i = t.Rows.Count - 1; i >= 0; i--)
            {
                keeper.TryAdd(time[t.Rows[i]], t.Rows[i]);
            }
        }
        else
        {
            foreach (int r in t.Rows)
            {
                keeper.TryAdd(time[r], r);
            }
        }

        if (keeper.Count == t.Rows.Count)
        {
            return;
        }

        var close = t.Column(t.Close);
        var kept = new List<int>(keeper.Count);
        foreach (int r in t.Rows)
        {
            int k = keeper[time[r]];
            if (k == r)
            {
                kept.Add(r);
                continue;
            }

            bool same = t.Columns.All(c => c[r].Equals(c[k]));
            changes.Add(new CleaningChange(CleaningAction.RemovedDuplicate, time[r], r, null, double.NaN, double.NaN,
                Text($"removed row {r} at {MarketFrame.FormatTime(time[r])}: the same time as row {k}, which was kept ({(same ? "identical values" : $"values differ: close {close[r]} removed, {close[k]} kept")})")));
        }

        t.Rows = kept;
    }

    private static void SwapHighLow(Table t, List<CleaningChange> changes)
    {
        double[] high = t.Column(t.High), low = t.Column(t.Low);
        foreach (int r in t.Rows)
        {
            double h = high[r], l = low[r];
            if (!QualityRules.IsHighBelowLow(h, l))
            {
                continue;
            }

            high[r] = l;
            low[r] = h;
            long time = t.Time[r];
            string at = $"row {r} at {MarketFrame.FormatTime(time)}";
            changes.Add(new CleaningChange(CleaningAction.SwappedHighLow, time, r, MarketColumn.High, h, l, Text($"{at}: high {h} < low {l}, high set to {l}")));
            changes.Add(new CleaningChange(CleaningAction.SwappedHighLow, time, r, MarketColumn.Low, l, h, Text($"{at}: low set to {h}")));
        }
    }

    private static void FillGaps(Table t, long delta, int maxBars, List<CleaningChange> changes)
    {
        var time = t.Time; // input rows only are read through it: inserted bars are appended after them
        var close = t.Column(t.Close);
        var result = new List<int>(t.Rows.Count);
        for (int i = 0; i < t.Rows.Count; i++)
        {
            int r = t.Rows[i];
            if (i > 0)
            {
                int previous = t.Rows[i - 1];
                long diff = time[r] - time[previous];
                long missing = (diff / delta) - 1;
                if (QualityRules.IsGap(diff, delta) && diff % delta == 0 && missing <= maxBars)
                {
                    for (long j = 1; j <= missing; j++)
                    {
                        long at = time[previous] + (j * delta);
                        result.Add(t.Insert(at, previous));
                        changes.Add(new CleaningChange(CleaningAction.FilledGap, at, -1, MarketColumn.Close, double.NaN, close[previous],
                            Text($"inserted the missing bar {MarketFrame.FormatTime(at)} ({j} of {missing} after {MarketFrame.FormatTime(time[previous])}): open = high = low = close = {close[previous]}, volumes 0")));
                    }
                }
            }

            result.Add(r);
        }

        t.Rows = result;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The data being cleaned, column by column: the input rows (their arrays are private copies, changed in place by swaps), the
    /// current row order as indices (dropping, sorting and de-duplicating only rearrange indices), and the bars inserted by gap
    /// filling (indices from the input row count on).
    /// </summary>
    private sealed class Table
    {
        private readonly int _inputRows;
        private long[] _time;
        private readonly List<(long Time, int From)> _inserted = [];

        public Table(long[] time, MarketColumn[] names, double[][] columns)
        {
            _time = time;
            Names = names;
            Columns = columns;
            _inputRows = time.Length;
            Rows = [.. Enumerable.Range(0, time.Length)];
            Open = Array.IndexOf(names, MarketColumn.Open);
            High = Array.IndexOf(names, MarketColumn.High);
            Low = Array.IndexOf(names, MarketColumn.Low);
            Close = Array.IndexOf(names, MarketColumn.Close);
        }

        public long[] Time => _time;

        public MarketColumn[] Names { get; }

        public double[][] Columns { get; }

        public List<int> Rows { get; set; }

        public int Open { get; }

        public int High { get; }

        public int Low { get; }

        public int Close { get; }

        public double[] Column(int index) => Columns[index];

        /// <summary>Registers a bar filled from row <paramref name="from"/> and returns its row index (its time is readable at once).</summary>
        public int Insert(long time, int from)
        {
            int index = _inputRows + _inserted.Count;
            _inserted.Add((time, from));
            if (index >= _time.Length)
            {
                Array.Resize(ref _time, Math.Max(index + 1, _time.Length * 2));
            }

            _time[index] = time;
            return index;
        }

        /// <summary>The rows in their final order: times and one array per column.</summary>
        public (long[] Time, double[][] Columns) Output()
        {
            int n = Rows.Count;
            var time = new long[n];
            var columns = new double[Names.Length][];
            for (int k = 0; k < columns.Length; k++)
            {
                columns[k] = new double[n];
            }

            for (int i = 0; i < n; i++)
            {
                int r = Rows[i];
                time[i] = Time[r];
                if (r < _inputRows)
                {
                    for (int k = 0; k < columns.Length; k++)
                    {
                        columns[k][i] = Columns[k][r];
                    }

                    continue;
                }

                int from = _inserted[r - _inputRows].From;
                double close = Columns[Close][from];
                for (int k = 0; k < columns.Length; k++)
                {
                    columns[k][i] = FilledValue(Names[k], close, Columns[k][from]);
                }
            }

            return (time, columns);
        }

        /// <summary>The value of a filled bar: prices = previous close, summed columns 0, coverage 0, other sub-bar statistics
        /// NaN, "as of" columns carried forward.</summary>
        private static double FilledValue(MarketColumn column, double previousClose, double previousValue) => column switch
        {
            MarketColumn.Open or MarketColumn.High or MarketColumn.Low or MarketColumn.Close => previousClose,
            MarketColumn.IntrabarCoverage => 0.0,
            _ when column.IsIntrabar() => double.NaN,
            _ => Resampler.AggregationOf(column) == ResampleAggregation.Sum ? 0.0 : previousValue,
        };
    }
}
