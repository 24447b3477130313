using System.Globalization;
using QuantFeatures.Cli.CommandLine;
using QuantFeatures.Cli.Csv;
using QuantFeatures.Cli.Stores;
using QuantFeatures.Data;
using QuantFeatures.Storage;
using QuantFeatures.Storage.Csv;

namespace QuantFeatures.Cli.Commands;

/// <summary>
/// The market data of <c>compute</c>: bars from --input (or the embedded sample), a Binance --archive folder or a --store, optionally
/// resampled (--resample-from), joined point in time with --funding, --metrics, --liquidations, --mark and --index through
/// <see cref="MarketDataLoader"/>.
/// </summary>
public static class MarketInput
{
    /// <summary>Builds the frame the options describe, and a short description of its sources.</summary>
    /// <exception cref="UsageException">Inconsistent options.</exception>
    public static (MarketFrame Frame, string Source) Load(ParsedArgs args, Timeframe? timeframe, bool storeIsInput = true)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? archive = args.Get("archive");
        string? input = args.Get("input");
        Timeframe? from = args.Get("resample-from") is { } f ? Timeframe.Parse(f) : null;
        if (archive is not null && input is not null)
        {
            throw new UsageException("Use either --input or --archive, not both.");
        }

        if (from is not null && timeframe is null)
        {
            throw new UsageException("--resample-from needs --timeframe (the bar length to resample to).");
        }

        if (from is { } fine && timeframe is { } coarse && (coarse.Milliseconds % fine.Milliseconds != 0 || coarse.Milliseconds <= fine.Milliseconds))
        {
            throw new UsageException($"--timeframe {coarse} is not a whole multiple (> 1) of --resample-from {fine}.");
        }

        var sparse = new (string Option, string? Path)[]
        {
            ("funding", args.Get("funding")), ("metrics", args.Get("metrics")), ("liquidations", args.Get("liquidations")), ("mark", args.Get("mark")),
            ("index", args.Get("index")),
        };
        if (storeIsInput && args.Get("store") is { } storeText)
        {
            if (archive is not null || input is not null || sparse.Any(s => s.Path is not null))
            {
                throw new UsageException("--store reads every input from the store: drop --input, --archive, --funding, --metrics, --liquidations, --mark and --index.");
            }

            return LoadFromStoreAsync(StoreUri.Parse(storeText), args, timeframe, from).GetAwaiter().GetResult();
        }

        if (args.Get("as-of") is not null)
        {
            throw new UsageException("--as-of reads a store as known at a time: it needs --store.");
        }
        foreach (var (option, path) in sparse)
        {
            if (path is not null && !File.Exists(path) && !Directory.Exists(path))
            {
                throw new UsageException($"--{option}: no such file or folder: {path}");
            }
        }

        IKlineSource bars;
        string symbol;
        string description;
        BinanceArchiveDirectory? directory = null;
        if (archive is not null)
        {
            if (!Directory.Exists(archive))
            {
                throw new UsageException($"--archive: no such folder: {archive}");
            }

            symbol = args.Get("symbol") ?? throw new UsageException("--archive needs --symbol (e.g. BTCUSDT).");
            var target = timeframe ?? throw new UsageException("--archive needs --timeframe (e.g. 1h).");
            directory = new BinanceArchiveDirectory(archive);
            bars = directory.Klines(from ?? target);
            description = $"archive {archive}";
        }
        else
        {
            var (frame, source) = ComputeCommand.ReadInput(input, from ?? timeframe, args.Get("symbol"));
            if (from is null && sparse.All(s => s.Path is null))
            {
                return (frame, source); // plain bars: nothing to align
            }

            symbol = string.IsNullOrEmpty(frame.Symbol) ? "default" : frame.Symbol;
            bars = InMemoryKlineSource.FromFrame(frame); // an unnamed frame is served as "default"
            timeframe ??= frame.Timeframe;
            description = source;
        }

        var loader = new MarketDataLoader(bars);
        if (Pick(sparse[0].Path, directory) is { } funding)
        {
            loader.WithFunding(CsvSources.Funding(funding));
        }

        if (Pick(sparse[1].Path, directory) is { } metrics)
        {
            loader.WithOpenInterest(CsvSources.OpenInterest(metrics)).WithPositioning(CsvSources.Positioning(metrics));
        }

        if (Pick(sparse[2].Path, directory) is { } liquidations)
        {
            loader.WithLiquidations(CsvSources.Liquidations(liquidations));
        }

        var references = new List<IMarketDataSource<ReferencePrice>>();
        if (Pick(sparse[3].Path, directory) is { } mark)
        {
            references.Add(CsvSources.ReferencePrices(ReferencePriceKind.Mark, [mark]));
        }

        if (Pick(sparse[4].Path, directory) is { } index)
        {
            references.Add(CsvSources.ReferencePrices(ReferencePriceKind.Index, [index]));
        }

        if (references.Count > 0)
        {
            loader.WithReferencePrices(new CombinedSource<ReferencePrice>([.. references]));
        }

        var extras = sparse.Where(s => s.Path is not null).Select(s => "--" + s.Option).ToArray();
        if (extras.Length > 0)
        {
            description += " + " + string.Join(" ", extras);
        }

        var loaded = loader.LoadAsync(symbol, timeframe!.Value, TimeRange.All).GetAwaiter().GetResult();
        if (loaded.Length == 0)
        {
            throw new ArgumentException($"No {symbol} bars were found in {description}.");
        }

        return (loaded, description);
    }

    /// <summary>
    /// The frame of --symbol at --timeframe from a store, latest or as of --as-of: its bars (at --resample-from when given)
    /// and every sparse kind the store holds for the symbol, joined by the same loader as files, so the frame (and the
    /// features) equal those of the files that were ingested.
    /// </summary>
    private static async Task<(MarketFrame Frame, string Source)> LoadFromStoreAsync(StoreUri uri, ParsedArgs args, Timeframe? timeframe, Timeframe? from)
    {
        string symbol = args.Get("symbol") ?? throw new UsageException("--store needs --symbol (e.g. BTCUSDT).");
        var target = timeframe ?? throw new UsageException("--store needs --timeframe (e.g. 1h).");
        var read = StoreReadOptions.Latest;
        string description = uri.ToString();
        if (args.Get("as-of") is { } asOfText)
        {
            if (!TimeParser.TryParse(asOfText.Trim(), out long asOf))
            {
                throw new UsageException($"Option --as-of must be a time ({TimeParser.AcceptedForms}), not '{asOfText}'.");
            }

            read = new StoreReadOptions { AsOf = asOf };
            description += " as of " + DateTimeOffset.FromUnixTimeMilliseconds(asOf).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        }

        var opened = await uri.OpenAsync(create: false).ConfigureAwait(false);
        await using (opened.ConfigureAwait(false))
        {
            var store = uri.MarketData(opened);
            var loader = new MarketDataLoader(await store.OpenKlinesAsync(symbol, from ?? target, read).ConfigureAwait(false));

            // A kind joins the frame only when the store holds some of it (as the files' options do): an empty
            // liquidation source would still add its zero columns.
            var kinds = new List<string>();
            if (await HasAnyAsync(store.Source<FundingSettlement>(read), symbol).ConfigureAwait(false))
            {
                loader.WithFunding(store.Source<FundingSettlement>(read));
                kinds.Add("funding");
            }

            if (await HasAnyAsync(store.Source<OpenInterestSnapshot>(read), symbol).ConfigureAwait(false))
            {
                loader.WithOpenInterest(store.Source<OpenInterestSnapshot>(read));
                kinds.Add("open interest");
            }

            if (await HasAnyAsync(store.Source<PositioningSnapshot>(read), symbol).ConfigureAwait(false))
            {
                loader.WithPositioning(store.Source<PositioningSnapshot>(read));
                kinds.Add("positioning");
            }

            if (await HasAnyAsync(store.Source<LiquidationEvent>(read), symbol).ConfigureAwait(false))
            {
                loader.WithLiquidations(store.Source<LiquidationEvent>(read));
                kinds.Add("liquidations");
            }

            if (await HasAnyAsync(store.Source<ReferencePrice>(read), symbol).ConfigureAwait(false))
            {
                loader.WithReferencePrices(store.Source<ReferencePrice>(read));
                kinds.Add("mark/index prices");
            }

            if (kinds.Count > 0)
            {
                description += " + " + string.Join(", ", kinds);
            }

            var frame = await loader.LoadAsync(symbol, target, TimeRange.All).ConfigureAwait(false);
            if (frame.Length == 0)
            {
                throw new ArgumentException($"No {symbol} {from ?? target} bars are in {description} (store them with `quantfeatures ingest`).");
            }

            return (frame, description);
        }
    }

    private static async Task<bool> HasAnyAsync<T>(IMarketDataSource<T> source, string symbol)
        where T : struct, IMarketRecord
    {
        await foreach (var _ in source.ReadAsync(symbol, TimeRange.All).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    /// <summary>The path given for a kind, else the archive folder (which holds every kind), else none.</summary>
    private static string? Pick(string? path, BinanceArchiveDirectory? directory) => path ?? directory?.Root;
}
