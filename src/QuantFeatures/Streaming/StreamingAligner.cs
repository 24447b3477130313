using QuantFeatures.Data;

namespace QuantFeatures.Streaming;

/// <summary>
/// The live form of <see cref="MarketDataLoader"/>'s point-in-time rules: takes sparse records as they arrive (funding
/// settlements, open-interest and positioning snapshots, mark/index prices, liquidation events) and, when a bar closes,
/// fills the bar's sparse columns exactly as the loader fills that bar of a frame.
/// </summary>
/// <remarks>
/// <para>Rules (the loader's, see docs/loader.md): a record reaches the bar if its time + the kind's publication delay is at
/// or before the bar's decision time + the timestamp tolerance; values carry forward up to the kind's staleness limit,
/// then NaN; of two records with the same time the one that sorts last by value stands; the funding interval is the
/// record's own or the spacing to the previous settlement (a whole multiple of the previous interval reads as missed
/// settlements); liquidation events are summed into the bar whose <c>[open, open + Δ)</c> holds them, long and short
/// apart, each distinct event once, in time-then-value order.</para>
/// <para>Records may arrive in any order before the bar that uses them closes. A liquidation event for a bar already
/// closed cannot change it: it is counted in <see cref="LateEvents"/> and dropped (a batch recompute would include it).</para>
/// </remarks>
public sealed class StreamingAligner
{
    private readonly Timeframe _timeframe;
    private readonly MarketDataLoaderOptions _options;
    private readonly List<FundingSettlement> _funding = [];
    private readonly List<double> _intervals = [];
    private readonly List<OpenInterestSnapshot> _openInterest = [];
    private readonly List<PositioningSnapshot> _positioning = [];
    private readonly List<ReferencePrice> _mark = [];
    private readonly List<ReferencePrice> _index = [];
    private readonly List<LiquidationEvent> _pending = [];
    private readonly HashSet<LiquidationEvent> _seen = [];
    private long _closedUntil = long.MinValue;

    /// <summary>Creates an aligner for bars of <paramref name="timeframe"/> with the loader's <paramref name="options"/>.</summary>
    public StreamingAligner(Timeframe timeframe, MarketDataLoaderOptions? options = null)
    {
        _timeframe = timeframe;
        _options = options ?? MarketDataLoaderOptions.Default;
        _options.Validate();
    }

    /// <summary>Liquidation events that arrived after their bar had closed (dropped).</summary>
    public long LateEvents { get; private set; }

    /// <summary>Adds a funding settlement.</summary>
    public void Add(FundingSettlement record)
    {
        int at = Insert(_funding, record, sameTimeReplaces: true);
        if (at >= 0)
        {
            RecomputeIntervals(at);
        }
    }

    /// <summary>Adds an open-interest snapshot.</summary>
    public void Add(OpenInterestSnapshot record) => Insert(_openInterest, record, sameTimeReplaces: false);

    /// <summary>Adds a positioning snapshot.</summary>
    public void Add(PositioningSnapshot record) => Insert(_positioning, record, sameTimeReplaces: false);

    /// <summary>Adds a mark or index price.</summary>
    public void Add(ReferencePrice record) => Insert(record.Kind == ReferencePriceKind.Mark ? _mark : _index, record, sameTimeReplaces: false);

    /// <summary>Adds a liquidation event (summed into the bar that holds it when that bar closes).</summary>
    public void Add(LiquidationEvent record)
    {
        if (record.Time < _closedUntil)
        {
            LateEvents++;
            return;
        }

        if (_seen.Add(record))
        {
            _pending.Add(record);
        }
    }

    /// <summary>
    /// Fills the sparse columns of a closed bar (open time <see cref="StreamingBar.OpenTime"/>) that
    /// <paramref name="columns"/> holds: funding_rate, funding_time, funding_interval_hours, open_interest,
    /// open_interest_value, the four ratios, mark_price, index_price, and the liquidation sums. Call once per bar, in order.
    /// </summary>
    public void Close(StreamingBar bar, IReadOnlySet<MarketColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(bar);
        ArgumentNullException.ThrowIfNull(columns);
        long open = bar.OpenTime;
        long decision = open + _timeframe.Milliseconds;
        int f = AsOf(_funding, decision, _options.Funding);
        Set(bar, columns, MarketColumn.FundingRate, f < 0 ? double.NaN : _funding[f].Rate);
        Set(bar, columns, MarketColumn.FundingTime, f < 0 ? double.NaN : _funding[f].Time);
        Set(bar, columns, MarketColumn.FundingIntervalHours, f < 0 ? double.NaN : _intervals[f]);
        int o = AsOf(_openInterest, decision, _options.OpenInterest);
        Set(bar, columns, MarketColumn.OpenInterest, o < 0 ? double.NaN : _openInterest[o].OpenInterest);
        Set(bar, columns, MarketColumn.OpenInterestValue, o < 0 ? double.NaN : _openInterest[o].OpenInterestValue);
        int p = AsOf(_positioning, decision, _options.Positioning);
        Set(bar, columns, MarketColumn.LongShortRatio, p < 0 ? double.NaN : _positioning[p].LongShortRatio);
        Set(bar, columns, MarketColumn.TopTraderLongShortRatio, p < 0 ? double.NaN : _positioning[p].TopTraderLongShortRatio);
        Set(bar, columns, MarketColumn.TopTraderPositionRatio, p < 0 ? double.NaN : _positioning[p].TopTraderPositionRatio);
        Set(bar, columns, MarketColumn.TakerLongShortVolRatio, p < 0 ? double.NaN : _positioning[p].TakerLongShortVolRatio);
        int m = AsOf(_mark, decision, _options.ReferencePrices);
        Set(bar, columns, MarketColumn.MarkPrice, m < 0 ? double.NaN : _mark[m].Price);
        int x = AsOf(_index, decision, _options.ReferencePrices);
        Set(bar, columns, MarketColumn.IndexPrice, x < 0 ? double.NaN : _index[x].Price);
        SumLiquidations(bar, columns, open, decision);
        _closedUntil = decision;
    }

    private static void Set(StreamingBar bar, IReadOnlySet<MarketColumn> columns, MarketColumn column, double value)
    {
        if (columns.Contains(column))
        {
            bar[column] = value;
        }
    }

    private void SumLiquidations(StreamingBar bar, IReadOnlySet<MarketColumn> columns, long open, long decision)
    {
        double longs = 0, shorts = 0, count = 0;
        _pending.Sort(MarketDataLoader.RecordOrder<LiquidationEvent>.Instance);
        int kept = 0;
        for (int i = 0; i < _pending.Count; i++)
        {
            var e = _pending[i];
            if (e.Time >= decision)
            {
                _pending[kept++] = e; // a later bar's
                continue;
            }

            _seen.Remove(e); // its bar closes now: a later copy can only be late
            if (e.Time < open)
            {
                continue; // in a gap before this bar: no bar holds it (as the loader)
            }

            double notional = double.IsFinite(e.Notional) ? e.Notional : double.NaN;
            if (e.Side == LiquidationSide.Long)
            {
                longs += notional;
            }
            else
            {
                shorts += notional;
            }

            count += 1;
        }

        _pending.RemoveRange(kept, _pending.Count - kept);
        Set(bar, columns, MarketColumn.LongLiquidationNotional, longs);
        Set(bar, columns, MarketColumn.ShortLiquidationNotional, shorts);
        Set(bar, columns, MarketColumn.LiquidationCount, count);
    }

    /// <summary>The index of the last record available by <paramref name="decision"/> (−1 when none or stale); records that
    /// can no longer be the latest available one are dropped from the front.</summary>
    private int AsOf<T>(List<T> records, long decision, SparseKindOptions kind)
        where T : struct, IMarketRecord
    {
        long delay = (long)kind.PublicationDelay.TotalMilliseconds;
        long tol = (long)_options.TimestampTolerance.TotalMilliseconds;
        int lo = 0, hi = records.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (records[mid].Time + delay <= decision + tol)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        int last = lo - 1;
        if (last < 0)
        {
            return -1;
        }

        long stale = kind.Staleness is { } s ? (long)s.TotalMilliseconds : long.MaxValue;
        return decision - (records[last].Time + delay) <= stale ? last : -1;
    }

    /// <summary>Inserts in time-then-value order; an exact duplicate is ignored. Funding keeps one record per time (the one
    /// that sorts last). Returns the index of the inserted record, or −1 when nothing changed.</summary>
    private static int Insert<T>(List<T> records, T record, bool sameTimeReplaces)
        where T : struct, IMarketRecord
    {
        var order = MarketDataLoader.RecordOrder<T>.Instance;
        int at = records.Count;
        while (at > 0 && order.Compare(records[at - 1], record) > 0)
        {
            at--;
        }

        if (at > 0 && records[at - 1].Equals(record))
        {
            return -1;
        }

        if (sameTimeReplaces)
        {
            if (at > 0 && records[at - 1].Time == record.Time)
            {
                return -1; // a same-time record that sorts after this one stands
            }

            if (at < records.Count && records[at].Time == record.Time)
            {
                records[at] = record; // this one sorts last among the same time's: it stands
                return at;
            }
        }

        records.Insert(at, record);
        return at;
    }

    private void RecomputeIntervals(int from)
    {
        while (_intervals.Count < _funding.Count)
        {
            _intervals.Add(double.NaN);
        }

        // The loader's rule (PointInTime.FundingIntervals) from the changed settlement on; usually only the last one.
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_funding);
        var intervals = new double[span.Length];
        PointInTime.FundingIntervals(span, intervals);
        for (int i = from; i < intervals.Length; i++)
        {
            _intervals[i] = intervals[i];
        }
    }
}
