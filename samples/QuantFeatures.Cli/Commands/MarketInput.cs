using QuantFeatures.Cli.CommandLine;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv;

namespace QuantFeatures.Cli.Commands;

/// <summary>
/// The market data of <c>compute</c>: bars from --input (or the embedded sample) or a Binance --archive folder, optionally
/// resampled (--resample-from), joined point in time with --funding, --metrics, --liquidations, --mark and --index through
/// <see cref="MarketDataLoader"/>.
/// </summary>
public static class MarketInput
{
    /// <summary>Builds the frame the options describe, and a short description of its sources.</summary>
    /// <exception cref="UsageException">Inconsistent options.</exception>
    public static (MarketFrame Frame, string Source) Load(ParsedArgs args, Timeframe? timeframe)
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

    /// <summary>The path given for a kind, else the archive folder (which holds every kind), else none.</summary>
    private static string? Pick(string? path, BinanceArchiveDirectory? directory) => path ?? directory?.Root;
}
