using System.Globalization;
using System.Runtime.InteropServices;
using QuantFeatures.Data;
using QuantFeatures.Kernels;

namespace QuantFeatures.Quality;

/// <summary>
/// Checks market data and reports what is wrong — it never changes the data (<see cref="DataCleaner"/> does, on request).
/// Works on a <see cref="MarketFrame"/> and on raw <see cref="Kline"/> records before a frame is built (a frame cannot hold
/// duplicate or unsorted times, so those two checks only find something in raw records).
/// </summary>
/// <remarks>
/// <para>Every check of <see cref="QualityCheck"/> is run and reported, with its count, the first offending times, its
/// severity and the affected share; the report's score combines the shares (see <see cref="QualityReport.Score"/>).</para>
/// <para>The gap, volume-anomaly and price rules are the ones the quality features use (<c>gap_detected</c>,
/// <c>volume_anomaly</c>, <c>quality_score</c>): on a frame, the gap count equals the sum of <c>gap_detected</c> and the
/// anomaly count the sum of <c>volume_anomaly</c>. Checks over time order (gaps, volume anomalies) run on the records sorted
/// by time with duplicates removed (first kept), so a raw file reports its gaps even when it is also unsorted.</para>
/// <para>Data problems never throw; only a null argument does.</para>
/// </remarks>
public static class DataValidator
{
    /// <summary>Validates a frame.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="options">Options (defaults when null).</param>
    public static QualityReport Validate(MarketFrame frame, ValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var columns = frame.Columns.Select(c => (c, ArrayOf(frame, c))).ToList();
        return Run(frame.Time.ToArray(), columns, frame.Timeframe, sparse: true, options ?? ValidationOptions.Default);
    }

    /// <summary>Validates raw bars, in the order given, before a frame is built.</summary>
    /// <param name="klines">The records, in source order (possibly unsorted, with duplicates).</param>
    /// <param name="timeframe">The bar length; inferred as the most frequent step between consecutive distinct sorted times
    /// (the smallest on a tie) when null. Without it (fewer than two distinct times) the gap check is not applicable.</param>
    /// <param name="options">Options (defaults when null).</param>
    /// <remarks>Open, high, low, close and volume are always columns; an optional column (quote volume, trades, taker volumes)
    /// counts as present when at least one record has a value for it.</remarks>
    public static QualityReport Validate(IReadOnlyList<Kline> klines, Timeframe? timeframe = null, ValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(klines);
        var (time, columns) = KlineTable.ToColumns(klines);
        var list = columns.Select(kv => (kv.Key, kv.Value)).ToList();
        return Run(time, list, timeframe ?? InferTimeframe(time), sparse: false, options ?? ValidationOptions.Default);
    }

    /// <summary>The most frequent positive step between consecutive distinct sorted times (smallest on a tie), or null.</summary>
    internal static Timeframe? InferTimeframe(ReadOnlySpan<long> time)
    {
        var sorted = time.ToArray();
        Array.Sort(sorted);
        var counts = new Dictionary<long, int>();
        for (int i = 1; i < sorted.Length; i++)
        {
            long step = sorted[i] - sorted[i - 1];
            if (step > 0)
            {
                counts[step] = counts.GetValueOrDefault(step) + 1;
            }
        }

        if (counts.Count == 0)
        {
            return null;
        }

        var best = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First();
        return new Timeframe(best.Key);
    }

    private static QualityReport Run(long[] time, List<(MarketColumn Column, double[] Values)> columns, Timeframe? timeframe,
        bool sparse, ValidationOptions options)
    {
        int n = time.Length;
        int max = Math.Max(1, options.MaxExamples);
        var findings = new QualityFinding[QualityChecks.All.Count];
        if (n == 0)
        {
            foreach (var check in QualityChecks.All)
            {
                findings[(int)check] = check == QualityCheck.EmptyFrame
                    ? new QualityFinding(check, QualitySeverity.Fatal, true, 1, 1.0, [], [], "the data has no rows")
                    : new QualityFinding(check, check.DefaultSeverity(), false, 0, 0, [], [], "");
            }

            return new QualityReport(0, timeframe, null, null, findings);
        }

        findings[(int)QualityCheck.EmptyFrame] = Pass(QualityCheck.EmptyFrame);
        var byColumn = columns.ToDictionary(c => c.Column, c => c.Values);
        var empty = columns.Where(c => AllNaN(c.Values)).Select(c => c.Column).ToHashSet();
        findings[(int)QualityCheck.MissingColumns] = MissingColumns(byColumn, empty, options);
        var usable = columns.Where(c => !empty.Contains(c.Column)).ToList();
        findings[(int)QualityCheck.NaNValues] = NaNValues(time, usable.Where(c => !c.Column.IsIntrabar()).ToList(), max);
        findings[(int)QualityCheck.InfiniteValues] = InfiniteValues(time, columns, max);
        var o = byColumn[MarketColumn.Open];
        var h = byColumn[MarketColumn.High];
        var l = byColumn[MarketColumn.Low];
        var c = byColumn[MarketColumn.Close];
        findings[(int)QualityCheck.NonPositivePrices] = RowCheck(QualityCheck.NonPositivePrices, time, max,
            i => QualityRules.HasNonPositivePrice(o[i], h[i], l[i], c[i]), "bars with a price <= 0");
        findings[(int)QualityCheck.HighBelowLow] = RowCheck(QualityCheck.HighBelowLow, time, max,
            i => QualityRules.IsHighBelowLow(h[i], l[i]), "bars with high < low");
        findings[(int)QualityCheck.OpenCloseOutsideRange] = RowCheck(QualityCheck.OpenCloseOutsideRange, time, max,
            i => QualityRules.IsOpenCloseOutsideRange(o[i], h[i], l[i], c[i]), "bars whose open or close lies outside [low, high]");
        var negative = new bool[n];
        foreach (var (column, values) in columns)
        {
            if (Resampler.AggregationOf(column) == ResampleAggregation.Sum)
            {
                var v = values;
                for (int i = 0; i < n; i++)
                {
                    negative[i] |= v[i] < 0;
                }
            }
        }

        findings[(int)QualityCheck.NegativeVolume] = RowCheck(QualityCheck.NegativeVolume, time, max,
            i => negative[i], "bars with a negative volume, trade count, taker or liquidation value");
        findings[(int)QualityCheck.DuplicateTimes] = Duplicates(time, max);
        findings[(int)QualityCheck.UnsortedTimes] = Unsorted(time, max);

        // Time-order checks on the rows sorted by time, duplicates removed (the first row of a time kept).
        var order = SortedDistinctRows(time);
        var sortedTime = Gather(time, order);
        findings[(int)QualityCheck.Gaps] = Gaps(sortedTime, timeframe, max);
        findings[(int)QualityCheck.VolumeAnomalies] = byColumn.TryGetValue(MarketColumn.Volume, out var volume) && !empty.Contains(MarketColumn.Volume)
            ? VolumeAnomalies(sortedTime, Gather(volume, order), max)
            : NotApplicable(QualityCheck.VolumeAnomalies);
        findings[(int)QualityCheck.StaleValues] = sparse ? Stale(time, columns, options, max) : NotApplicable(QualityCheck.StaleValues);
        findings[(int)QualityCheck.IncompleteBars] = byColumn.TryGetValue(MarketColumn.IntrabarCoverage, out var coverage)
            ? Incomplete(time, coverage, max)
            : NotApplicable(QualityCheck.IncompleteBars);
        return new QualityReport(n, timeframe, sortedTime[0], sortedTime[^1], findings);
    }

    /// <summary>The frame's own array of a column (no copy; frames wrap whole arrays).</summary>
    private static double[] ArrayOf(MarketFrame frame, MarketColumn column) =>
        MemoryMarshal.TryGetArray(frame.GetMemory(column), out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : frame[column].ToArray();

    private static QualityFinding Pass(QualityCheck check) => new(check, check.DefaultSeverity(), true, 0, 0, [], [], "");

    private static QualityFinding NotApplicable(QualityCheck check) => new(check, check.DefaultSeverity(), false, 0, 0, [], [], "");

    private static bool AllNaN(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                return false;
            }
        }

        return true;
    }

    private static QualityFinding MissingColumns(Dictionary<MarketColumn, double[]> present, HashSet<MarketColumn> empty, ValidationOptions options)
    {
        var expected = options.ExpectedColumns.Distinct().ToArray();
        var missing = expected.Where(c => !present.ContainsKey(c) || empty.Contains(c)).ToArray();
        if (missing.Length == 0)
        {
            return Pass(QualityCheck.MissingColumns);
        }

        bool fatal = missing.Any(MarketColumns.Required.Contains);
        string detail = string.Join(", ", missing.Select(c => c.Name() + (present.ContainsKey(c) ? " (all NaN)" : " (absent)")));
        return new QualityFinding(QualityCheck.MissingColumns, fatal ? QualitySeverity.Fatal : QualitySeverity.Warning, true, missing.Length,
            (double)missing.Length / expected.Length, [], missing, detail);
    }

    private static QualityFinding NaNValues(long[] time, List<(MarketColumn Column, double[] Values)> columns, int max)
    {
        var rowHasNaN = new bool[time.Length];
        long cells = 0;
        var which = new List<(MarketColumn Column, long Count)>();
        foreach (var (column, values) in columns)
        {
            long count = 0;
            for (int i = 0; i < values.Length; i++)
            {
                if (double.IsNaN(values[i]))
                {
                    count++;
                    rowHasNaN[i] = true;
                }
            }

            if (count > 0)
            {
                which.Add((column, count));
                cells += count;
            }
        }

        if (cells == 0)
        {
            return Pass(QualityCheck.NaNValues);
        }

        var hits = new Hits(max);
        for (int i = 0; i < time.Length; i++)
        {
            if (rowHasNaN[i])
            {
                hits.Add(time[i]);
            }
        }

        string detail = string.Create(CultureInfo.InvariantCulture,
            $"{cells} NaN cells in {hits.Count} rows: {string.Join(", ", which.Select(w => $"{w.Column.Name()} {w.Count}"))}");
        return new QualityFinding(QualityCheck.NaNValues, QualitySeverity.Warning, true, (int)Math.Min(cells, int.MaxValue),
            (double)cells / ((double)time.Length * columns.Count), hits.Times, which.Select(w => w.Column).ToArray(), detail);
    }

    private static QualityFinding InfiniteValues(long[] time, List<(MarketColumn Column, double[] Values)> columns, int max)
    {
        var which = columns.Where(c => HasInfinity(c.Values)).Select(c => c.Column).ToArray();
        if (which.Length == 0)
        {
            return Pass(QualityCheck.InfiniteValues);
        }

        var infinite = new bool[time.Length];
        foreach (var (_, values) in columns)
        {
            var v = values;
            for (int i = 0; i < v.Length; i++)
            {
                infinite[i] |= double.IsInfinity(v[i]);
            }
        }

        var f = RowCheck(QualityCheck.InfiniteValues, time, max, i => infinite[i],
            "bars with a ±infinite value in " + string.Join(", ", which.Select(c => c.Name())));
        return new QualityFinding(f.Check, f.Severity, true, f.Count, f.Share, f.FirstTimes, which, f.Detail);
    }

    private static bool HasInfinity(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (double.IsInfinity(v))
            {
                return true;
            }
        }

        return false;
    }

    private static QualityFinding RowCheck(QualityCheck check, long[] time, int max, Func<int, bool> offends, string what)
    {
        var hits = new Hits(max);
        for (int i = 0; i < time.Length; i++)
        {
            if (offends(i))
            {
                hits.Add(time[i]);
            }
        }

        return hits.Count == 0
            ? Pass(check)
            : new QualityFinding(check, check.DefaultSeverity(), true, hits.Count, (double)hits.Count / time.Length, hits.Times, [],
                string.Create(CultureInfo.InvariantCulture, $"{hits.Count} {what}"));
    }

    private static QualityFinding Duplicates(long[] time, int max)
    {
        var hits = new Hits(max);
        var distinct = new HashSet<long>();
        if (IsNonDecreasing(time))
        {
            for (int i = 1; i < time.Length; i++)
            {
                if (time[i] == time[i - 1])
                {
                    hits.Add(time[i]);
                    distinct.Add(time[i]);
                }
            }
        }
        else
        {
            var seen = new HashSet<long>(time.Length);
            foreach (long t in time)
            {
                if (!seen.Add(t))
                {
                    hits.Add(t);
                    distinct.Add(t);
                }
            }
        }

        return hits.Count == 0
            ? Pass(QualityCheck.DuplicateTimes)
            : new QualityFinding(QualityCheck.DuplicateTimes, QualitySeverity.Fatal, true, hits.Count, (double)hits.Count / time.Length, hits.Times, [],
                string.Create(CultureInfo.InvariantCulture, $"{hits.Count} extra rows repeat {distinct.Count} open times"));
    }

    private static bool IsNonDecreasing(long[] time)
    {
        for (int i = 1; i < time.Length; i++)
        {
            if (time[i] < time[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    private static QualityFinding Unsorted(long[] time, int max)
    {
        var hits = new Hits(max);
        for (int i = 1; i < time.Length; i++)
        {
            if (time[i] < time[i - 1])
            {
                hits.Add(time[i]);
            }
        }

        return hits.Count == 0
            ? Pass(QualityCheck.UnsortedTimes)
            : new QualityFinding(QualityCheck.UnsortedTimes, QualitySeverity.Fatal, true, hits.Count, (double)hits.Count / time.Length, hits.Times, [],
                string.Create(CultureInfo.InvariantCulture, $"{hits.Count} rows are earlier than the row before them"));
    }

    private static int[] SortedDistinctRows(long[] time)
    {
        if (IsStrictlyIncreasing(time))
        {
            var identity = new int[time.Length];
            for (int i = 0; i < identity.Length; i++)
            {
                identity[i] = i;
            }

            return identity;
        }

        var rows = Enumerable.Range(0, time.Length).ToArray();
        var keys = (long[])time.Clone();
        Array.Sort(keys, rows); // not stable: restore the row order within equal times below
        var result = new List<int>(time.Length);
        for (int i = 0; i < rows.Length;)
        {
            int j = i;
            int first = rows[i];
            while (j < rows.Length && keys[j] == keys[i])
            {
                first = Math.Min(first, rows[j]);
                j++;
            }

            result.Add(first);
            i = j;
        }

        return [.. result];
    }

    private static T[] Gather<T>(T[] values, int[] order)
    {
        var result = new T[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            result[i] = values[order[i]];
        }

        return result;
    }

    private static bool IsStrictlyIncreasing(long[] time)
    {
        for (int i = 1; i < time.Length; i++)
        {
            if (time[i] <= time[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    private static QualityFinding Gaps(long[] sortedTime, Timeframe? timeframe, int max)
    {
        if (timeframe is not { } tf)
        {
            return NotApplicable(QualityCheck.Gaps);
        }

        long delta = tf.Milliseconds;
        var hits = new Hits(max);
        long missing = 0;
        long largest = 0;
        for (int i = 1; i < sortedTime.Length; i++)
        {
            long diff = sortedTime[i] - sortedTime[i - 1];
            if (QualityRules.IsGap(diff, delta))
            {
                hits.Add(sortedTime[i]);
                missing += QualityRules.MissingBars(diff, delta);
                largest = Math.Max(largest, diff);
            }
        }

        return hits.Count == 0
            ? Pass(QualityCheck.Gaps)
            : new QualityFinding(QualityCheck.Gaps, QualitySeverity.Warning, true, hits.Count, (double)missing / (sortedTime.Length + missing), hits.Times, [],
                string.Create(CultureInfo.InvariantCulture, $"{hits.Count} gaps, {missing} bars missing in all, the longest {TimeSpan.FromMilliseconds(largest)} between open times (first times are the bars after each gap)"));
    }

    private static QualityFinding VolumeAnomalies(long[] sortedTime, double[] volume, int max)
    {
        var flags = new double[volume.Length];
        Indicators.VolumeAnomaly(volume, QualityRules.VolumeAnomalyPeriod, QualityRules.VolumeAnomalyThreshold, flags);
        var hits = new Hits(max);
        int zeros = 0;
        for (int i = 0; i < flags.Length; i++)
        {
            if (flags[i] == 1.0)
            {
                hits.Add(sortedTime[i]);
                zeros += volume[i] == 0 ? 1 : 0;
            }
        }

        return hits.Count == 0
            ? Pass(QualityCheck.VolumeAnomalies)
            : new QualityFinding(QualityCheck.VolumeAnomalies, QualitySeverity.Warning, true, hits.Count, (double)hits.Count / volume.Length, hits.Times, [],
                string.Create(CultureInfo.InvariantCulture, $"{hits.Count} anomalous volumes: {zeros} zero, {hits.Count - zeros} spikes (z-score > {QualityRules.VolumeAnomalyThreshold} against the {QualityRules.VolumeAnomalyPeriod} bars before)"));
    }

    private static QualityFinding Stale(long[] time, List<(MarketColumn Column, double[] Values)> columns, ValidationOptions options, int max)
    {
        var checkedColumns = columns.Where(c => options.StalenessLimits.ContainsKey(c.Column)).ToList();
        if (checkedColumns.Count == 0)
        {
            return NotApplicable(QualityCheck.StaleValues);
        }

        var staleRow = new bool[time.Length];
        long cells = 0;
        var which = new List<MarketColumn>();
        foreach (var (column, memory) in checkedColumns)
        {
            long limit = (long)options.StalenessLimits[column].TotalMilliseconds;
            var v = memory;
            int runStart = -1;
            bool any = false;
            for (int i = 0; i < v.Length; i++)
            {
                if (double.IsNaN(v[i]))
                {
                    runStart = -1;
                    continue;
                }

                if (runStart < 0 || v[i] != v[i - 1])
                {
                    runStart = i;
                }

                if (time[i] - time[runStart] > limit)
                {
                    staleRow[i] = true;
                    cells++;
                    any = true;
                }
            }

            if (any)
            {
                which.Add(column);
            }
        }

        if (cells == 0)
        {
            return Pass(QualityCheck.StaleValues);
        }

        var hits = new Hits(max);
        for (int i = 0; i < time.Length; i++)
        {
            if (staleRow[i])
            {
                hits.Add(time[i]);
            }
        }

        return new QualityFinding(QualityCheck.StaleValues, QualitySeverity.Warning, true, (int)Math.Min(cells, int.MaxValue),
            (double)cells / ((double)time.Length * checkedColumns.Count), hits.Times, which,
            string.Create(CultureInfo.InvariantCulture, $"{cells} stale values in {hits.Count} bars: {string.Join(", ", which.Select(c => $"{c.Name()} (limit {options.StalenessLimits[c]})"))}"));
    }

    private static QualityFinding Incomplete(long[] time, ReadOnlySpan<double> coverage, int max)
    {
        var hits = new Hits(max);
        double missing = 0;
        for (int i = 0; i < coverage.Length; i++)
        {
            double c = coverage[i];
            if (!(c >= 1.0))
            {
                hits.Add(time[i]);
                missing += 1.0 - (c > 0 ? c : 0.0);
            }
        }

        return hits.Count == 0
            ? Pass(QualityCheck.IncompleteBars)
            : new QualityFinding(QualityCheck.IncompleteBars, QualitySeverity.Warning, true, hits.Count, missing / coverage.Length, hits.Times, [MarketColumn.IntrabarCoverage],
                string.Create(CultureInfo.InvariantCulture, $"{hits.Count} bars with missing sub-bars, {missing:0.###} bars' worth of time uncovered"));
    }

    /// <summary>Counts offending rows and keeps the first few times.</summary>
    private sealed class Hits(int max)
    {
        private readonly List<long> _times = [];

        public int Count { get; private set; }

        public IReadOnlyList<long> Times => _times;

        public void Add(long time)
        {
            Count++;
            if (_times.Count < max)
            {
                _times.Add(time);
            }
        }
    }
}
