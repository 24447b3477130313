namespace QuantFeatures.Data;

/// <summary>
/// Loads one symbol at one timeframe over a time range from any set of sources into a <see cref="MarketFrame"/>, by the
/// point-in-time rules: a sparse record reaches bar t only if it is available by the bar's decision time (open + Δ,
/// within <see cref="MarketDataLoaderOptions.TimestampTolerance"/>); values carry forward, never backward, until their
/// kind's staleness limit, after which they are NaN; liquidation events are summed into the bar whose [open, open + Δ)
/// contains them, long and short apart, each distinct event once.
/// </summary>
/// <remarks>
/// <para>Sources may return records in any order, with duplicates, and beyond the range: the loader sorts, removes exact
/// duplicates and filters, so the result does not depend on record order. Two different bars with the same open time are
/// an error (<see cref="InvalidDataException"/> naming the time). Two different sparse records with the same time (a
/// correction) keep the one that sorts last by value, a rule that does not depend on the order the source returned them;
/// storage adapters with revisions decide before that.</para>
/// <para>Columns: the kline source's OHLCV and its optional columns; funding_rate, funding_interval_hours and funding_time
/// when a funding source is set; open_interest / open_interest_value and the four positioning ratios for each value
/// some record holds; mark_price / index_price likewise; long/short liquidation notional and liquidation_count (0 in a bar
/// without events) when a liquidation source is set. A column no record fills stays absent rather than all-NaN.</para>
/// <para>Sparse records earlier than the range still matter (the rate in force at the first bar was settled before it):
/// the loader reads them from the start of the range minus the kind's staleness limit (or from the beginning when the
/// kind never goes stale).</para>
/// </remarks>
public sealed class MarketDataLoader
{
    private readonly IKlineSource _klines;
    private IMarketDataSource<FundingSettlement>? _funding;
    private IMarketDataSource<OpenInterestSnapshot>? _openInterest;
    private IMarketDataSource<PositioningSnapshot>? _positioning;
    private IMarketDataSource<LiquidationEvent>? _liquidations;
    private IMarketDataSource<ReferencePrice>? _referencePrices;

    /// <summary>Creates a loader over a bar source.</summary>
    /// <param name="klines">The bars.</param>
    /// <param name="options">Point-in-time options (null = <see cref="MarketDataLoaderOptions.Default"/>).</param>
    public MarketDataLoader(IKlineSource klines, MarketDataLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(klines);
        _klines = klines;
        Options = options ?? MarketDataLoaderOptions.Default;
        Options.Validate();
    }

    /// <summary>The options in force.</summary>
    public MarketDataLoaderOptions Options { get; }

    /// <summary>Adds funding settlements.</summary>
    public MarketDataLoader WithFunding(IMarketDataSource<FundingSettlement> source) => Set(ref _funding, source);

    /// <summary>Adds open-interest snapshots.</summary>
    public MarketDataLoader WithOpenInterest(IMarketDataSource<OpenInterestSnapshot> source) => Set(ref _openInterest, source);

    /// <summary>Adds positioning ratio snapshots.</summary>
    public MarketDataLoader WithPositioning(IMarketDataSource<PositioningSnapshot> source) => Set(ref _positioning, source);

    /// <summary>Adds liquidation events.</summary>
    public MarketDataLoader WithLiquidations(IMarketDataSource<LiquidationEvent> source) => Set(ref _liquidations, source);

    /// <summary>Adds mark and/or index prices.</summary>
    public MarketDataLoader WithReferencePrices(IMarketDataSource<ReferencePrice> source) => Set(ref _referencePrices, source);

    /// <summary>Loads <paramref name="symbol"/> at <paramref name="timeframe"/> for bars opening in <paramref name="range"/>.</summary>
    /// <exception cref="ArgumentException">Blank symbol or empty range.</exception>
    /// <exception cref="InvalidDataException">Conflicting bars, or bars at a timeframe that cannot give the requested one.</exception>
    public async Task<MarketFrame> LoadAsync(string symbol, Timeframe timeframe, TimeRange range, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        if (range.To <= range.From)
        {
            throw new ArgumentException($"The time range [{range.From}, {range.To}) is empty.", nameof(range));
        }

        var bars = await LoadBarsAsync(symbol, timeframe, range, cancellationToken).ConfigureAwait(false);
        var time = bars.Time.ToArray();
        var builder = new MarketFrameBuilder(timeframe).WithSymbol(symbol).WithTime(time);
        foreach (var column in bars.Columns)
        {
            builder.WithColumn(column, bars[column]);
        }

        long firstDecision = time.Length == 0 ? range.From : time[0] + timeframe.Milliseconds;
        long lastDecision = time.Length == 0 ? range.From : time[^1] + timeframe.Milliseconds;
        long tol = (long)Options.TimestampTolerance.TotalMilliseconds;

        if (_funding is not null)
        {
            var records = await ReadSparseAsync(_funding, symbol, Options.Funding, firstDecision, lastDecision + tol, cancellationToken,
                Options.FundingHistory).ConfigureAwait(false);
            AddFunding(builder, time, timeframe, records);
        }

        if (_openInterest is not null)
        {
            var records = await ReadSparseAsync(_openInterest, symbol, Options.OpenInterest, firstDecision, lastDecision + tol, cancellationToken).ConfigureAwait(false);
            var index = AsOf(time, timeframe, records, Options.OpenInterest);
            AddAsOf(builder, MarketColumn.OpenInterest, records, index, static r => r.OpenInterest);
            AddAsOf(builder, MarketColumn.OpenInterestValue, records, index, static r => r.OpenInterestValue);
        }

        if (_positioning is not null)
        {
            var records = await ReadSparseAsync(_positioning, symbol, Options.Positioning, firstDecision, lastDecision + tol, cancellationToken).ConfigureAwait(false);
            var index = AsOf(time, timeframe, records, Options.Positioning);
            AddAsOf(builder, MarketColumn.LongShortRatio, records, index, static r => r.LongShortRatio);
            AddAsOf(builder, MarketColumn.TopTraderLongShortRatio, records, index, static r => r.TopTraderLongShortRatio);
            AddAsOf(builder, MarketColumn.TopTraderPositionRatio, records, index, static r => r.TopTraderPositionRatio);
            AddAsOf(builder, MarketColumn.TakerLongShortVolRatio, records, index, static r => r.TakerLongShortVolRatio);
        }

        if (_referencePrices is not null)
        {
            var all = await ReadSparseAsync(_referencePrices, symbol, Options.ReferencePrices, firstDecision, lastDecision + tol, cancellationToken).ConfigureAwait(false);
            foreach (var (kind, column) in new[] { (ReferencePriceKind.Mark, MarketColumn.MarkPrice), (ReferencePriceKind.Index, MarketColumn.IndexPrice) })
            {
                var records = all.Where(r => r.Kind == kind).ToArray();
                var index = AsOf(time, timeframe, records, Options.ReferencePrices);
                AddAsOf(builder, column, records, index, static r => r.Price);
            }
        }

        if (_liquidations is not null)
        {
            await AddLiquidationsAsync(builder, symbol, time, timeframe, cancellationToken).ConfigureAwait(false);
        }

        return builder.Build();
    }

    private MarketDataLoader Set<T>(ref T? field, T source)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(source);
        field = source;
        return this;
    }

    private async Task<MarketFrame> LoadBarsAsync(string symbol, Timeframe timeframe, TimeRange range, CancellationToken cancellationToken)
    {
        var sourceTimeframe = _klines.TimeframeOf(symbol);
        var list = new List<Kline>();
        await foreach (var k in _klines.ReadAsync(symbol, range, cancellationToken).ConfigureAwait(false))
        {
            if (range.Contains(k.Time))
            {
                list.Add(k);
            }
        }

        if (!IsSortedByTime(list))
        {
            list.Sort(static (a, b) => a.Time.CompareTo(b.Time));
        }
        int kept = 0;
        for (int i = 0; i < list.Count; i++)
        {
            if (kept > 0 && list[kept - 1].Time == list[i].Time)
            {
                if (!list[kept - 1].Equals(list[i]))
                {
                    throw new InvalidDataException(
                        $"{symbol}: two different bars open at {FormatTime(list[i].Time)} ({list[kept - 1]} and {list[i]}); clean the source (QuantFeatures.Quality.DataCleaner) or fix it.");
                }

                continue;
            }

            list[kept++] = list[i];
        }

        list.RemoveRange(kept, list.Count - kept);
        var barTimeframe = sourceTimeframe ?? InferTimeframe(list) ?? timeframe;
        var frame = ToFrame(symbol, barTimeframe, list, _klines.OptionalColumns);
        if (barTimeframe == timeframe)
        {
            return frame;
        }

        if (Options.ResampleFinerBars && barTimeframe.Milliseconds < timeframe.Milliseconds && timeframe.Milliseconds % barTimeframe.Milliseconds == 0)
        {
            return Resampler.Resample(frame, timeframe, Options.Resample);
        }

        throw new InvalidDataException(
            $"{symbol}: the bar source holds {barTimeframe} bars, which cannot give {timeframe} bars"
            + (Options.ResampleFinerBars ? " (only a finer timeframe that divides it can be resampled)." : " (resampling is off)."));
    }

    private static Timeframe? InferTimeframe(List<Kline> bars)
    {
        long step = long.MaxValue;
        for (int i = 1; i < bars.Count; i++)
        {
            step = Math.Min(step, bars[i].Time - bars[i - 1].Time);
        }

        return step is > 0 and < long.MaxValue ? new Timeframe(step) : null;
    }

    private static MarketFrame ToFrame(string symbol, Timeframe timeframe, List<Kline> bars, IReadOnlyCollection<MarketColumn> optional)
    {
        int n = bars.Count;
        var time = new long[n];
        var o = new double[n];
        var h = new double[n];
        var l = new double[n];
        var c = new double[n];
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            var k = bars[i];
            (time[i], o[i], h[i], l[i], c[i], v[i]) = (k.Time, k.Open, k.High, k.Low, k.Close, k.Volume);
        }

        var builder = new MarketFrameBuilder(timeframe).WithSymbol(symbol).WithTime(time)
            .WithColumn(MarketColumn.Open, o).WithColumn(MarketColumn.High, h).WithColumn(MarketColumn.Low, l)
            .WithColumn(MarketColumn.Close, c).WithColumn(MarketColumn.Volume, v);
        foreach (var column in optional)
        {
            Func<Kline, double>? get = column switch
            {
                MarketColumn.QuoteVolume => static k => k.QuoteVolume,
                MarketColumn.Trades => static k => k.Trades,
                MarketColumn.TakerBuyVolume => static k => k.TakerBuyVolume,
                MarketColumn.TakerBuyQuoteVolume => static k => k.TakerBuyQuoteVolume,
                _ => null,
            };
            if (get is null)
            {
                continue;
            }

            var values = new double[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = get(bars[i]);
            }

            builder.WithColumn(column, values);
        }

        return builder.Build();
    }

    /// <summary>Reads the records of a sparse kind that can matter for decisions in [first, last]: from first − staleness
    /// (everything when never stale) to last; sorted by (time, value bits), exact duplicates removed.</summary>
    private static async Task<T[]> ReadSparseAsync<T>(IMarketDataSource<T> source, string symbol, SparseKindOptions kind, long firstDecision,
        long lastAvailable, CancellationToken cancellationToken, TimeSpan history = default)
        where T : struct, IMarketRecord
    {
        long delay = (long)kind.PublicationDelay.TotalMilliseconds;
        long back = Math.Max(kind.Staleness is { } s ? (long)s.TotalMilliseconds : long.MaxValue, (long)history.TotalMilliseconds);
        long from = kind.Staleness is null ? long.MinValue : SaturatingSubtract(firstDecision - delay, back);
        long to = lastAvailable == long.MaxValue ? long.MaxValue : lastAvailable - delay + 1;
        var range = new TimeRange(from, Math.Max(to, from + 1));
        var list = new List<T>();
        await foreach (var r in source.ReadAsync(symbol, range, cancellationToken).ConfigureAwait(false))
        {
            if (range.Contains(r.Time))
            {
                list.Add(r);
            }
        }

        var array = list.ToArray();
        SortIfNeeded(array);
        int kept = 0;
        for (int i = 0; i < array.Length; i++)
        {
            if (kept == 0 || !array[kept - 1].Equals(array[i]))
            {
                array[kept++] = array[i];
            }
        }

        return array.AsSpan(0, kept).ToArray();
    }

    private static bool IsSortedByTime(List<Kline> bars)
    {
        for (int i = 1; i < bars.Count; i++)
        {
            if (bars[i].Time < bars[i - 1].Time)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Sorts by <see cref="RecordOrder{T}"/> unless already in that order (sources usually are: one linear pass).</summary>
    private static void SortIfNeeded<T>(T[] records)
        where T : struct, IMarketRecord
    {
        var order = RecordOrder<T>.Instance;
        for (int i = 1; i < records.Length; i++)
        {
            if (order.Compare(records[i - 1], records[i]) > 0)
            {
                Array.Sort(records, order);
                return;
            }
        }
    }

    private static long SaturatingSubtract(long a, long b) => a < long.MinValue + b ? long.MinValue : a - b;

    private int[] AsOf<T>(long[] time, Timeframe timeframe, T[] records, SparseKindOptions kind)
        where T : struct, IMarketRecord
    {
        var recordTimes = new long[records.Length];
        for (int i = 0; i < records.Length; i++)
        {
            recordTimes[i] = records[i].Time;
        }

        var index = new int[time.Length];
        PointInTime.AsOf(time, timeframe, recordTimes, kind, Options.TimestampTolerance, index);
        return index;
    }

    /// <summary>Adds a column of as-of values; a column no record fills (every value NaN in every record) stays absent.</summary>
    private static void AddAsOf<T>(MarketFrameBuilder builder, MarketColumn column, T[] records, int[] index, Func<T, double> value)
    {
        bool any = false;
        foreach (var r in records)
        {
            if (!double.IsNaN(value(r)))
            {
                any = true;
                break;
            }
        }

        if (!any)
        {
            return;
        }

        var values = new double[index.Length];
        for (int t = 0; t < values.Length; t++)
        {
            values[t] = index[t] >= 0 ? value(records[index[t]]) : double.NaN;
        }

        builder.WithColumn(column, values);
    }

    private void AddFunding(MarketFrameBuilder builder, long[] time, Timeframe timeframe, FundingSettlement[] records)
    {
        // One settlement per time: a corrected rate for the same settlement keeps the last by value (see remarks).
        var unique = records.Where((r, i) => i == records.Length - 1 || records[i + 1].Time != r.Time).ToArray();
        var intervals = new double[unique.Length];
        PointInTime.FundingIntervals(unique, intervals);
        var index = AsOf(time, timeframe, unique, Options.Funding);
        AddAsOf(builder, MarketColumn.FundingRate, unique, index, static r => r.Rate);
        var interval = new double[time.Length];
        var settled = new double[time.Length];
        for (int t = 0; t < time.Length; t++)
        {
            int i = index[t];
            interval[t] = i >= 0 ? intervals[i] : double.NaN;
            settled[t] = i >= 0 ? unique[i].Time : double.NaN;
        }

        if (unique.Length > 0)
        {
            long delay = (long)Options.Funding.PublicationDelay.TotalMilliseconds;
            long tol = (long)Options.TimestampTolerance.TotalMilliseconds;
            long lastDecision = time.Length == 0 ? long.MinValue : time[^1] + timeframe.Milliseconds;
            int count = 0;
            while (count < unique.Length && unique[count].Time + delay - tol <= lastDecision)
            {
                count++;
            }

            var history = unique.AsSpan(0, count);
            var available = new long[count];
            var times = new long[count];
            var rates = new double[count];
            for (int i = 0; i < count; i++)
            {
                times[i] = history[i].Time;
                rates[i] = history[i].Rate;
                available[i] = history[i].Time + delay - tol;
            }

            builder.WithFundingHistory(new FundingHistory(times, rates, intervals.AsSpan(0, count), available));
            builder.WithColumn(MarketColumn.FundingTime, settled);
            if (intervals.Any(x => !double.IsNaN(x)))
            {
                builder.WithColumn(MarketColumn.FundingIntervalHours, interval);
            }
        }
    }

    private async Task AddLiquidationsAsync(MarketFrameBuilder builder, string symbol, long[] time, Timeframe timeframe, CancellationToken cancellationToken)
    {
        int n = time.Length;
        var longs = new double[n];
        var shorts = new double[n];
        var counts = new double[n];
        if (n > 0)
        {
            var seen = new HashSet<LiquidationEvent>();
            var range = new TimeRange(time[0], time[^1] + timeframe.Milliseconds);
            var list = new List<LiquidationEvent>();
            await foreach (var e in _liquidations!.ReadAsync(symbol, range, cancellationToken).ConfigureAwait(false))
            {
                if (range.Contains(e.Time) && seen.Add(e))
                {
                    list.Add(e);
                }
            }

            // Sum in time order (then by value) so that the sums do not depend on the order the source returned events.
            var events = list.ToArray();
            SortIfNeeded(events);
            foreach (var e in events)
            {
                int bar = PointInTime.BarContaining(time, timeframe, e.Time);
                if (bar < 0)
                {
                    continue; // in a gap between bars: no bar to hold it
                }

                double notional = e.Notional;
                if (!double.IsFinite(notional))
                {
                    notional = double.NaN; // a malformed event poisons its bar visibly rather than vanishing
                }

                if (e.Side == LiquidationSide.Long)
                {
                    longs[bar] += notional;
                }
                else
                {
                    shorts[bar] += notional;
                }

                counts[bar] += 1;
            }
        }

        builder.WithColumn(MarketColumn.LongLiquidationNotional, longs)
            .WithColumn(MarketColumn.ShortLiquidationNotional, shorts)
            .WithColumn(MarketColumn.LiquidationCount, counts);
    }

    private static string FormatTime(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Orders records by time, then by their values, so that sorting does not depend on input order.</summary>
    internal sealed class RecordOrder<T> : IComparer<T>
        where T : struct, IMarketRecord
    {
        public static readonly RecordOrder<T> Instance = new();

        public int Compare(T x, T y)
        {
            int c = x.Time.CompareTo(y.Time);
            return c != 0 ? c : (x, y) switch
            {
                (FundingSettlement a, FundingSettlement b) => Values(a.Rate, b.Rate, a.IntervalHours, b.IntervalHours),
                (OpenInterestSnapshot a, OpenInterestSnapshot b) => Values(a.OpenInterest, b.OpenInterest, a.OpenInterestValue, b.OpenInterestValue),
                (PositioningSnapshot a, PositioningSnapshot b) => Values(a.LongShortRatio, b.LongShortRatio, a.TopTraderLongShortRatio, b.TopTraderLongShortRatio,
                    a.TopTraderPositionRatio, b.TopTraderPositionRatio, a.TakerLongShortVolRatio, b.TakerLongShortVolRatio),
                (LiquidationEvent a, LiquidationEvent b) => Values(a.Side == b.Side ? 0 : a.Side == LiquidationSide.Long ? -1 : 1, 0, a.Price, b.Price, a.Quantity, b.Quantity),
                (ReferencePrice a, ReferencePrice b) => Values((double)a.Kind, (double)b.Kind, a.Price, b.Price),
                _ => 0,
            };
        }

        /// <summary>Pairwise comparison of (x, y) values in order; NaN sorts first (total order of the bits' numeric value).</summary>
        private static int Values(params ReadOnlySpan<double> pairs)
        {
            for (int i = 0; i + 1 < pairs.Length; i += 2)
            {
                int c = pairs[i].CompareTo(pairs[i + 1]);
                if (c != 0)
                {
                    return c;
                }
            }

            return 0;
        }
    }
}
