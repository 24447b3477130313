using System.Globalization;
using QuantFeatures.Cli.CommandLine;
using QuantFeatures.Data;
using QuantFeatures.Quality;
using QuantFeatures.Storage.Csv;

namespace QuantFeatures.Cli.Commands;

/// <summary><c>validate</c>: the data-quality report of a bar file, as a table; exit code 3 when a fatal check fails.</summary>
public sealed class ValidateCommand : ICommand
{
    /// <summary>Exit code when a fatal check fails (distinct from 1 = error and 2 = usage).</summary>
    public const int FatalExitCode = 3;

    /// <inheritdoc/>
    public string Name => "validate";

    /// <inheritdoc/>
    public string Summary => "Check a bar file (order, duplicates, gaps, bad prices, anomalies …) and print the quality report.";

    /// <inheritdoc/>
    public string Usage => "validate --input FILE [--timeframe TF]";

    /// <inheritdoc/>
    public string Details => """
        Reads the rows as they are (unsorted and duplicate rows are reported, not rejected) from a Binance kline file
        (12 columns, with or without header, .csv/.csv.gz/.zip) or a CSV with named columns, and prints every check with
        its severity, count and first offending times, and the 0..1 score (see docs/data-quality.md).
        Exit code 0 when no fatal check fails, 3 when one does.
        """;

    /// <inheritdoc/>
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("input", "FILE", "Bar file to check.", 'i'),
        new("timeframe", "TF", "Bar length (default: the smallest positive time step).", 't'),
    ];

    /// <inheritdoc/>
    public int Execute(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        string input = args.Require("input");
        if (!File.Exists(input))
        {
            throw new UsageException($"--input: no such file: {input}");
        }

        Timeframe? timeframe = args.Get("timeframe") is { } tf ? Timeframe.Parse(tf) : null;
        var source = CsvSources.Klines(input, timeframe);
        var klines = new List<Kline>();
        var enumerator = source.ReadAsync(Path.GetFileName(input), TimeRange.All).GetAsyncEnumerator();
        try
        {
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                klines.Add(enumerator.Current);
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        var report = DataValidator.Validate(klines, timeframe);
        stdout.Write(report.ToTable());
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"validate: {klines.Count} rows of {input}: score {report.Score:0.####}{(report.HasFatal ? ", FATAL check failed" : "")}"));
        return report.HasFatal ? FatalExitCode : 0;
    }
}
