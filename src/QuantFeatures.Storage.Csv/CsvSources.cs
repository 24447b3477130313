using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Internal;

namespace QuantFeatures.Storage.Csv;

/// <summary>
/// Market data sources over CSV files and Binance public-data archives: the entry point of this package.
/// </summary>
/// <remarks>
/// <para><b>Paths.</b> Every factory takes files and/or directories. A <b>file</b> (<c>.csv</c>, <c>.csv.gz</c>, or a
/// <c>.zip</c> holding one CSV, as Binance ships its daily and monthly archives; the container is recognised by its
/// magic bytes) is read for whatever symbol the caller asks — its content is the caller's choice. A <b>directory</b>
/// is searched recursively for files whose names give the symbol and the kind:
/// <c>SYMBOL-KIND[-yyyy-MM[-dd]].(csv|csv.gz|zip)</c> with KIND an interval (<c>1h</c>; kline files — under a folder
/// <c>markPriceKlines</c>, <c>indexPriceKlines</c> or <c>premiumIndexKlines</c> they are mark/index/premium klines),
/// <c>&lt;interval&gt;-mark</c>, <c>&lt;interval&gt;-index</c>, <c>&lt;interval&gt;-premiumIndex</c>,
/// <c>fundingRate</c> or <c>funding</c>, <c>metrics</c>, <c>liquidationSnapshot</c>, <c>aggTrades</c>. So both the
/// Binance tree (<c>klines/BTCUSDT/1h/BTCUSDT-1h-2025-05-01.zip</c>, <c>BTCUSDT-fundingRate-2025-05.zip</c>) and flat
/// folders (<c>BTCUSDT-1h.csv</c>, <c>BTCUSDT-funding.csv</c>, <c>BTCUSDT-8h-mark.csv</c>) work. Files are read in time
/// order of their names; dated files that cannot hold the requested range are not opened.</para>
/// <para><b>Layouts.</b> The first non-empty line is a header when its first cell does not start with a digit: columns
/// are then found by name (Binance's names or the FEATURES.md input names, case-insensitive; other columns are
/// ignored); the time column is the first present of the kind's time names, an <c>_ms</c> variant preferred
/// (<c>open_time_ms</c> over <c>open_time</c>). Without a header the file must be the Binance layout of its kind,
/// recognised by its field count. Times: epoch seconds, milliseconds or microseconds (detected per value by
/// magnitude; Binance spot files use µs from 2025) or ISO-8601 (no zone = UTC). Numbers: invariant culture; an empty
/// cell or <c>NaN</c> is a missing value (NaN), not an error. A file with a <c>symbol</c> column serves only that
/// symbol's rows.</para>
/// <para><b>Errors.</b> A malformed row throws <see cref="FormatException"/> with
/// <c>file: line N, column C (name): problem 'text'</c> (a zip entry is shown as <c>file.zip[entry.csv]</c>); a corrupt
/// or truncated archive throws <see cref="InvalidDataException"/> naming the file (and the line reached); a missing path
/// throws <see cref="FileNotFoundException"/>. Records already yielded stay yielded — a consumer (such as the loader)
/// must discard everything when the enumeration throws; nothing is skipped silently.</para>
/// <para><b>Memory.</b> Streaming: one 64 KiB buffer and a batch of 512 records per open file; no per-field strings.</para>
/// </remarks>
public static class CsvSources
{
    /// <summary>Klines: Binance 12-column files (with or without header) or named columns (a time column plus open,
    /// high, low, close and any of volume, quote_volume, trades/count, taker_buy_volume, taker_buy_quote_volume).
    /// <see cref="Kline.Time"/> is the bar's open time.</summary>
    /// <param name="path">A file or a directory.</param>
    /// <param name="timeframe">The bar interval; required to pick files from a directory. When null it is taken from
    /// the file names (e.g. <c>BTCUSDT-1h.csv</c>) if they agree, else left to the consumer to infer.</param>
    public static IKlineSource Klines(string path, Timeframe? timeframe = null) => Klines([path], timeframe);

    /// <summary>Klines from several files and/or directories (see <see cref="Klines(string, Timeframe?)"/>).</summary>
    public static IKlineSource Klines(IEnumerable<string> paths, Timeframe? timeframe = null) =>
        new CsvKlineSource(KlineFiles(paths, ArchiveKind.Klines, timeframe), priceOnly: false);

    /// <summary>Premium index klines (Binance <c>premiumIndexKlines</c>): bars whose open/high/low/close are the
    /// premium index (a ratio, not a price); volumes are NaN and <see cref="IKlineSource.OptionalColumns"/> is empty.
    /// The core has no premium column yet, so this is a kline source of its own rather than a reference price.</summary>
    /// <param name="paths">Files and/or directories (in a directory: under a <c>premiumIndexKlines</c> folder, or named
    /// <c>SYMBOL-&lt;interval&gt;-premiumIndex.csv</c>).</param>
    /// <param name="timeframe">The kline interval; required for directories.</param>
    public static IKlineSource PremiumIndexKlines(IEnumerable<string> paths, Timeframe? timeframe = null) =>
        new CsvKlineSource(KlineFiles(paths, ArchiveKind.PremiumIndexKlines, timeframe), priceOnly: true);

    /// <summary>Bars of <paramref name="timeframe"/> built from Binance aggTrades files (agg_trade_id, price, quantity,
    /// first_trade_id, last_trade_id, transact_time, is_buyer_maker), streaming with one bar in memory.</summary>
    /// <remarks>A bar [open, open + Δ), open a multiple of Δ since the Unix epoch (so 1w bars start on Thursdays):
    /// open/close = first/last trade's price in file order, high/low = extreme prices, volume = Σ quantity, quote
    /// volume = Σ price × quantity, trades = Σ (last_trade_id − first_trade_id + 1), taker-buy volumes = the same sums
    /// over trades with is_buyer_maker = false (the buyer was the taker). A period without trades has no bar.
    /// Overlapping archives (a monthly file and daily files of the same days) are read once: a trade whose
    /// agg_trade_id is not above the highest already read is skipped. A trade earlier than the bar being built is a
    /// <see cref="FormatException"/>. A named-column trades file may omit agg_trade_id (no de-duplication) and
    /// first/last_trade_id (each row is one trade).</remarks>
    public static IKlineSource KlinesFromAggTrades(IEnumerable<string> paths, Timeframe timeframe) =>
        new AggTradeKlineSource(new FileSet(paths, ArchiveKind.AggTrades, null), timeframe);

    /// <summary>Mark (or index) prices. From a kline-shaped file (Binance markPriceKlines / indexPriceKlines, or named
    /// columns with <c>close</c>, like the samples' <c>mark-8h</c> files) each kline gives one observation at its CLOSE
    /// time, open + interval, with its close price — a kline's close is not known at its open. The interval is
    /// <paramref name="interval"/>, else the file name's (<c>BTCUSDT-8h-mark.csv</c>, <c>…/1h/BTCUSDT-1h-2025-05-01.zip</c>),
    /// else close_time + 1 ms; otherwise the file is rejected. A file with a <c>mark_price</c> / <c>index_price</c> /
    /// <c>price</c> column and no <c>close</c> gives observations at its time column as they are.</summary>
    /// <param name="kind">Mark or index.</param>
    /// <param name="paths">Files and/or directories (in a directory: under <c>markPriceKlines</c> /
    /// <c>indexPriceKlines</c>, or named <c>SYMBOL-&lt;interval&gt;-mark</c> / <c>-index</c>).</param>
    /// <param name="interval">The kline interval, or null for every interval found.</param>
    public static IMarketDataSource<ReferencePrice> ReferencePrices(ReferencePriceKind kind, IEnumerable<string> paths, Timeframe? interval = null)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown reference price kind.");
        }

        return new CsvReferencePriceSource(new FileSet(paths, kind == ReferencePriceKind.Mark ? ArchiveKind.MarkPriceKlines : ArchiveKind.IndexPriceKlines, interval), kind);
    }

    /// <summary>Funding settlements: Binance fundingRate (calc_time, funding_interval_hours, last_funding_rate) or named
    /// columns (funding_time / calc_time / time …, an <c>_ms</c> variant preferred, funding_rate or last_funding_rate, and
    /// optionally funding_interval_hours). <see cref="FundingSettlement.Time"/> is the settlement time as written
    /// (with Binance's millisecond jitter); IntervalHours comes from the file, NaN when it has none.</summary>
    public static IMarketDataSource<FundingSettlement> Funding(params IEnumerable<string> paths) =>
        new CsvFundingSource(new FileSet(paths, ArchiveKind.FundingRate, null));

    /// <summary>Open interest from Binance metrics files (sum_open_interest → OpenInterest, sum_open_interest_value →
    /// OpenInterestValue) or named columns open_interest / open_interest_value. Time = create_time, the snapshot time.</summary>
    public static IMarketDataSource<OpenInterestSnapshot> OpenInterest(params IEnumerable<string> paths) =>
        new CsvOpenInterestSource(new FileSet(paths, ArchiveKind.Metrics, null));

    /// <summary>Positioning ratios from Binance metrics files, mapped by what Binance means:
    /// count_long_short_ratio (all accounts) → LongShortRatio; count_toptrader_long_short_ratio (top traders by
    /// accounts) → TopTraderLongShortRatio; sum_toptrader_long_short_ratio (top traders by positions) →
    /// TopTraderPositionRatio; sum_taker_long_short_vol_ratio → TakerLongShortVolRatio. Named columns use the
    /// FEATURES.md input names. Time = create_time.</summary>
    public static IMarketDataSource<PositioningSnapshot> Positioning(params IEnumerable<string> paths) =>
        new CsvPositioningSource(new FileSet(paths, ArchiveKind.Metrics, null));

    /// <summary>Liquidation orders from Binance liquidationSnapshot files or named columns (time, side, price,
    /// quantity). Side SELL (or LONG) = a long position liquidated, BUY (or SHORT) = a short one. Price = average_price
    /// (the fill price; <c>price</c> when there is no average_price column); Quantity = accumulated_fill_quantity (else
    /// quantity, else original_quantity). Time = the event time. Duplicates are returned as they are in the files.</summary>
    public static IMarketDataSource<LiquidationEvent> Liquidations(params IEnumerable<string> paths) =>
        new CsvLiquidationSource(new FileSet(paths, ArchiveKind.LiquidationSnapshot, null));

    private static FileSet KlineFiles(IEnumerable<string> paths, ArchiveKind kind, Timeframe? timeframe)
    {
        var set = new FileSet(paths, kind, timeframe);
        if (timeframe is null)
        {
            foreach (var p in set.Paths)
            {
                if (Directory.Exists(p))
                {
                    throw new ArgumentException($"'{p}' is a directory: pass the timeframe so that only the klines of one interval are read.", nameof(timeframe));
                }
            }
        }

        return set;
    }
}
