using System.Globalization;
using Microsoft.Data.Sqlite;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Sqlite.Internal;

/// <summary>
/// Writes one batch in one <c>BEGIN IMMEDIATE</c> transaction: the latest revisions of the batch's keys are read inside
/// it, <see cref="RevisionPlanner.Plan"/> decides the rows, one prepared INSERT is reused for every row, and the
/// transaction commits only after the last row (any exception, cancellation or a killed process rolls it back).
/// </summary>
internal sealed class SqliteSink<T> : IMarketDataSink<T>
    where T : struct, IMarketRecord
{
    private readonly SqliteMarketStore _store;
    private readonly RecordTable<T> _table;
    private readonly RecordSql<T> _sql;
    private readonly Timeframe? _timeframe;

    public SqliteSink(SqliteMarketStore store, RecordTable<T> table, Timeframe? timeframe)
    {
        _store = store;
        _table = table;
        _sql = RecordSql<T>.For(table);
        _timeframe = timeframe;
    }

    public async Task<int> WriteAsync(string symbol, IReadOnlyList<T> records, CancellationToken cancellationToken = default)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        ArgumentNullException.ThrowIfNull(records);
        for (int i = 0; i < records.Count; i++)
        {
            _table.Validate(records[i]);
        }

        if (records.Count == 0)
        {
            return 0;
        }

        using var c = await _store.OpenConnectionAsync(checkSchema: true, create: false, cancellationToken).ConfigureAwait(false);
        try
        {
            using var tx = c.BeginTransaction(deferred: false);
            long fetchedAt = _store.Now(); // after the lock: revision order and fetched_at order agree across writers
            var latest = records.Count <= SqliteMarketStore.PointLookupLimit
                ? LoadKeys(c, tx, symbol, records)
                : LoadRange(c, tx, symbol, records, cancellationToken);
            var rows = RevisionPlanner.Plan(records, key => latest.TryGetValue(key, out var stored) ? stored : null, fetchedAt);
            Insert(c, tx, symbol, rows, cancellationToken);
            if (_table.Kind == RecordKind.Kline)
            {
                UpdateSeries(c, tx, symbol, rows, fetchedAt);
            }

            cancellationToken.ThrowIfCancellationRequested();
            tx.Commit();
            return rows.Count;
        }
        catch (SqliteException ex)
        {
            throw _store.Translate(ex);
        }
    }

    /// <summary>The latest stored revision of each key of the batch, one indexed lookup per key.</summary>
    private Dictionary<RecordKey, (T Record, int Revision)> LoadKeys(SqliteConnection c, SqliteTransaction tx, string symbol, IReadOnlyList<T> records)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = _sql.LatestOfKey;
        SqliteMarketStore.BindSeries(cmd, symbol, _timeframe);
        var keys = new SqliteParameter[_table.KeyCount];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = cmd.Parameters.AddWithValue("$k" + i.ToString(CultureInfo.InvariantCulture), DBNull.Value);
            keys[i].Value = DBNull.Value;
        }

        cmd.Prepare();
        var latest = new Dictionary<RecordKey, (T, int)>();
        int n = _table.Columns.Length;
        for (int i = 0; i < records.Count; i++)
        {
            var key = RecordKeys.Of(records[i]);
            if (latest.ContainsKey(key))
            {
                continue;
            }

            _table.BindKey(keys, key);
            using var reader = cmd.ExecuteReader();
            if (reader.Read())
            {
                latest[key] = (_table.Read(reader, 0), reader.GetInt32(n));
            }
        }

        return latest;
    }

    private Dictionary<RecordKey, (T Record, int Revision)> LoadRange(SqliteConnection c, SqliteTransaction tx, string symbol, IReadOnlyList<T> records,
        CancellationToken cancellationToken)
    {
        long from = long.MaxValue;
        long to = long.MinValue;
        for (int i = 0; i < records.Count; i++)
        {
            from = Math.Min(from, records[i].Time);
            to = Math.Max(to, records[i].Time);
        }

        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = _sql.LatestInRange;
        SqliteMarketStore.BindSeries(cmd, symbol, _timeframe);
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        var latest = new Dictionary<RecordKey, (T, int)>();
        int n = _table.Columns.Length;
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = _table.Read(reader, 0);
            latest[RecordKeys.Of(record)] = (record, reader.GetInt32(n)); // rows come by key then revision: the last wins
        }

        return latest;
    }

    private void Insert(SqliteConnection c, SqliteTransaction tx, string symbol, List<StoredRecord<T>> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = _sql.Insert;
        SqliteMarketStore.BindSeries(cmd, symbol, _timeframe);
        var values = new SqliteParameter[_table.Columns.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = cmd.Parameters.AddWithValue("$c" + i.ToString(CultureInfo.InvariantCulture), DBNull.Value);
        }

        var revision = cmd.Parameters.AddWithValue("$revision", DBNull.Value);
        var amended = cmd.Parameters.AddWithValue("$amended_from", DBNull.Value);
        var fetched = cmd.Parameters.AddWithValue("$fetched_at", DBNull.Value);
        foreach (var p in values)
        {
            p.Value = DBNull.Value;
        }

        revision.Value = 0L;
        amended.Value = DBNull.Value;
        fetched.Value = 0L;
        cmd.Prepare();
        var hook = _store.Options.AfterRowWritten;
        for (int i = 0; i < rows.Count; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var row = rows[i];
            _table.Bind(values, row.Record);
            revision.Value = (long)row.Revision.Revision;
            amended.Value = row.Revision.AmendedFrom is { } a ? (long)a : DBNull.Value;
            fetched.Value = row.Revision.FetchedAt;
            cmd.ExecuteNonQuery();
            hook?.Invoke(i + 1);
        }
    }

    /// <summary>Records, per optional kline column, since when (fetched_at) some stored bar of the series carries it.</summary>
    private void UpdateSeries(SqliteConnection c, SqliteTransaction tx, string symbol, List<StoredRecord<T>> rows, long fetchedAt)
    {
        bool q = false, t = false, tb = false, tbq = false;
        foreach (var row in rows)
        {
            var k = (Kline)(object)row.Record;
            q |= !double.IsNaN(k.QuoteVolume);
            t |= !double.IsNaN(k.Trades);
            tb |= !double.IsNaN(k.TakerBuyVolume);
            tbq |= !double.IsNaN(k.TakerBuyQuoteVolume);
        }

        if (rows.Count == 0)
        {
            return;
        }

        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO kline_series (symbol, timeframe, quote_volume_since, trades_since, taker_buy_volume_since, taker_buy_quote_volume_since)
            VALUES ($symbol, $timeframe, $q, $t, $tb, $tbq)
            ON CONFLICT (symbol, timeframe) DO UPDATE SET
                quote_volume_since = COALESCE(MIN(quote_volume_since, excluded.quote_volume_since), quote_volume_since, excluded.quote_volume_since),
                trades_since = COALESCE(MIN(trades_since, excluded.trades_since), trades_since, excluded.trades_since),
                taker_buy_volume_since = COALESCE(MIN(taker_buy_volume_since, excluded.taker_buy_volume_since), taker_buy_volume_since, excluded.taker_buy_volume_since),
                taker_buy_quote_volume_since = COALESCE(MIN(taker_buy_quote_volume_since, excluded.taker_buy_quote_volume_since), taker_buy_quote_volume_since, excluded.taker_buy_quote_volume_since);
            """;
        cmd.Parameters.AddWithValue("$symbol", symbol);
        cmd.Parameters.AddWithValue("$timeframe", _timeframe!.Value.Milliseconds);
        cmd.Parameters.AddWithValue("$q", q ? (object)fetchedAt : DBNull.Value);
        cmd.Parameters.AddWithValue("$t", t ? (object)fetchedAt : DBNull.Value);
        cmd.Parameters.AddWithValue("$tb", tb ? (object)fetchedAt : DBNull.Value);
        cmd.Parameters.AddWithValue("$tbq", tbq ? (object)fetchedAt : DBNull.Value);
        cmd.ExecuteNonQuery();
    }
}
