namespace QuantFeatures.Cli.Csv;

/// <summary>
/// How the fields of a bar CSV map to a <see cref="MarketFrame"/>: which field is the time, which fields are input
/// columns, and which are ignored. Built from the header row, or the fixed Binance kline layout for header-less files.
/// </summary>
public sealed class BarCsvLayout
{
    /// <summary>Header names accepted for the time column, in order of preference.</summary>
    public static readonly IReadOnlyList<string> TimeColumnNames = ["time", "open_time", "timestamp", "date"];

    /// <summary>
    /// Binance's kline columns (REST API and its monthly/daily dumps): open_time, open, high, low, close, volume,
    /// close_time, quote_volume, count, taker_buy_volume, taker_buy_quote_volume, ignore.
    /// </summary>
    public static readonly IReadOnlyList<string> BinanceKlineColumns =
    [
        "open_time", "open", "high", "low", "close", "volume", "close_time", "quote_volume", "count", "taker_buy_volume",
        "taker_buy_quote_volume", "ignore",
    ];

    /// <summary>Other names of input columns found in exchange dumps (Binance's headers, python-binance's names).</summary>
    private static readonly Dictionary<string, MarketColumn> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["count"] = MarketColumn.Trades,
        ["number_of_trades"] = MarketColumn.Trades,
        ["quote_asset_volume"] = MarketColumn.QuoteVolume,
        ["taker_buy_base_asset_volume"] = MarketColumn.TakerBuyVolume,
        ["taker_buy_base_volume"] = MarketColumn.TakerBuyVolume,
        ["taker_buy_quote_asset_volume"] = MarketColumn.TakerBuyQuoteVolume,
    };

    private BarCsvLayout(IReadOnlyList<string> names, int timeField, MarketColumn?[] fieldColumns, bool hasHeader)
    {
        FieldNames = names;
        TimeField = timeField;
        FieldColumns = fieldColumns;
        HasHeader = hasHeader;
    }

    /// <summary>The name of each field (from the header, or the Binance layout).</summary>
    public IReadOnlyList<string> FieldNames { get; }

    /// <summary>Number of fields every row must have.</summary>
    public int FieldCount => FieldNames.Count;

    /// <summary>Index of the time field.</summary>
    public int TimeField { get; }

    /// <summary>For each field, the input column it fills, or null when the field is ignored.</summary>
    public IReadOnlyList<MarketColumn?> FieldColumns { get; }

    /// <summary>Whether the first line was a header.</summary>
    public bool HasHeader { get; }

    /// <summary>The layout of header-less Binance kline files.</summary>
    public static BarCsvLayout BinanceKlines { get; } = FromHeader(BinanceKlineColumns, hasHeader: false);

    /// <summary>Maps a header row. Names are matched case-insensitively; unknown names are ignored.</summary>
    /// <exception cref="FormatException">No time column, a missing open/high/low/close, or two fields naming the same column.</exception>
    public static BarCsvLayout FromHeader(IReadOnlyList<string> names, bool hasHeader = true)
    {
        ArgumentNullException.ThrowIfNull(names);
        int timeField = -1;
        foreach (var candidate in TimeColumnNames)
        {
            timeField = IndexOf(names, candidate);
            if (timeField >= 0)
            {
                break;
            }
        }

        if (timeField < 0)
        {
            throw new FormatException($"the header has no time column (one of {string.Join(", ", TimeColumnNames)}); header: {Describe(names)}");
        }

        var columns = new MarketColumn?[names.Count];
        var seen = new Dictionary<MarketColumn, int>();
        for (int i = 0; i < names.Count; i++)
        {
            if (i == timeField || !TryMap(names[i], out var column))
            {
                continue;
            }

            if (seen.TryGetValue(column, out int first))
            {
                throw new FormatException($"columns '{names[first]}' (column {first + 1}) and '{names[i]}' (column {i + 1}) both give the input '{column.Name()}'");
            }

            seen[column] = i;
            columns[i] = column;
        }

        var missing = MarketColumns.Required.Where(c => !seen.ContainsKey(c)).Select(c => c.Name()).ToArray();
        if (missing.Length > 0)
        {
            throw new FormatException($"the header lacks the required column(s) {string.Join(", ", missing)}; header: {Describe(names)}");
        }

        return new BarCsvLayout(names.ToArray(), timeField, columns, hasHeader);
    }

    /// <summary>Maps a header name to an input column: its FEATURES.md / <see cref="MarketColumns"/> name or a known alias.</summary>
    public static bool TryMap(string name, out MarketColumn column) =>
        MarketColumns.TryParse(name, out column) || Aliases.TryGetValue(name.Trim(), out column);

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Describe(IReadOnlyList<string> names)
    {
        var text = string.Join(",", names);
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}
