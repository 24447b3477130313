using System.Globalization;
using QuantFeatures.Cli.CommandLine;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv;

namespace QuantFeatures.Cli.Commands;

/// <summary><c>generate</c>: writes a seeded synthetic market (klines, funding, metrics, liquidations, mark/index) as Binance files.</summary>
public sealed class GenerateCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "generate";

    /// <inheritdoc/>
    public string Summary => "Write a deterministic synthetic market in the Binance archive layouts (every input of every family).";

    /// <inheritdoc/>
    public string Usage => "generate --out DIR [--symbol S] [--timeframe TF] [--bars N] [--seed K] [--start yyyy-MM-dd] [--zip]";

    /// <inheritdoc/>
    public string Details => """
        The same options give byte-identical files. Funding changes its interval over time and carries millisecond jitter;
        metrics are 5-minute snapshots with gaps; liquidation files contain exact duplicates, as overlapping archives do.
        Read the folder back with: quantfeatures compute --archive DIR --symbol S --timeframe TF --out f.csv
        """;

    /// <inheritdoc/>
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("out", "DIR", "Output folder (created when missing).", 'o'),
        new("symbol", "S", "Symbol (default SYNTHUSDT)."),
        new("timeframe", "TF", "Kline timeframe (default 1h).", 't'),
        new("bars", "N", "Number of klines (default 2,000).", 'n'),
        new("seed", "K", "Random seed (default 42)."),
        new("start", "DATE", "First bar (UTC date, default 2025-01-01)."),
        new("zip", null, "Write the Binance public-data tree of daily .zip files instead of flat CSV files."),
    ];

    /// <inheritdoc/>
    public int Execute(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        string dir = args.Require("out");
        string symbol = args.Get("symbol") ?? "SYNTHUSDT";
        var timeframe = args.Get("timeframe") is { } tf ? Timeframe.Parse(tf) : Timeframe.OneHour;
        int bars = args.GetPositiveInt("bars", 2_000, 10_000_000);
        int seed = args.Get("seed") is null ? 42 : args.GetPositiveInt("seed", 42);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        if (args.Get("start") is { } s
            && !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out start))
        {
            throw new UsageException($"Option --start must be a UTC date such as 2025-01-01, not '{s}'.");
        }

        if (File.Exists(dir))
        {
            throw new IOException($"Cannot write to '{dir}': it is a file, not a folder.");
        }

        var market = SyntheticMarket.Generate(symbol, timeframe, bars, start, (ulong)seed);
        var files = SyntheticArchiveWriter.Write(market, dir, args.Has("zip") ? SyntheticArchiveLayout.DailyZip : SyntheticArchiveLayout.FlatCsv);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generate: {symbol} {timeframe}, {bars} bars, seed {seed}: {files.Count} files in {dir} ({market.Funding.Count} funding settlements, {market.OpenInterest.Count} OI snapshots, {market.Liquidations.Count} liquidation rows)"));
        return 0;
    }
}
