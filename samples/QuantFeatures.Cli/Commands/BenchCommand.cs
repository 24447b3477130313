using System.Globalization;
using System.Text.Json;
using QuantFeatures.Cli.Bench;
using QuantFeatures.Cli.CommandLine;

namespace QuantFeatures.Cli.Commands;

/// <summary><c>bench</c>: in-process timing of every catalogue feature and of the whole catalogue on synthetic bars.</summary>
public sealed class BenchCommand : ICommand
{
    /// <summary>The name of the whole-catalogue measurement.</summary>
    public const string CatalogAll = "catalog:all";

    /// <summary>The name of the measurement of the features selected with --features, computed together.</summary>
    public const string SelectionAll = "selection:all";

    /// <inheritdoc/>
    public string Name => "bench";

    /// <inheritdoc/>
    public string Summary => "Time each feature alone and the whole catalogue on N synthetic bars (ns per bar, allocated bytes).";

    /// <inheritdoc/>
    public string Usage => "bench [--bars N] [--runs R] [--features a,b,…] [--json]";

    /// <inheritdoc/>
    public string Details => $"""
        Data: a deterministic seeded random walk at 1h with open, high, low, close, volume, quote_volume, trades,
        taker_buy_volume and taker_buy_quote_volume, and the derivatives inputs as the loader aligns them: open interest
        and its value, funding (rate, settlement time, interval; every 8 h), mark and index prices, liquidations, and the
        four positioning ratios. Each measurement: one warm-up call, then the best of R calls of
        FeatureEngineer.Compute; allocated = bytes allocated by one call (output columns included).
        '{CatalogAll}' computes every available feature in one call ('{SelectionAll}' with --features).
        Run a Release build for meaningful numbers: dotnet run --project samples/QuantFeatures.Cli -c Release -- bench
        """;

    /// <inheritdoc/>
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("bars", "N", "Number of synthetic bars (default 1,000,000).", 'n'),
        new("runs", "R", "Timed runs per measurement after the warm-up; the best is reported (default 5)."),
        new("features", "a,b,…", "Only these features (default: every feature the synthetic data allows).", 'f'),
        new("json", null, "Print a JSON array of {\"name\", \"ns_per_bar\", \"allocated_bytes\"}."),
    ];

    /// <inheritdoc/>
    public int Execute(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        int bars = args.GetPositiveInt("bars", 1_000_000, 50_000_000);
        int runs = args.GetPositiveInt("runs", 5, 1000);
        bool json = args.Has("json");
        var engine = new FeatureEngineer();
        var frame = SyntheticMarket.Create(bars);
        var selected = args.GetList("features");
        IReadOnlyList<string> names = selected is null
            ? engine.Catalog.AvailableFor(frame).Select(f => f.Name).ToArray()
            : engine.Resolve(frame, selected).Select(f => f.Name).ToArray();
        if (selected is null && names.Count < engine.Catalog.Count)
        {
            var left = engine.Catalog.Features.Where(f => !names.Contains(f.Name)).Select(f => f.Name);
            stderr.WriteLine($"bench: not measured (inputs absent from the synthetic data): {string.Join(", ", left)}");
        }

        var bench = new FeatureBenchmark(engine, frame, runs);
        var results = new List<BenchResult>();
        int width = Math.Max(24, names.Count == 0 ? 0 : names.Max(n => n.Length) + 2);
        if (!json)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: {bars:N0} synthetic bars ({frame.Timeframe}), best of {runs} run(s) after a warm-up"));
            stdout.WriteLine($"{"feature".PadRight(width)}{"ns/bar",10}{"allocated",14}");
        }

        foreach (var name in names)
        {
            var r = bench.One(name);
            results.Add(r);
            if (!json)
            {
                stdout.WriteLine(Line(r, width));
            }
        }

        if (names.Count > 0 && (selected is null || names.Count > 1))
        {
            var all = bench.Together(selected is null ? CatalogAll : SelectionAll, names);
            results.Add(all);
            if (!json)
            {
                stdout.WriteLine(Line(all, width) + string.Create(CultureInfo.InvariantCulture, $"   {all.Features} features: {all.NsPerValue:0.000} ns per feature value"));
            }
        }

        if (json)
        {
            stdout.Write(Json(results));
            stdout.Write('\n');
        }

        return 0;
    }

    /// <summary>The JSON array of results: <c>name</c>, <c>ns_per_bar</c> (3 decimals), <c>allocated_bytes</c>.</summary>
    public static string Json(IEnumerable<BenchResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Name);
                w.WriteNumber("ns_per_bar", Math.Round(r.NsPerBar, 3));
                w.WriteNumber("allocated_bytes", r.AllocatedBytes);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Line(BenchResult r, int width) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Name.PadRight(width)}{r.NsPerBar,10:0.000}{FormatBytes(r.AllocatedBytes),14}");

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 10_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 10_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MiB"),
    };
}
