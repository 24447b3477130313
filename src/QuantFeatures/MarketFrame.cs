using System.Globalization;

namespace QuantFeatures;

/// <summary>
/// One symbol at one timeframe: an immutable, validated, columnar set of bars.
/// </summary>
/// <remarks>
/// <para><c>Time</c> holds each bar's OPEN time in Unix milliseconds (UTC), strictly increasing, with steps of at least
/// one <see cref="Timeframe"/>. Price and volume columns are <see cref="double"/>; a missing value is NaN. A column the
/// data does not have is absent (<see cref="Has"/> is false), never an array of NaN.</para>
/// <para>Bar t is complete at its decision time <c>Time[t] + Δ</c>; every feature value at t uses only what was known then.</para>
/// <para>Build a frame with <see cref="Create(Timeframe, ReadOnlySpan{long}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, string?)"/>,
/// <see cref="MarketFrameBuilder"/> or <see cref="FromQuotes"/>. Every factory copies its inputs and throws an
/// <see cref="ArgumentException"/> naming the problem (unsorted or duplicate times, columns of different lengths,
/// a missing required column).</para>
/// </remarks>
public sealed class MarketFrame
{
    private readonly long[] _time;
    private readonly double[]?[] _columns;

    internal MarketFrame(string symbol, Timeframe timeframe, long[] time, double[]?[] columns, FundingHistory? fundingHistory = null)
    {
        FundingHistory = fundingHistory;
        Symbol = symbol;
        Timeframe = timeframe;
        _time = time;
        _columns = columns;
        var present = new List<MarketColumn>();
        for (int i = 0; i < columns.Length; i++)
        {
            if (columns[i] is not null)
            {
                present.Add((MarketColumn)i);
            }
        }

        Columns = present;
    }

    /// <summary>The instrument, e.g. <c>BTCUSDT</c>; empty when not given.</summary>
    public string Symbol { get; }

    /// <summary>The bar length Δ.</summary>
    public Timeframe Timeframe { get; }

    /// <summary>The funding settlements behind the funding columns (attached by <see cref="Data.MarketDataLoader"/>), or
    /// null. The event-time funding features use it when present (see <see cref="QuantFeatures.FundingHistory"/>).</summary>
    public FundingHistory? FundingHistory { get; }

    /// <summary>Number of bars.</summary>
    public int Length => _time.Length;

    /// <summary>The columns present, in <see cref="MarketColumn"/> order.</summary>
    public IReadOnlyList<MarketColumn> Columns { get; }

    /// <summary>Bar open times, Unix milliseconds UTC, strictly increasing.</summary>
    public ReadOnlySpan<long> Time => _time;

    /// <summary>The time array itself, shared with outputs (never mutated: the frame is immutable).</summary>
    internal long[] TimeArray => _time;

    /// <summary>Open prices.</summary>
    public ReadOnlySpan<double> Open => this[MarketColumn.Open];

    /// <summary>High prices.</summary>
    public ReadOnlySpan<double> High => this[MarketColumn.High];

    /// <summary>Low prices.</summary>
    public ReadOnlySpan<double> Low => this[MarketColumn.Low];

    /// <summary>Close prices.</summary>
    public ReadOnlySpan<double> Close => this[MarketColumn.Close];

    /// <summary>Base volume.</summary>
    /// <exception cref="ArgumentException">The frame has no volume column.</exception>
    public ReadOnlySpan<double> Volume => this[MarketColumn.Volume];

    /// <summary>A column's values.</summary>
    /// <exception cref="ArgumentException">The frame does not have the column; the message names it.</exception>
    public ReadOnlySpan<double> this[MarketColumn column] => GetArray(column);

    /// <summary>Whether the frame has the column.</summary>
    public bool Has(MarketColumn column) => (uint)column < (uint)_columns.Length && _columns[(int)column] is not null;

    /// <summary>A column's values as memory (for storage and interop).</summary>
    /// <exception cref="ArgumentException">The frame does not have the column.</exception>
    public ReadOnlyMemory<double> GetMemory(MarketColumn column) => GetArray(column);

    /// <summary>The decision time of bar <paramref name="index"/>: its open time plus Δ (Unix ms).</summary>
    public long DecisionTime(int index) => _time[index] + Timeframe.Milliseconds;

    /// <summary>Bars <c>start .. start + length − 1</c> as a new frame (used for prefix and walk-forward work).</summary>
    public MarketFrame Slice(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (start + length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"Slice {start}+{length} exceeds the frame's {Length} bars.");
        }

        var cols = new double[]?[_columns.Length];
        for (int i = 0; i < cols.Length; i++)
        {
            cols[i] = _columns[i]?.AsSpan(start, length).ToArray();
        }

        // The funding history is kept whole: features use a settlement only from its availability on, so later ones never leak in.
        return new MarketFrame(Symbol, Timeframe, _time.AsSpan(start, length).ToArray(), cols, FundingHistory);
    }

    /// <summary>A copy of this frame with <paramref name="history"/> as its funding history (null removes it).</summary>
    public MarketFrame WithFundingHistory(FundingHistory? history) => new(Symbol, Timeframe, _time, _columns, history);

    /// <summary>A copy of this frame with a column added or replaced.</summary>
    /// <exception cref="ArgumentException">The values' length differs from <see cref="Length"/>.</exception>
    public MarketFrame With(MarketColumn column, ReadOnlySpan<double> values)
    {
        if (values.Length != Length)
        {
            throw new ArgumentException($"Column '{column.Name()}' has {values.Length} values but 'time' has {Length}.", nameof(values));
        }

        var cols = (double[]?[])_columns.Clone();
        cols[(int)column] = values.ToArray();
        return new MarketFrame(Symbol, Timeframe, _time, cols, FundingHistory);
    }

    /// <summary>Creates a frame from OHLC(V) spans (copied).</summary>
    /// <param name="timeframe">Bar length Δ.</param>
    /// <param name="time">Bar open times, Unix ms UTC, strictly increasing.</param>
    /// <param name="open">Open prices.</param>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="volume">Base volume; pass an empty span when the data has none.</param>
    /// <param name="symbol">Optional instrument name.</param>
    /// <exception cref="ArgumentException">Lengths differ, or times are unsorted, duplicated or closer than Δ.</exception>
    public static MarketFrame Create(Timeframe timeframe, ReadOnlySpan<long> time, ReadOnlySpan<double> open, ReadOnlySpan<double> high,
        ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume, string? symbol = null)
    {
        var b = new MarketFrameBuilder(timeframe).WithSymbol(symbol).WithTime(time)
            .WithColumn(MarketColumn.Open, open).WithColumn(MarketColumn.High, high)
            .WithColumn(MarketColumn.Low, low).WithColumn(MarketColumn.Close, close);
        if (!volume.IsEmpty || time.IsEmpty)
        {
            b.WithColumn(MarketColumn.Volume, volume);
        }

        return b.Build();
    }

    /// <summary>
    /// Creates a frame from any sequence of quote objects (for example another library's quote type) with selectors.
    /// </summary>
    /// <typeparam name="TQuote">The caller's quote type.</typeparam>
    /// <param name="quotes">Bars in time order.</param>
    /// <param name="time">Bar open time; <see cref="DateTimeKind.Unspecified"/> is taken as UTC, local times are converted.</param>
    /// <param name="open">Selects the open price.</param>
    /// <param name="high">Selects the high price.</param>
    /// <param name="low">Selects the low price.</param>
    /// <param name="close">Selects the close price.</param>
    /// <param name="volume">Selects the base volume, or null when there is none.</param>
    /// <param name="timeframe">Bar length; inferred from the smallest time step when null.</param>
    /// <param name="symbol">Optional instrument name.</param>
    /// <param name="columns">Optional further columns (e.g. <see cref="MarketColumn.TakerBuyVolume"/>) with their selectors.</param>
    /// <exception cref="ArgumentException">The quotes are unsorted or duplicated, or the timeframe cannot be inferred.</exception>
    public static MarketFrame FromQuotes<TQuote>(IEnumerable<TQuote> quotes, Func<TQuote, DateTime> time, Func<TQuote, double> open,
        Func<TQuote, double> high, Func<TQuote, double> low, Func<TQuote, double> close, Func<TQuote, double>? volume = null,
        Timeframe? timeframe = null, string? symbol = null, IReadOnlyDictionary<MarketColumn, Func<TQuote, double>>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(quotes);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(high);
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(close);
        var list = quotes as IReadOnlyList<TQuote> ?? quotes.ToList();
        int n = list.Count;
        var t = new long[n];
        var o = new double[n];
        var h = new double[n];
        var l = new double[n];
        var c = new double[n];
        var v = volume is null ? null : new double[n];
        var extra = columns?.ToDictionary(kv => kv.Key, _ => new double[n]);
        for (int i = 0; i < n; i++)
        {
            var q = list[i];
            t[i] = ToUnixMs(time(q));
            o[i] = open(q);
            h[i] = high(q);
            l[i] = low(q);
            c[i] = close(q);
            if (v is not null)
            {
                v[i] = volume!(q);
            }

            if (extra is not null)
            {
                foreach (var kv in columns!)
                {
                    extra[kv.Key][i] = kv.Value(q);
                }
            }
        }

        var b = new MarketFrameBuilder(timeframe).WithSymbol(symbol).WithTime(t)
            .WithColumn(MarketColumn.Open, o).WithColumn(MarketColumn.High, h).WithColumn(MarketColumn.Low, l).WithColumn(MarketColumn.Close, c);
        if (v is not null)
        {
            b.WithColumn(MarketColumn.Volume, v);
        }

        if (extra is not null)
        {
            foreach (var kv in extra)
            {
                b.WithColumn(kv.Key, kv.Value);
            }
        }

        return b.Build();
    }

    internal static long ToUnixMs(DateTime time)
    {
        var utc = time.Kind switch
        {
            DateTimeKind.Local => time.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(time, DateTimeKind.Utc),
            _ => time,
        };
        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
    }

    internal static string FormatTime(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The column arrays indexed by <see cref="MarketColumn"/> (null: absent), for per-bar loaders.</summary>
    internal double[]?[] ColumnArrays => _columns;

    private double[] GetArray(MarketColumn column) =>
        (uint)column < (uint)_columns.Length && _columns[(int)column] is { } a
            ? a
            : throw new ArgumentException($"The frame{(Symbol.Length > 0 ? " " + Symbol : "")} has no '{column.Name()}' column (missing input column).", nameof(column));
}
