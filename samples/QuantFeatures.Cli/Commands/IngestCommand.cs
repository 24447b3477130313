using System.Diagnostics;
using System.Globalization;
using QuantFeatures.Cli.CommandLine;
using QuantFeatures.Cli.Csv;
using QuantFeatures.Cli.Stores;
using QuantFeatures.Data;
using QuantFeatures.Storage;
using QuantFeatures.Storage.Csv;

namespace QuantFeatures.Cli.Commands;

/// <summary><c>ingest</c>: reads a bar file and derivatives files into a store, one atomic, idempotent batch per kind.</summary>
public sealed class IngestCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "ingest";

    /// <inheritdoc/>
    public string Summary => "Store a bar file and derivatives files in a store (re-running the same files adds nothing).";

    /// <inheritdoc/>
    public string Usage => "ingest --input FILE --symbol S --timeframe TF --store URI [--funding FILE] [--metrics FILE] [--liquidations FILE] [--mark FILE] [--index FILE]";

    /// <inheritdoc/>
    public string Details => $"""
        Reads the files as compute does (--input as compute --input; the derivatives files in the Binance layouts, a .csv,
        .csv.gz or .zip file or a folder of archive files each) and writes each kind as one atomic batch: a record already
        stored with the same values is skipped, a changed one becomes a new revision (the old one is kept, for --as-of
        reads), so ingesting the same files again adds 0 rows. Prints, per kind, the records read and those new or changed.
        Stores: {StoreUri.Forms} (this CLI includes sqlite; the file is created when missing).
        Then: quantfeatures compute --store URI --symbol S --timeframe TF --out f.csv gives the same bytes as computing from the files.

        Examples:
          quantfeatures ingest --input BTCUSDT-1h.csv --funding BTCUSDT-funding.csv --symbol BTCUSDT --timeframe 1h --store sqlite:market.db
          quantfeatures ingest --input ETHUSDT-1m.csv.gz --symbol ETHUSDT --timeframe 1m --store sqlite:market.db
        """;

    /// <inheritdoc/>
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("input", "FILE", "Bar CSV (.csv or .csv.gz), read as compute reads it. Required.", 'i'),
        new("symbol", "S", "Instrument the records are stored under (e.g. BTCUSDT). Required."),
        new("timeframe", "TF", "Bar length of the input (1m, 1h, …). Required.", 't'),
        new("store", "URI", $"Where to write: {StoreUri.Forms}. Required."),
        new("funding", "FILE|DIR", "Funding settlements (Binance fundingRate layout or named columns)."),
        new("metrics", "FILE|DIR", "Binance metrics (open interest and long/short ratios)."),
        new("liquidations", "FILE|DIR", "Binance liquidationSnapshot events."),
        new("mark", "FILE|DIR", "Mark-price klines."),
        new("index", "FILE|DIR", "Index-price klines."),
    ];

    /// <inheritdoc/>
    public int Execute(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        string input = args.Require("input");
        string symbol = StoreIdentifiers.ValidateSymbol(args.Require("symbol"));
        var timeframe = Timeframe.Parse(args.Require("timeframe"));
        var uri = StoreUri.Parse(args.Require("store"));
        if (!File.Exists(input))
        {
            throw new UsageException($"--input: no such file: {input}");
        }

        foreach (var option in new[] { "funding", "metrics", "liquidations", "mark", "index" })
        {
            if (args.Get(option) is { } path && !File.Exists(path) && !Directory.Exists(path))
            {
                throw new UsageException($"--{option}: no such file or folder: {path}");
            }
        }

        var total = Stopwatch.StartNew();
        var lines = RunAsync(args, input, symbol, timeframe, uri).GetAwaiter().GetResult();
        int width = lines.Max(l => l.Kind.Length) + 2;
        foreach (var (kind, read, written) in lines)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind.PadRight(width)}{read,10:N0} read {written,10:N0} new or changed"));
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingest: {symbol} {timeframe} → {uri}: {lines.Sum(l => (long)l.Written)} record(s) new or changed of {lines.Sum(l => (long)l.Read)} read in {total.Elapsed.TotalMilliseconds:0} ms"));
        return 0;
    }

    private static async Task<List<(string Kind, int Read, int Written)>> RunAsync(ParsedArgs args, string input, string symbol, Timeframe timeframe, StoreUri uri)
    {
        // The bars go through the reader compute uses, so a store read gives compute the same bars as the file.
        var frame = BarCsvReader.ReadFile(input, timeframe, symbol);
        var bars = await ReadAll(InMemoryKlineSource.FromFrame(frame), symbol).ConfigureAwait(false);
        var opened = await uri.OpenAsync(create: true).ConfigureAwait(false);
        await using (opened.ConfigureAwait(false))
        {
            var store = uri.MarketData(opened);
            var lines = new List<(string, int, int)> { ("klines", bars.Count, await store.KlineSink(timeframe).WriteAsync(symbol, bars).ConfigureAwait(false)) };
            if (args.Get("funding") is { } funding)
            {
                lines.Add(await Write(store, "funding", symbol, CsvSources.Funding(funding)).ConfigureAwait(false));
            }

            if (args.Get("metrics") is { } metrics)
            {
                lines.Add(await Write(store, "open interest", symbol, CsvSources.OpenInterest(metrics)).ConfigureAwait(false));
                lines.Add(await Write(store, "positioning", symbol, CsvSources.Positioning(metrics)).ConfigureAwait(false));
            }

            if (args.Get("liquidations") is { } liquidations)
            {
                lines.Add(await Write(store, "liquidations", symbol, CsvSources.Liquidations(liquidations)).ConfigureAwait(false));
            }

            if (args.Get("mark") is { } mark)
            {
                lines.Add(await Write(store, "mark prices", symbol, CsvSources.ReferencePrices(ReferencePriceKind.Mark, [mark])).ConfigureAwait(false));
            }

            if (args.Get("index") is { } index)
            {
                lines.Add(await Write(store, "index prices", symbol, CsvSources.ReferencePrices(ReferencePriceKind.Index, [index])).ConfigureAwait(false));
            }

            return lines;
        }
    }

    private static async Task<(string, int, int)> Write<T>(IMarketDataStore store, string kind, string symbol, IMarketDataSource<T> source)
        where T : struct, IMarketRecord
    {
        var records = await ReadAll(source, symbol).ConfigureAwait(false);
        return (kind, records.Count, await store.Sink<T>().WriteAsync(symbol, records).ConfigureAwait(false));
    }

    internal static async Task<List<T>> ReadAll<T>(IMarketDataSource<T> source, string symbol)
        where T : struct, IMarketRecord
    {
        var list = new List<T>();
        await foreach (var r in source.ReadAsync(symbol, TimeRange.All).ConfigureAwait(false))
        {
            list.Add(r);
        }

        return list;
    }
}
