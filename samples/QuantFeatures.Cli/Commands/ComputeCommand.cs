using System.Diagnostics;
using System.Globalization;
using QuantFeatures.Cli.CommandLine;
using QuantFeatures.Cli.Csv;
using QuantFeatures.Cli.Stores;
using QuantFeatures.Streaming;

namespace QuantFeatures.Cli.Commands;

/// <summary><c>compute</c>: reads bars from a CSV, computes features, writes them as CSV.</summary>
public sealed class ComputeCommand : ICommand
{
    /// <summary>Name of the embedded default input (the BTCUSDT 1h sample).</summary>
    public const string EmbeddedSampleName = "BTCUSDT-1h.csv";

    /// <inheritdoc/>
    public string Name => "compute";

    /// <inheritdoc/>
    public string Summary => "Compute features from a bar CSV (or the embedded BTCUSDT 1h sample, or a store) into a CSV or a feature store.";

    /// <inheritdoc/>
    public string Usage => "compute [--input FILE | --archive DIR | --store URI [--as-of TIME]] (--out FILE.csv | --out-store URI) [--timeframe TF] [--resample-from TF] "
        + "[--funding FILE] [--metrics FILE] [--liquidations FILE] [--mark FILE] [--index FILE] [--engine batch|stream] [--features a,b,… | --family F] [--symbol S]";

    /// <inheritdoc/>
    public string Details => $$"""
        Input: .csv or .csv.gz (UTF-8, BOM allowed), either
          (a) a header with a time column (time, open_time, timestamp or date), open, high, low, close, and optionally volume
              and any other input column by name (quote_volume, trades, taker_buy_volume, open_interest, funding_rate …);
              unknown columns are ignored; or
          (b) Binance's 12-column kline layout, with or without its header.
        Times: ISO-8601 (2025-03-06T11:00:00Z, 2017-01-03, 2020-12-15 09:30; no zone = UTC) or epoch s/ms/µs (by magnitude).
        Missing values: empty cell or NaN. Rows must be sorted by time, without duplicates.
        Without --input the embedded sample samples/data/binance-um-2025/1h/BTCUSDT-1h.csv is used.
        Without --features/--family every feature the data allows is computed (features needing absent inputs are skipped).

        Derivatives data (aligned point in time by MarketDataLoader: a record reaches a bar only once available at the
        bar's close; see docs/loader.md): --funding (Binance fundingRate or the samples' funding CSV), --metrics (Binance
        metrics: open interest and positioning ratios), --liquidations (Binance liquidationSnapshot), --mark (mark-price
        klines), --index (index-price klines). Each takes a .csv, .csv.gz or .zip file, or a folder of Binance archive files. --archive DIR reads
        everything (klines, funding, metrics, liquidations, mark and index prices) of --symbol from a Binance public-data folder.
        --resample-from 1m reads the input as 1m bars and resamples them to --timeframe (adds the microstructure features).

        Stores ({{StoreUri.Forms}}; this CLI includes sqlite): --store URI reads the bars of --symbol at --timeframe and every
        derivatives kind the store holds for it (written by `quantfeatures ingest`), the latest revision of each record, or
        with --as-of TIME the records as known at that time (ISO-8601 or epoch; before a correction was stored, its old value).
        The features equal, byte for byte, those computed from the files that were ingested. --out-store URI writes the
        feature matrix into a feature store (with the catalogue version and definitions); --out may then be left out.

        Output: time (bar OPEN time, yyyy-MM-ddTHH:mm:ssZ UTC), then the features in catalogue order; NaN = empty cell;
        numbers in invariant culture, shortest round-trip form. A .gz output path is gzip-compressed; --out - writes to stdout.

        Examples:
          quantfeatures compute --out features.csv
          quantfeatures compute --input BTCUSDT-1m.csv.gz --out f.csv --family price
          quantfeatures compute --input quotes.csv --timeframe 1d --periods-per-year 252 --out f.csv --features rsi_14,atr_14
          quantfeatures compute --input ETHUSDT-1h.csv --funding ETHUSDT-funding.csv --out f.csv
          quantfeatures compute --input BTCUSDT-1m.csv.gz --resample-from 1m --timeframe 1h --out f.csv --family microstructure
          quantfeatures compute --archive data/futures/um --symbol BTCUSDT --timeframe 1h --out f.csv
          quantfeatures compute --store sqlite:market.db --symbol BTCUSDT --timeframe 1h --out f.csv --out-store sqlite:features.db
          quantfeatures compute --store sqlite:market.db --symbol BTCUSDT --timeframe 1h --as-of 2025-04-01T00:00:00Z --out f.csv
        """;

    /// <inheritdoc/>
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("input", "FILE", "Bar CSV (.csv or .csv.gz). Default: the embedded BTCUSDT 1h sample.", 'i'),
        new("out", "FILE.csv", "Output CSV (.csv or .csv.gz), or - for stdout. Required unless --out-store is given.", 'o'),
        new("timeframe", "TF", "Bar length (1m, 15m, 1h, 4h, 1d …). Default: inferred from the smallest time step.", 't'),
        new("features", "a,b,…", "Comma-separated feature names (see `quantfeatures features`).", 'f'),
        new("family", "F", "Every available feature of a family (or comma-separated families): " + string.Join(", ", Enum.GetValues<FeatureFamily>().Select(f => f.Id())) + "."),
        new("symbol", "S", "Instrument name (default: the input file name up to its first '-')."),
        new("resample-from", "TF", "Read the input as bars of TF (e.g. 1m) and resample them to --timeframe."),
        new("funding", "FILE|DIR", "Funding settlements (Binance fundingRate layout or named columns)."),
        new("metrics", "FILE|DIR", "Binance metrics (open interest and long/short ratios)."),
        new("liquidations", "FILE|DIR", "Binance liquidationSnapshot events."),
        new("mark", "FILE|DIR", "Mark-price klines."),
        new("index", "FILE|DIR", "Index-price klines (with --mark, for premium)."),
        new("archive", "DIR", "A folder of Binance public-data files: klines and every derivatives file of --symbol."),
        new("engine", "batch|stream", "batch (default): FeatureEngineer over the whole frame; stream: the streaming engine bar by bar (the same values)."),
        new("periods-per-year", "P", "Periods per year for annualized features (default 365·86400 s / Δ; e.g. 252 for daily equity bars)."),
        new("store", "URI", $"Read bars and derivatives of --symbol at --timeframe from a store ({StoreUri.Forms})."),
        new("as-of", "TIME", "With --store: read the records as known at TIME (ISO-8601 or epoch), not the latest revisions."),
        new("out-store", "URI", "Also (or instead of --out) write the feature matrix into a feature store (e.g. sqlite:features.db)."),
    ];

    /// <inheritdoc/>
    public int Execute(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var outStore = args.Get("out-store") is { } outStoreText ? StoreUri.Parse(outStoreText, "out-store") : null;
        string? output = outStore is null ? args.Require("out") : args.Get("out");
        var names = args.GetList("features");
        var families = args.GetList("family");
        if (names is not null && families is not null)
        {
            throw new UsageException("Use either --features or --family, not both.");
        }

        Timeframe? timeframe = args.Get("timeframe") is { } tfText ? Timeframe.Parse(tfText) : null;
        var options = FeatureEngineerOptions.Default;
        if (args.Get("periods-per-year") is { } pText)
        {
            if (!double.TryParse(pText, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || !double.IsFinite(p) || p <= 0)
            {
                throw new UsageException($"Option --periods-per-year must be a positive number, not '{pText}'.");
            }

            options = options with { PeriodsPerYear = p };
        }

        var familySet = families?.Select(FeatureFamilies.Parse).ToHashSet();
        var total = Stopwatch.StartNew();
        var (frame, source) = MarketInput.Load(args, timeframe);
        var readTime = total.Elapsed;

        var engine = new FeatureEngineer(FeatureCatalog.Default, options);
        var plan = Plan(engine, frame, names, familySet, out string skipped);
        var computeStart = total.Elapsed;
        var matrix = args.Get("engine") switch
        {
            null or "batch" => engine.Compute(frame, plan),
            "stream" => new StreamingFeatureEngine(frame.Timeframe, frame.Columns, plan, options, fundingSettlements: frame.FundingHistory is not null).Replay(frame),
            var other => throw new UsageException($"Option --engine must be batch or stream, not '{other}'."),
        };
        var computeTime = total.Elapsed - computeStart;

        var writeStart = total.Elapsed;
        bool toStdout = output == "-";
        if (toStdout)
        {
            FeatureCsvWriter.Write(matrix, stdout);
        }
        else if (output is not null)
        {
            FeatureCsvWriter.WriteFile(matrix, output);
        }

        string stored = "";
        if (outStore is not null)
        {
            long values = WriteFeatures(outStore, matrix).GetAwaiter().GetResult();
            stored = string.Create(CultureInfo.InvariantCulture, $"{(output is null ? "" : " and ")}{outStore} ({values} value(s) new or changed)");
        }

        var writeTime = total.Elapsed - writeStart;
        string destination = (toStdout ? "stdout" : output ?? "") + stored;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"compute: {matrix.RowCount} rows × {matrix.ColumnCount} features ({frame.Symbol}{(frame.Symbol.Length > 0 ? " " : "")}{frame.Timeframe}, {source}) → {destination} in {Ms(total.Elapsed)} (read {Ms(readTime)}, features {Ms(computeTime)}, write {Ms(writeTime)}){skipped}");
        (toStdout ? stderr : stdout).WriteLine(summary);
        return 0;
    }

    /// <summary>Opens the input file, or the embedded sample when <paramref name="input"/> is null.</summary>
    public static (MarketFrame Frame, string Source) ReadInput(string? input, Timeframe? timeframe, string? symbol)
    {
        if (input is not null)
        {
            return (BarCsvReader.ReadFile(input, timeframe, symbol), input);
        }

        using var stream = typeof(ComputeCommand).Assembly.GetManifestResourceStream("QuantFeatures.Cli." + EmbeddedSampleName)
            ?? throw new InvalidOperationException($"The embedded sample {EmbeddedSampleName} is missing from the assembly.");
        return (BarCsvReader.Read(stream, EmbeddedSampleName, timeframe, symbol ?? "BTCUSDT"), "embedded sample " + EmbeddedSampleName);
    }

    /// <summary>The feature names to compute, in catalogue order, and a note about catalogue features left out.</summary>
    /// <exception cref="ArgumentException">An unknown or unavailable feature, or nothing to compute.</exception>
    public static IReadOnlyList<string> Plan(FeatureEngineer engine, MarketFrame frame, IReadOnlyList<string>? names, IReadOnlySet<FeatureFamily>? families, out string skippedNote)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(frame);
        skippedNote = "";
        if (names is not null)
        {
            return engine.Resolve(frame, names).Select(d => d.Name).ToArray();
        }

        var scope = engine.Catalog.Features.Where(f => families is null || families.Contains(f.Family)).ToArray();
        var available = engine.Catalog.AvailableFor(frame).Where(f => families is null || families.Contains(f.Family)).Select(f => f.Name).ToArray();
        var left = scope.Where(f => !available.Contains(f.Name, StringComparer.Ordinal)).ToArray();
        if (left.Length > 0)
        {
            var missing = left.SelectMany(f => f.MissingInputs(frame)).Distinct().Select(c => c.Name()).ToArray();
            int byTimeframe = left.Count(f => f.MissingInputs(frame).Count == 0);
            var reasons = new List<string>();
            if (missing.Length > 0)
            {
                reasons.Add("inputs not in the data: " + string.Join(", ", missing));
            }

            if (byTimeframe > 0)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{byTimeframe} horizon feature(s) not offered at {frame.Timeframe}"));
            }

            skippedNote = string.Create(CultureInfo.InvariantCulture, $"; skipped {left.Length} feature(s): {string.Join("; ", reasons)}");
        }

        if (scope.Length == 0)
        {
            throw new ArgumentException($"The catalogue (version {FeatureCatalog.CatalogVersion}) has no feature in family {string.Join(", ", families!.Select(f => f.Id()))}.");
        }

        if (available.Length == 0)
        {
            string what = families is null ? "No feature" : $"No feature of family {string.Join(", ", families.Select(f => f.Id()))}";
            throw new ArgumentException($"{what} can be computed on this data{skippedNote.TrimStart(';')}.");
        }

        return available;
    }

    private static async Task<long> WriteFeatures(StoreUri uri, FeatureMatrix matrix)
    {
        var opened = await uri.OpenAsync(create: true).ConfigureAwait(false);
        await using (opened.ConfigureAwait(false))
        {
            return await uri.Features(opened).WriteFeaturesAsync(matrix).ConfigureAwait(false);
        }
    }

    private static string Ms(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0} ms");
}
