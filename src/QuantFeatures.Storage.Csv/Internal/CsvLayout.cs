namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>Turns one row into a record.</summary>
internal interface IRowMapper<T>
{
    T Map(in CsvRow row);
}

/// <summary>How the rows of one file map to records: the mapper, the expected field count, the column names (for
/// messages), the symbol column (−1: none) and the optional market columns the file provides.</summary>
internal sealed class CsvLayout<T>(IRowMapper<T> mapper, int fieldCount, string[] columnNames, int symbolField = -1,
    IReadOnlyCollection<MarketColumn>? provides = null, int timeField = 0)
{
    /// <summary>The field the record's time comes from (for messages about order).</summary>
    public int TimeField { get; } = timeField;

    public IRowMapper<T> Mapper { get; } = mapper;

    public int FieldCount { get; } = fieldCount;

    public string[] ColumnNames { get; } = columnNames;

    public int SymbolField { get; } = symbolField;

    public IReadOnlyCollection<MarketColumn> Provides { get; } = provides ?? [];
}

/// <summary>One kind of file (klines, funding, …): builds the layout from a header row, or from the field count of a
/// headerless Binance file. Problems are <see cref="FormatException"/>s whose message the reader prefixes with the file
/// and line.</summary>
internal abstract class CsvFormat<T>
{
    /// <summary>What the file holds, for messages ("klines", "fundingRate" …).</summary>
    public abstract string Description { get; }

    public abstract CsvLayout<T> FromHeader(HeaderMap header, CsvContext context);

    public abstract CsvLayout<T> Positional(int fieldCount, CsvContext context);

    protected FormatException NoHeaderShape(int fieldCount, string[] expected) =>
        new($"the first line has no header and {fieldCount} fields; a headerless {Description} file must have Binance's "
            + $"{expected.Length} columns ({string.Join(",", expected)}); otherwise add a header row");
}

/// <summary>Column lookup by name in a header row (case-insensitive; the first of duplicate names wins).</summary>
internal sealed class HeaderMap
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    public HeaderMap(string[] names)
    {
        Names = names;
        for (int i = 0; i < names.Length; i++)
        {
            _index.TryAdd(names[i], i);
        }
    }

    public string[] Names { get; }

    /// <summary>The first of <paramref name="aliases"/> present, or −1.</summary>
    public int Find(params ReadOnlySpan<string> aliases)
    {
        foreach (var a in aliases)
        {
            if (_index.TryGetValue(a, out int i))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The first of <paramref name="aliases"/> present, or a <see cref="FormatException"/> naming them.</summary>
    public int Require(string what, params ReadOnlySpan<string> aliases)
    {
        int i = Find(aliases);
        if (i < 0)
        {
            throw new FormatException($"the header has no {what} column (expected {Alternatives(aliases)}); found {string.Join(",", Names)}");
        }

        return i;
    }

    /// <summary>The time column: the first of <paramref name="names"/> present, each preferring its <c>_ms</c> variant
    /// (e.g. <c>open_time_ms</c> over <c>open_time</c>).</summary>
    public int RequireTime(params ReadOnlySpan<string> names)
    {
        foreach (var n in names)
        {
            if (_index.TryGetValue(n + "_ms", out int ms))
            {
                return ms;
            }

            if (_index.TryGetValue(n, out int i))
            {
                return i;
            }
        }

        throw new FormatException($"the header has no time column (expected {Alternatives(names)}, or one of them with an _ms suffix); found {string.Join(",", Names)}");
    }

    private static string Alternatives(ReadOnlySpan<string> names)
    {
        var list = names.ToArray();
        return list.Length == 1 ? list[0] : string.Join(", ", list[..^1]) + " or " + list[^1];
    }
}
