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
        var (rows, changes) = Run(time, names, names.Select(c => columns[c]).ToArray(),
            options.Timeframe ?? DataValidator.InferTimeframe(time), options);
        var outColumns = new Dictionary<MarketColumn, double[]>();
        for (int k = 0; k < names.Length; k++)
        {
            outColumns[names[k]] = rows.Select(r => r.Values[k]).ToArray();
        }

        return new CleaningResult<IReadOnlyList<Kline>>(KlineTable.ToKlines(rows.Select(r => r.Time).ToArray(), outColumns), changes);
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
        var (rows, changes) = Run(frame.Time.ToArray(), names, names.Select(c => frame[c].ToArray()).ToArray(), frame.Timeframe, options);
        var b = new MarketFrameBuilder(frame.Timeframe).WithSymbol(frame.Symbol).WithTime(rows.Select(r => r.Time).ToArray());
        for (int k = 0; k < names.Length; k++)
        {
            b.WithColumn(names[k], rows.Select(r => r.Values[k]).ToArray());
        }

        return new CleaningResult<MarketFrame>(b.Build(), changes);
    }

    private static (List<Row> Rows, List<CleaningChange> Changes) Run(long[] time, MarketColumn[] names, double[][] columns, Timeframe? timeframe,
        CleaningOptions options)
    {
        if (options.MaxFillBars < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxFillBars, "CleaningOptions.MaxFillBars must be ≥ 1.");
        }

        var rows = new List<Row>(time.Length);
        for (int i = 0; i < time.Length; i++)
        {
            rows.Add(new Row(time[i], i, columns.Select(c => c[i]).ToArray()));
        }

        var changes = new List<CleaningChange>();
        var fixes = options.Fixes;
        var ix = new ColumnIndex(names);
        if (fixes.HasFlag(CleaningFixes.DropNonPositivePrices))
        {
            rows = DropNonPositive(rows, ix, changes);
        }

        if (fixes.HasFlag(CleaningFixes.Sort))
        {
            rows = Sort(rows, changes);
        }

        if (fixes.HasFlag(CleaningFixes.Deduplicate))
        {
            rows = Deduplicate(rows, ix, options.KeepLastDuplicate, changes);
        }

        if (fixes.HasFlag(CleaningFixes.SwapHighLow))
        {
            SwapHighLow(rows, ix, changes);
        }

        if (fixes.HasFlag(CleaningFixes.ForwardFillGaps) && timeframe is { } tf)
        {
            rows = FillGaps(rows, names, ix, tf.Milliseconds, options.MaxFillBars, changes);
        }

        return (rows, changes);
    }

    private static List<Row> DropNonPositive(List<Row> rows, ColumnIndex ix, List<CleaningChange> changes)
    {
        var kept = new List<Row>(rows.Count);
        foreach (var r in rows)
        {
            double o = r.Values[ix.Open], h = r.Values[ix.High], l = r.Values[ix.Low], c = r.Values[ix.Close];
            if (!QualityRules.HasNonPositivePrice(o, h, l, c))
            {
                kept.Add(r);
                continue;
            }

            var column = o <= 0 ? MarketColumn.Open : h <= 0 ? MarketColumn.High : l <= 0 ? MarketColumn.Low : MarketColumn.Close;
            changes.Add(new CleaningChange(CleaningAction.DroppedNonPositivePrice, r.Time, r.Source, column, r.Values[ix[column]], double.NaN,
                Text($"dropped row {r.Source} at {MarketFrame.FormatTime(r.Time)}: non-positive price (open {o}, high {h}, low {l}, close {c})")));
        }

        return kept;
    }

    private static List<Row> Sort(List<Row> rows, List<CleaningChange> changes)
    {
        var sorted = rows.OrderBy(r => r.Time).ToList(); // OrderBy is stable
        var position = new Dictionary<Row, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < sorted.Count; i++)
        {
            position[sorted[i]] = i;
        }

        long latest = long.MinValue;
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (r.Time < latest)
            {
                int to = position[r];
                var next = sorted[to + 1];
                changes.Add(new CleaningChange(CleaningAction.MovedRow, r.Time, r.Source, null, r.Source, to,
                    Text($"moved row {r.Source} ({MarketFrame.FormatTime(r.Time)}), which came after a later time, to position {to}, before row {next.Source} ({MarketFrame.FormatTime(next.Time)})")));
            }

            latest = Math.Max(latest, r.Time);
        }

        return sorted;
    }

    private static List<Row> Deduplicate(List<Row> rows, ColumnIndex ix, bool keepLast, List<CleaningChange> changes)
    {
        var keeper = new Dictionary<long, Row>();
        IEnumerable<Row> scan = keepLast ? Enumerable.Reverse(rows) : rows;
        foreach (var r in scan)
        {
            keeper.TryAdd(r.Time, r);
        }

        var kept = new List<Row>(keeper.Count);
        foreach (var r in rows)
        {
            var k = keeper[r.Time];
            if (ReferenceEquals(k, r))
            {
                kept.Add(r);
                continue;
            }

            bool same = r.Values.AsSpan().SequenceEqual(k.Values);
            changes.Add(new CleaningChange(CleaningAction.RemovedDuplicate, r.Time, r.Source, null, double.NaN, double.NaN,
                Text($"removed row {r.Source} at {MarketFrame.FormatTime(r.Time)}: the same time as row {k.Source}, which was kept ({(same ? "identical values" : $"values differ: close {r.Values[ix.Close]} removed, {k.Values[ix.Close]} kept")})")));
        }

        return kept;
    }

    private static void SwapHighLow(List<Row> rows, ColumnIndex ix, List<CleaningChange> changes)
    {
        foreach (var r in rows)
        {
            double h = r.Values[ix.High], l = r.Values[ix.Low];
            if (!QualityRules.IsHighBelowLow(h, l))
            {
                continue;
            }

            r.Values[ix.High] = l;
            r.Values[ix.Low] = h;
            string at = $"row {r.Source} at {MarketFrame.FormatTime(r.Time)}";
            changes.Add(new CleaningChange(CleaningAction.SwappedHighLow, r.Time, r.Source, MarketColumn.High, h, l, Text($"{at}: high {h} < low {l}, high set to {l}")));
            changes.Add(new CleaningChange(CleaningAction.SwappedHighLow, r.Time, r.Source, MarketColumn.Low, l, h, Text($"{at}: low set to {h}")));
        }
    }

    private static List<Row> FillGaps(List<Row> rows, MarketColumn[] names, ColumnIndex ix, long delta, int maxBars, List<CleaningChange> changes)
    {
        var result = new List<Row>(rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            if (i > 0)
            {
                var previous = rows[i - 1];
                long diff = rows[i].Time - previous.Time;
                long missing = diff / delta - 1;
                if (QualityRules.IsGap(diff, delta) && diff % delta == 0 && missing <= maxBars)
                {
                    for (long j = 1; j <= missing; j++)
                    {
                        var filled = FilledRow(previous, names, ix);
                        var bar = new Row(previous.Time + (j * delta), -1, filled);
                        result.Add(bar);
                        changes.Add(new CleaningChange(CleaningAction.FilledGap, bar.Time, -1, MarketColumn.Close, double.NaN, filled[ix.Close],
                            Text($"inserted the missing bar {MarketFrame.FormatTime(bar.Time)} ({j} of {missing} after {MarketFrame.FormatTime(previous.Time)}): open = high = low = close = {filled[ix.Close]}, volumes 0")));
                    }
                }
            }

            result.Add(rows[i]);
        }

        return result;
    }

    private static double[] FilledRow(Row previous, MarketColumn[] names, ColumnIndex ix)
    {
        double close = previous.Values[ix.Close];
        var values = new double[names.Length];
        for (int k = 0; k < names.Length; k++)
        {
            var c = names[k];
            values[k] = c switch
            {
                MarketColumn.Open or MarketColumn.High or MarketColumn.Low or MarketColumn.Close => close,
                MarketColumn.IntrabarCoverage => 0.0,
                _ when c.IsIntrabar() => double.NaN,
                _ => Resampler.AggregationOf(c) == ResampleAggregation.Sum ? 0.0 : previous.Values[k],
            };
        }

        return values;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A row being cleaned: its time, its index in the input (−1 when inserted) and its values (mutable for swaps).</summary>
    private sealed record Row(long Time, int Source, double[] Values);

    /// <summary>Positions of the columns in a row's values.</summary>
    private sealed class ColumnIndex(MarketColumn[] names)
    {
        public int Open { get; } = Array.IndexOf(names, MarketColumn.Open);

        public int High { get; } = Array.IndexOf(names, MarketColumn.High);

        public int Low { get; } = Array.IndexOf(names, MarketColumn.Low);

        public int Close { get; } = Array.IndexOf(names, MarketColumn.Close);

        public int this[MarketColumn column] => Array.IndexOf(names, column);
    }
}
