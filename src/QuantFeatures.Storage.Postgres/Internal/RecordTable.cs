using System.Text;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Postgres.Internal;

/// <summary>
/// How one record type lives in its table: the columns after <c>symbol</c> (and <c>timeframe_ms</c> for bars) are
/// <c>time</c>, an optional small-int tag (reference price kind, liquidation side) and float8 columns; the first
/// <see cref="KeyCount"/> of them are the record's key (<see cref="RecordKeys"/>). Float columns are compared bit
/// for bit with <c>float8send</c> (SQL's <c>=</c> has NaN = NaN but also 0 = −0), as <see cref="RecordKeys.SameValues"/>.
/// </summary>
internal sealed class RecordTable<T>
    where T : struct, IMarketRecord
{
    public required string Name { get; init; }

    public required bool PerTimeframe { get; init; }

    /// <summary>The tag column's name (null: none).</summary>
    public string? TagColumn { get; init; }

    /// <summary>The float8 columns, in table order.</summary>
    public required string[] FloatColumns { get; init; }

    /// <summary>How many leading columns (time, tag, floats) form the key.</summary>
    public required int KeyCount { get; init; }

    /// <summary>Whether the time values of a batch are its keys (no tag, no key floats): a batch in strictly increasing
    /// time order then holds no duplicate key.</summary>
    public bool TimeIsKey => KeyCount == 1;

    /// <summary>The tag of a record (<see cref="RecordFields.Tag"/>; 0 when the type has none).</summary>
    public short Tag(T record) => (short)RecordFields.Tag(record);

    /// <summary>Writes the float columns of a record into the buffer (length <see cref="FloatColumns"/>).</summary>
    public void Floats(T record, double[] floats) => RecordFields.Write(record, floats);

    /// <summary>Builds a record from time, tag and floats.</summary>
    public T Build(long time, short tag, double[] floats) => RecordFields.Read<T>(time, tag, floats);

    /// <summary>Checks a record's non-float fields (enum values) before any I/O.</summary>
    public Action<T, int>? Check { get; init; }

    /// <summary>time, tag?, floats… in table order.</summary>
    public IEnumerable<string> Columns
    {
        get
        {
            yield return "time";
            if (TagColumn is not null)
            {
                yield return TagColumn;
            }

            foreach (var c in FloatColumns)
            {
                yield return c;
            }
        }
    }

    private IEnumerable<(string Name, bool IsFloat)> Typed()
    {
        yield return ("time", false);
        if (TagColumn is not null)
        {
            yield return (TagColumn, false);
        }

        foreach (var c in FloatColumns)
        {
            yield return (c, true);
        }
    }

    /// <summary>The key expressions of alias <paramref name="a"/>: floats through float8send.</summary>
    public string KeyExpressions(string a) =>
        string.Join(", ", Typed().Take(KeyCount).Select(c => c.IsFloat ? $"float8send({a}.{c.Name})" : $"{a}.{c.Name}"));

    public string ColumnList(string? a = null) => string.Join(", ", Columns.Select(c => a is null ? c : $"{a}.{c}"));

    public string SeriesFilter(string a) => PerTimeframe ? $"{a}.symbol = @symbol AND {a}.timeframe_ms = @timeframe" : $"{a}.symbol = @symbol";

    /// <summary>The staging table's definition (no constraints, dropped at commit).</summary>
    public string StagingDdl(string stage)
    {
        var sb = new StringBuilder($"CREATE TEMP TABLE {stage} (time timestamptz NOT NULL");
        if (TagColumn is not null)
        {
            sb.Append($", {TagColumn} smallint NOT NULL");
        }

        foreach (var c in FloatColumns)
        {
            sb.Append($", {c} double precision NOT NULL");
        }

        return sb.Append(") ON COMMIT DROP").ToString();
    }

    /// <summary>
    /// The revision rule as one INSERT … SELECT from the staging table (already de-duplicated by key): the latest stored
    /// revision of every key in the batch's time span is joined; a key without one is revision 1, a key whose latest
    /// values differ bit for bit is latest + 1 amending latest, an equal one is not inserted.
    /// </summary>
    public string InsertFromStaging(string table, string stage)
    {
        var typed = Typed().ToArray();
        var keyJoin = string.Join(" AND ", typed.Take(KeyCount).Select(c => c.IsFloat
            ? $"float8send(l.{c.Name}) = float8send(s.{c.Name})"
            : $"l.{c.Name} = s.{c.Name}"));
        var values = typed.Skip(KeyCount).Select(c => $"float8send(l.{c.Name}) = float8send(s.{c.Name})").ToArray();
        string changed = values.Length == 0 ? string.Empty : $" OR NOT ({string.Join(" AND ", values)})";
        string series = PerTimeframe ? "symbol, timeframe_ms" : "symbol";
        string seriesValues = PerTimeframe ? "@symbol, @timeframe" : "@symbol";
        return $"""
            WITH latest AS (
                SELECT DISTINCT ON ({KeyExpressions("o")}) {ColumnList("o")}, o.revision
                FROM {table} o
                WHERE {SeriesFilter("o")} AND o.time >= @first AND o.time <= @last
                ORDER BY {KeyExpressions("o")}, o.revision DESC)
            INSERT INTO {table} ({series}, {ColumnList()}, revision, amended_from, fetched_at)
            SELECT {seriesValues}, {ColumnList("s")}, COALESCE(l.revision, 0) + 1, l.revision, @fetched
            FROM {stage} s LEFT JOIN latest l ON {keyJoin}
            WHERE l.revision IS NULL{changed}
            """;
    }

    /// <summary>The visible revision of every key in a range (latest, or as of @asof when <paramref name="asOf"/>).</summary>
    public string SelectVisible(string table, bool asOf) => $"""
        SELECT DISTINCT ON ({KeyExpressions("o")}) {ColumnList("o")}
        FROM {table} o
        WHERE {SeriesFilter("o")} AND o.time >= @first AND o.time <= @last{(asOf ? " AND o.fetched_at <= @asof" : string.Empty)}
        ORDER BY {KeyExpressions("o")}, o.revision DESC
        """;

    /// <summary>Every revision in a range, by key then revision.</summary>
    public string SelectRevisions(string table) => $"""
        SELECT {ColumnList("o")}, o.revision, o.amended_from, o.fetched_at
        FROM {table} o
        WHERE {SeriesFilter("o")} AND o.time >= @first AND o.time <= @last
        ORDER BY {KeyExpressions("o")}, o.revision
        """;
}
