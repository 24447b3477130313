using QuantFeatures.Data;

namespace QuantFeatures.Storage.Sqlite.Internal;

/// <summary>The statements of one record table, built once from code constants (the table name is validated; every
/// value is a parameter).</summary>
/// <typeparam name="T">The record type.</typeparam>
internal sealed class RecordSql<T>
    where T : struct, IMarketRecord
{
    private static RecordSql<T>? s_instance;

    private RecordSql(RecordTable<T> table)
    {
        string t = StoreIdentifiers.ValidateSqlName(table.Table, "table name");
        if (!SqliteSchema.Tables.Contains(t))
        {
            throw new InvalidOperationException($"Table '{t}' is not in the schema.");
        }

        string series = table.HasTimeframe ? "symbol, timeframe" : "symbol";
        string seriesValues = table.HasTimeframe ? "$symbol, $timeframe" : "$symbol";
        string values = string.Join(", ", table.Columns.Select((_, i) => $"$c{i}"));
        Insert = $"INSERT INTO {t} ({series}, {table.ColumnList}, revision, amended_from, fetched_at) VALUES ({seriesValues}, {values}, $revision, $amended_from, $fetched_at);";
        LatestOfKey = $"SELECT {table.ColumnList}, revision FROM {t} WHERE {table.SeriesFilter} AND {table.KeyFilter} ORDER BY revision DESC LIMIT 1;";
        LatestInRange = $"SELECT {table.ColumnList}, revision FROM {t} WHERE {table.SeriesFilter} AND time >= $from AND time <= $to ORDER BY {table.KeyList}, revision;";

        // SQLite returns the bare columns of an aggregate query from the row holding the MAX: per key, the newest
        // revision (as of the time, when filtered), in one pass over the primary key.
        string visible = $"SELECT {table.ColumnList}, MAX(revision) FROM {t} WHERE {table.SeriesFilter} AND time >= $from AND time < $to";
        Latest = $"{visible} GROUP BY {table.KeyList} ORDER BY {table.KeyList};";
        AsOf = $"{visible} AND fetched_at <= $as_of GROUP BY {table.KeyList} ORDER BY {table.KeyList};";
        Revisions = $"SELECT {table.ColumnList}, revision, amended_from, fetched_at FROM {t} WHERE {table.SeriesFilter} AND time >= $from AND time < $to ORDER BY {table.KeyList}, revision;";
    }

    /// <summary>Inserts one row ($symbol[, $timeframe], $c0…, $revision, $amended_from, $fetched_at).</summary>
    public string Insert { get; }

    /// <summary>The latest revision of one key ($k0…).</summary>
    public string LatestOfKey { get; }

    /// <summary>Every revision in [$from, $to] (inclusive), by key then revision.</summary>
    public string LatestInRange { get; }

    /// <summary>The latest revision of every key in [$from, $to).</summary>
    public string Latest { get; }

    /// <summary>The newest revision with fetched_at ≤ $as_of of every key in [$from, $to).</summary>
    public string AsOf { get; }

    /// <summary>Every revision in [$from, $to), by key then revision.</summary>
    public string Revisions { get; }

    public static RecordSql<T> For(RecordTable<T> table) => s_instance ??= new RecordSql<T>(table);
}
