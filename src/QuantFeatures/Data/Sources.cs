namespace QuantFeatures.Data;

/// <summary>A half-open time range [<see cref="From"/>, <see cref="To"/>) in Unix milliseconds (UTC).</summary>
/// <param name="From">Inclusive start.</param>
/// <param name="To">Exclusive end.</param>
public readonly record struct TimeRange(long From, long To)
{
    /// <summary>Every time.</summary>
    public static TimeRange All => new(long.MinValue, long.MaxValue);

    /// <summary>Whether <paramref name="time"/> lies in the range.</summary>
    public bool Contains(long time) => time >= From && time < To;

    /// <summary>A range from two UTC instants.</summary>
    public static TimeRange FromUtc(DateTimeOffset from, DateTimeOffset to) => new(from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
}

/// <summary>
/// A source of one kind of market data for a symbol: files, a database, an exchange archive. Implementations stream
/// (bounded memory), honour cancellation, and may return records in any order and with duplicates — the loader
/// sorts and de-duplicates. A malformed record is an exception whose message says where it is (file, line, column).
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public interface IMarketDataSource<T>
    where T : struct, IMarketRecord
{
    /// <summary>The records of <paramref name="symbol"/> whose <see cref="IMarketRecord.Time"/> lies in
    /// <paramref name="range"/> (a source may return more; the loader filters).</summary>
    IAsyncEnumerable<T> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default);
}

/// <summary>A source of bars at a given timeframe.</summary>
public interface IKlineSource : IMarketDataSource<Kline>
{
    /// <summary>The timeframe of the bars this source holds for <paramref name="symbol"/>, when known without reading
    /// (null: infer from the data).</summary>
    Timeframe? TimeframeOf(string symbol);

    /// <summary>The optional kline columns this source provides (beyond OHLCV), e.g. quote_volume and taker_buy_volume
    /// for Binance 12-column klines; an absent column stays absent from the frame rather than becoming a NaN column.</summary>
    IReadOnlyCollection<MarketColumn> OptionalColumns { get; }
}

/// <summary>A sink that stores records of one kind (storage adapters): idempotent, atomic per call.</summary>
/// <typeparam name="T">The record type.</typeparam>
public interface IMarketDataSink<T>
    where T : struct, IMarketRecord
{
    /// <summary>Writes <paramref name="records"/> of <paramref name="symbol"/> as one atomic batch; writing the same
    /// records again changes nothing. Returns the number of records that were new or changed.</summary>
    Task<int> WriteAsync(string symbol, IReadOnlyList<T> records, CancellationToken cancellationToken = default);
}

/// <summary>An in-memory source (tests, samples, adapters that already hold the records).</summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class InMemorySource<T> : IMarketDataSource<T>
    where T : struct, IMarketRecord
{
    private readonly Dictionary<string, T[]> _bySymbol = new(StringComparer.Ordinal);

    /// <summary>Adds (or replaces) the records of a symbol.</summary>
    public InMemorySource<T> Add(string symbol, IEnumerable<T> records)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentNullException.ThrowIfNull(records);
        _bySymbol[symbol] = [.. records];
        return this;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<T> ReadAsync(string symbol, TimeRange range,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        if (!_bySymbol.TryGetValue(symbol, out var records))
        {
            yield break;
        }

        foreach (var r in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (range.Contains(r.Time))
            {
                yield return r;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}

/// <summary>An in-memory bar source (tests, samples, a frame already in memory).</summary>
public sealed class InMemoryKlineSource : IKlineSource
{
    private readonly InMemorySource<Kline> _bars = new();
    private readonly Dictionary<string, Timeframe> _timeframes = new(StringComparer.Ordinal);

    /// <summary>Creates the source; <paramref name="optionalColumns"/> lists the optional kline columns the bars carry.</summary>
    public InMemoryKlineSource(IReadOnlyCollection<MarketColumn>? optionalColumns = null) => OptionalColumns = optionalColumns ?? [];

    /// <inheritdoc/>
    public IReadOnlyCollection<MarketColumn> OptionalColumns { get; }

    /// <summary>Adds (or replaces) the bars of a symbol, at a known timeframe or (null) one inferred by the loader.</summary>
    public InMemoryKlineSource Add(string symbol, IEnumerable<Kline> bars, Timeframe? timeframe = null)
    {
        _bars.Add(symbol, bars);
        if (timeframe is { } tf)
        {
            _timeframes[symbol] = tf;
        }
        else
        {
            _timeframes.Remove(symbol);
        }

        return this;
    }

    /// <summary>A source holding the bars of a frame (its optional kline columns included).</summary>
    public static InMemoryKlineSource FromFrame(MarketFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        MarketColumn[] optional = [MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume];
        var present = optional.Where(frame.Has).ToArray();
        double Get(MarketColumn c, int i) => frame.Has(c) ? frame[c][i] : double.NaN;
        var bars = new Kline[frame.Length];
        for (int i = 0; i < bars.Length; i++)
        {
            bars[i] = new Kline(frame.Time[i], frame[MarketColumn.Open][i], frame[MarketColumn.High][i], frame[MarketColumn.Low][i], frame.Close[i],
                Get(MarketColumn.Volume, i), Get(MarketColumn.QuoteVolume, i), Get(MarketColumn.Trades, i), Get(MarketColumn.TakerBuyVolume, i),
                Get(MarketColumn.TakerBuyQuoteVolume, i));
        }

        return new InMemoryKlineSource(present).Add(string.IsNullOrEmpty(frame.Symbol) ? "default" : frame.Symbol, bars, frame.Timeframe);
    }

    /// <inheritdoc/>
    public Timeframe? TimeframeOf(string symbol) => _timeframes.TryGetValue(symbol, out var tf) ? tf : null;

    /// <inheritdoc/>
    public IAsyncEnumerable<Kline> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default) =>
        _bars.ReadAsync(symbol, range, cancellationToken);
}

/// <summary>
/// Several sources of one kind read as one, in the order given (e.g. mark-price and index-price klines for
/// <see cref="MarketDataLoader.WithReferencePrices"/>). The loader sorts and de-duplicates, so the order of the parts
/// does not change the result.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class CombinedSource<T> : IMarketDataSource<T>
    where T : struct, IMarketRecord
{
    private readonly IMarketDataSource<T>[] _parts;

    /// <summary>Combines <paramref name="parts"/> (at least one).</summary>
    /// <exception cref="ArgumentException">No part, or a null part.</exception>
    public CombinedSource(params IMarketDataSource<T>[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0 || parts.Any(p => p is null))
        {
            throw new ArgumentException("A combined source needs at least one source, and no null source.", nameof(parts));
        }

        _parts = [.. parts];
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<T> ReadAsync(string symbol, TimeRange range,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var part in _parts)
        {
            await foreach (var r in part.ReadAsync(symbol, range, cancellationToken).ConfigureAwait(false))
            {
                yield return r;
            }
        }
    }
}
