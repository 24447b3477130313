using System.Runtime.CompilerServices;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>Reads the records of every file of a <see cref="FileSet"/>, in file order, filtered to the range.</summary>
internal static class RecordStream
{
    public const int BatchSize = 512;

    public static async IAsyncEnumerable<T> ReadAsync<T>(FileSet files, CsvFormat<T> format, string symbol, TimeRange range,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : struct, IMarketRecord
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        var batch = new T[BatchSize];
        foreach (var file in files.Resolve(symbol, range))
        {
            using var reader = CsvRecordReader<T>.Open(file.Path, format, symbol, file.Timeframe);
            int n;
            while ((n = await reader.ReadBatchAsync(batch, cancellationToken).ConfigureAwait(false)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    if (range.Contains(batch[i].Time))
                    {
                        yield return batch[i];
                    }
                }
            }
        }
    }

    /// <summary>The optional columns every sample file provides (intersection); empty when there is no file.</summary>
    public static IReadOnlyCollection<MarketColumn> PeekColumns<T>(FileSet files, CsvFormat<T> format)
    {
        HashSet<MarketColumn>? common = null;
        foreach (var file in files.Samples())
        {
            using var reader = CsvRecordReader<T>.Open(file.Path, format, "", file.Timeframe);
            var layout = reader.PeekLayout();
            if (layout is null)
            {
                continue;
            }

            if (common is null)
            {
                common = [.. layout.Provides];
            }
            else
            {
                common.IntersectWith(layout.Provides);
            }
        }

        return common is null ? [] : [.. MarketColumns.All.Where(common.Contains)];
    }
}

/// <summary>Klines (or premium index klines) from CSV / Binance files.</summary>
internal sealed class CsvKlineSource(FileSet files, bool priceOnly) : IKlineSource
{
    private static readonly KlineFormat Trades = new(priceOnly: false);
    private static readonly KlineFormat PriceOnly = new(priceOnly: true);
    private IReadOnlyCollection<MarketColumn>? _columns;

    public IReadOnlyCollection<MarketColumn> OptionalColumns =>
        _columns ??= priceOnly ? [] : RecordStream.PeekColumns(files, Trades);

    public Timeframe? TimeframeOf(string symbol) => files.Timeframe;

    public IAsyncEnumerable<Kline> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default) =>
        RecordStream.ReadAsync(files, priceOnly ? PriceOnly : Trades, symbol, range, cancellationToken);
}

/// <summary>Mark or index prices from kline-shaped or observation files.</summary>
internal sealed class CsvReferencePriceSource(FileSet files, ReferencePriceKind kind) : IMarketDataSource<ReferencePrice>
{
    private readonly ReferenceFormat _format = new(kind);

    public IAsyncEnumerable<ReferencePrice> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default) =>
        RecordStream.ReadAsync(files, _format, symbol, range, cancellationToken);
}

/// <summary>Funding settlements.</summary>
internal sealed class CsvFundingSource(FileSet files) : IMarketDataSource<FundingSettlement>
{
    private static readonly FundingFormat Format = new();

    public IAsyncEnumerable<FundingSettlement> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default) =>
        RecordStream.ReadAsync(files, Format, symbol, range, cancellationToken);
}

/// <summary>Liquidation events.</summary>
internal sealed class CsvLiquidationSource(FileSet files) : IMarketDataSource<LiquidationEvent>
{
    private static readonly LiquidationFormat Format = new();

    public IAsyncEnumerable<LiquidationEvent> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default) =>
        RecordStream.ReadAsync(files, Format, symbol, range, cancellationToken);
}

/// <summary>Open interest snapshots from metrics files.</summary>
internal sealed class CsvOpenInterestSource(FileSet files) : IMarketDataSource<OpenInterestSnapshot>
{
    private static readonly MetricsFormat Format = new(MetricsFormat.Need.OpenInterest);

    public async IAsyncEnumerable<OpenInterestSnapshot> ReadAsync(string symbol, TimeRange range,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var m in RecordStream.ReadAsync(files, Format, symbol, range, cancellationToken).ConfigureAwait(false))
        {
            yield return new OpenInterestSnapshot(m.Time, m.OpenInterest, m.OpenInterestValue);
        }
    }
}

/// <summary>Positioning ratio snapshots from metrics files.</summary>
internal sealed class CsvPositioningSource(FileSet files) : IMarketDataSource<PositioningSnapshot>
{
    private static readonly MetricsFormat Format = new(MetricsFormat.Need.Positioning);

    public async IAsyncEnumerable<PositioningSnapshot> ReadAsync(string symbol, TimeRange range,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var m in RecordStream.ReadAsync(files, Format, symbol, range, cancellationToken).ConfigureAwait(false))
        {
            yield return new PositioningSnapshot(m.Time, m.LongShortRatio, m.TopTraderLongShortRatio, m.TopTraderPositionRatio, m.TakerLongShortVolRatio);
        }
    }
}

/// <summary>
/// Bars of one timeframe built from aggTrades, streaming (one bar in memory). A bar [open, open + Δ) (open a multiple
/// of Δ since the Unix epoch) takes the first and last trade's price as open and close, the extreme prices as high
/// and low, Σ quantity as volume, Σ price × quantity as quote volume, Σ (last_trade_id − first_trade_id + 1) as
/// trades, and the same sums over trades whose buyer was the taker (is_buyer_maker = false) as taker-buy volumes.
/// A period without trades has no bar. Overlapping archives are read once: a trade whose agg_trade_id is not above
/// the highest already read is skipped. A trade earlier than the bar being built is an error (files are in time order).
/// </summary>
internal sealed class AggTradeKlineSource(FileSet files, Timeframe timeframe) : IKlineSource
{
    private static readonly AggTradeFormat Format = new();

    public IReadOnlyCollection<MarketColumn> OptionalColumns { get; } =
        [MarketColumn.Volume, MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume];

    public Timeframe? TimeframeOf(string symbol) => timeframe;

    public async IAsyncEnumerable<Kline> ReadAsync(string symbol, TimeRange range, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        long step = timeframe.Milliseconds;

        // A trade at t is in the bar floor(t/Δ)·Δ; that bar's open lies in [From, To) iff t lies in [⌈From⌉, ⌈To⌉).
        var tradeRange = new TimeRange(CeilToStep(range.From, step), CeilToStep(range.To, step));
        var batch = new AggTrade[RecordStream.BatchSize];
        var bar = default(BarState);
        long maxId = long.MinValue;
        foreach (var file in files.Resolve(symbol, range))
        {
            using var reader = CsvRecordReader<AggTrade>.Open(file.Path, Format, symbol, timeframe);
            int n;
            while ((n = await reader.ReadBatchAsync(batch, cancellationToken).ConfigureAwait(false)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    var trade = batch[i];
                    if (trade.Id != long.MinValue)
                    {
                        if (trade.Id <= maxId)
                        {
                            continue;
                        }

                        maxId = trade.Id;
                    }

                    if (!tradeRange.Contains(trade.Time))
                    {
                        continue;
                    }

                    long open = trade.Time - Mod(trade.Time, step);
                    if (bar.Active && open != bar.Open)
                    {
                        if (open < bar.Open)
                        {
                            var layout = reader.Layout!;
                            throw new FormatException(CsvErrors.Field(reader.Source, trade.Line, layout.TimeField, layout.ColumnNames[layout.TimeField],
                                $"trade time {Iso(trade.Time)} is before the bar being built ({Iso(bar.Open)}); aggTrades must be in time order",
                                System.Text.Encoding.UTF8.GetBytes(trade.Time.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                        }

                        yield return bar.ToKline();
                        bar = default;
                    }

                    bar.Add(open, trade);
                }
            }
        }

        if (bar.Active)
        {
            yield return bar.ToKline();
        }
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static long Mod(long t, long step)
    {
        long m = t % step;
        return m < 0 ? m + step : m;
    }

    private static long CeilToStep(long t, long step)
    {
        if (t == long.MinValue || t == long.MaxValue)
        {
            return t;
        }

        long m = Mod(t, step);
        return m == 0 ? t : (t > long.MaxValue - step ? long.MaxValue : t - m + step);
    }

    private struct BarState
    {
        public bool Active;
        public long Open;
        private double _o, _h, _l, _c, _v, _qv, _n, _tb, _tbq;

        public void Add(long open, in AggTrade t)
        {
            double quote = t.Price * t.Quantity;
            if (!Active)
            {
                Active = true;
                Open = open;
                _o = _h = _l = t.Price;
            }

            _h = Math.Max(_h, t.Price);
            _l = Math.Min(_l, t.Price);
            _c = t.Price;
            _v += t.Quantity;
            _qv += quote;
            _n += t.Trades;
            if (!t.BuyerMaker)
            {
                _tb += t.Quantity;
                _tbq += quote;
            }
        }

        public readonly Kline ToKline() => new(Open, _o, _h, _l, _c, _v, _qv, _n, _tb, _tbq);
    }
}
