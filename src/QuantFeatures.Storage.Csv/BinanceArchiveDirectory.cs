using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Internal;

namespace QuantFeatures.Storage.Csv;

/// <summary>
/// A folder of market data files — a mirror of the Binance public-data tree, a flat folder like
/// <c>samples/data/binance-um-2025</c>, or files written by this class's sinks — as sources and sinks for every kind.
/// </summary>
/// <remarks>
/// Sources find a symbol's files by name anywhere below <see cref="Root"/> (see <see cref="CsvSources"/> for the
/// naming, layouts and errors); each source walks the folder once, at its first read (a source obtained later sees
/// files added since). Sinks write one Binance-layout CSV per
/// symbol and kind directly in <see cref="Root"/>: <c>SYMBOL-&lt;interval&gt;.csv</c> (klines),
/// <c>SYMBOL-fundingRate.csv</c>, <c>SYMBOL-metrics.csv</c> (open interest and positioning share it) and
/// <c>SYMBOL-liquidationSnapshot.csv</c>. A write merges with the file's content (klines, funding and metrics by time;
/// liquidations as a set of events), so writing the same records again changes nothing, and replaces the file
/// atomically (temporary file + rename).
/// </remarks>
public sealed class BinanceArchiveDirectory
{
    /// <summary>Uses the folder <paramref name="root"/>; it is created by the first sink write if missing.</summary>
    public BinanceArchiveDirectory(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The folder (full path).</summary>
    public string Root { get; }

    /// <summary>Klines of one interval (Binance <c>klines/SYMBOL/1h/…</c> or <c>SYMBOL-1h.csv</c>).</summary>
    public IKlineSource Klines(Timeframe interval) => CsvSources.Klines([Root], interval);

    /// <summary>Premium index klines of one interval (see <see cref="CsvSources.PremiumIndexKlines"/>).</summary>
    public IKlineSource PremiumIndexKlines(Timeframe interval) => CsvSources.PremiumIndexKlines([Root], interval);

    /// <summary>Bars of <paramref name="timeframe"/> built from the aggTrades files (see <see cref="CsvSources.KlinesFromAggTrades"/>).</summary>
    public IKlineSource KlinesFromAggTrades(Timeframe timeframe) => CsvSources.KlinesFromAggTrades([Root], timeframe);

    /// <summary>Mark prices from mark-price klines (one observation per kline at its close time).</summary>
    /// <param name="interval">The kline interval to read, or null for every interval found.</param>
    public IMarketDataSource<ReferencePrice> MarkPrices(Timeframe? interval = null) => CsvSources.ReferencePrices(ReferencePriceKind.Mark, [Root], interval);

    /// <summary>Index prices from index-price klines (one observation per kline at its close time).</summary>
    /// <param name="interval">The kline interval to read, or null for every interval found.</param>
    public IMarketDataSource<ReferencePrice> IndexPrices(Timeframe? interval = null) => CsvSources.ReferencePrices(ReferencePriceKind.Index, [Root], interval);

    /// <summary>Funding settlements (fundingRate / funding files).</summary>
    public IMarketDataSource<FundingSettlement> Funding() => CsvSources.Funding(Root);

    /// <summary>Open interest from the metrics files.</summary>
    public IMarketDataSource<OpenInterestSnapshot> OpenInterest() => CsvSources.OpenInterest(Root);

    /// <summary>Positioning ratios from the metrics files.</summary>
    public IMarketDataSource<PositioningSnapshot> Positioning() => CsvSources.Positioning(Root);

    /// <summary>Liquidation events from the liquidationSnapshot files.</summary>
    public IMarketDataSource<LiquidationEvent> Liquidations() => CsvSources.Liquidations(Root);

    /// <summary>The symbols that have at least one data file of any kind, sorted.</summary>
    public IReadOnlyList<string> Symbols()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            if (ArchiveName.TryParse(file, Root, out var name))
            {
                set.Add(name.Symbol);
            }
        }

        return [.. set];
    }

    /// <summary>A sink of klines of one interval (<c>SYMBOL-&lt;interval&gt;.csv</c>, 12 columns, keyed by open time).</summary>
    public IMarketDataSink<Kline> KlineSink(Timeframe interval) => new KlineFileSink(Root, interval);

    /// <summary>A sink of funding settlements (<c>SYMBOL-fundingRate.csv</c>, keyed by settlement time).</summary>
    public IMarketDataSink<FundingSettlement> FundingSink() => new FundingFileSink(Root);

    /// <summary>A sink of open interest (<c>SYMBOL-metrics.csv</c>, keyed by snapshot time; keeps the ratio columns).</summary>
    public IMarketDataSink<OpenInterestSnapshot> OpenInterestSink() => new OpenInterestFileSink(Root);

    /// <summary>A sink of positioning ratios (<c>SYMBOL-metrics.csv</c>, keyed by snapshot time; keeps the open interest columns).</summary>
    public IMarketDataSink<PositioningSnapshot> PositioningSink() => new PositioningFileSink(Root);

    /// <summary>A sink of liquidation events (<c>SYMBOL-liquidationSnapshot.csv</c>; an event already stored is not new).</summary>
    public IMarketDataSink<LiquidationEvent> LiquidationSink() => new LiquidationFileSink(Root);
}
