using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using QuantFeatures.Data;
using QuantFeatures.Storage.Postgres.Internal;

namespace QuantFeatures.Storage.Postgres;

public sealed partial class PostgresMarketStore
{
    /// <summary>Batches of at least this many records get ANALYZE on their staging table, so that the planner sizes the
    /// revision join from real counts (a temporary table has no statistics otherwise).</summary>
    private const int AnalyzeThreshold = 1_000;

    /// <inheritdoc/>
    public IMarketDataSink<Kline> KlineSink(Timeframe timeframe)
    {
        if (timeframe.Milliseconds <= 0)
        {
            throw new ArgumentException("The timeframe is the default value; give a positive timeframe such as 1h.", nameof(timeframe));
        }

        return new StoreSink<Kline>(this, RecordTables.Klines, timeframe.Milliseconds);
    }

    /// <inheritdoc/>
    public IMarketDataSink<T> Sink<T>()
        where T : struct, IMarketRecord
    {
        var table = RecordTables.For<T>();
        return table.PerTimeframe
            ? throw new NotSupportedException("Bars are kept per timeframe: use KlineSink(timeframe).")
            : new StoreSink<T>(this, table, null);
    }

    /// <inheritdoc/>
    public async Task<IKlineSource> OpenKlinesAsync(string symbol, Timeframe timeframe, StoreReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        if (timeframe.Milliseconds <= 0)
        {
            throw new ArgumentException("The timeframe is the default value; give a positive timeframe such as 1h.", nameof(timeframe));
        }

        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var columns = new List<MarketColumn>();
        var conn = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            await using var cmd = new NpgsqlCommand($"""
                SELECT has_quote_volume, has_trades, has_taker_buy_volume, has_taker_buy_quote_volume
                FROM {Table("kline_series")} WHERE symbol = @symbol AND timeframe_ms = @timeframe
                """, conn);
            cmd.Parameters.AddWithValue("symbol", symbol);
            cmd.Parameters.AddWithValue("timeframe", timeframe.Milliseconds);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                MarketColumn[] optional = [MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume];
                for (int i = 0; i < optional.Length; i++)
                {
                    if (reader.GetBoolean(i))
                    {
                        columns.Add(optional[i]);
                    }
                }
            }
        }

        return new KlineSource(this, symbol, timeframe, options ?? StoreReadOptions.Latest, columns);
    }

    /// <inheritdoc/>
    public IMarketDataSource<T> Source<T>(StoreReadOptions? options = null)
        where T : struct, IMarketRecord
    {
        var table = RecordTables.For<T>();
        return table.PerTimeframe
            ? throw new NotSupportedException("Bars are kept per timeframe: use OpenKlinesAsync(symbol, timeframe).")
            : new StoreSource<T>(this, table, options ?? StoreReadOptions.Latest);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<StoredRecord<T>> ReadRevisionsAsync<T>(string symbol, TimeRange range, Timeframe? timeframe = null, CancellationToken cancellationToken = default)
        where T : struct, IMarketRecord
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        var table = RecordTables.For<T>();
        long? tf = SeriesTimeframe(table.PerTimeframe, timeframe);
        return RevisionsIterator(table, symbol, tf, range, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<long> CountAsync(RecordKind kind, string symbol, Timeframe? timeframe = null, CancellationToken cancellationToken = default)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        string table = RecordTables.NameOf(kind);
        long? tf = SeriesTimeframe(kind == RecordKind.Kline, timeframe);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var conn = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            await using var cmd = new NpgsqlCommand(
                $"SELECT count(*) FROM {Table(table)} WHERE symbol = @symbol" + (tf is null ? string.Empty : " AND timeframe_ms = @timeframe"), conn);
            cmd.Parameters.AddWithValue("symbol", symbol);
            if (tf is { } t)
            {
                cmd.Parameters.AddWithValue("timeframe", t);
            }

            return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private static long? SeriesTimeframe(bool perTimeframe, Timeframe? timeframe)
    {
        if (!perTimeframe)
        {
            return null;
        }

        return timeframe is { Milliseconds: > 0 } tf
            ? tf.Milliseconds
            : throw new ArgumentException("Bars are kept per timeframe: give the timeframe.", nameof(timeframe));
    }

    /// <summary>One atomic batch: checks, de-duplication (the last record of a key wins), partitions, then in one
    /// transaction the series lock, COPY into staging and the revision rule's INSERT … SELECT.</summary>
    private async Task<int> WriteAsync<T>(RecordTable<T> table, string symbol, long? timeframe, IReadOnlyList<T> records, CancellationToken ct)
        where T : struct, IMarketRecord
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        ArgumentNullException.ThrowIfNull(records);
        for (int i = 0; i < records.Count; i++)
        {
            Sql.CheckTime(records[i].Time, nameof(records), i);
            table.Check?.Invoke(records[i], i);
        }

        if (records.Count == 0)
        {
            return 0;
        }

        var batch = Deduplicate(table, records);
        long first = long.MaxValue, last = long.MinValue;
        foreach (var r in batch)
        {
            first = Math.Min(first, r.Time);
            last = Math.Max(last, r.Time);
        }

        if (await ReadyAsync(ct).ConfigureAwait(false) == StoreLayout.Native)
        {
            await EnsurePartitionsAsync(table.Name, batch.Select(r => r.Time), ct).ConfigureAwait(false);
        }

        long fetched = Now();
        var conn = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await LockSeriesAsync(conn, table.Name, symbol, timeframe, ct).ConfigureAwait(false);
                int inserted;
                if (!await AnyStoredAsync(conn, table, symbol, timeframe, first, last, ct).ConfigureAwait(false))
                {
                    // Nothing of the series is stored in the batch's span (and the series lock keeps it so until commit):
                    // every record is revision 1, so the rows go by COPY straight into the table — the usual backfill.
                    inserted = await CopyNewAsync(conn, table, symbol, timeframe, batch, fetched, ct).ConfigureAwait(false);
                }
                else
                {
                    await ExecAsync(conn, table.StagingDdl(Stage), ct).ConfigureAwait(false);
                    await CopyAsync(conn, table, batch, ct).ConfigureAwait(false);
                    if (batch.Count >= AnalyzeThreshold)
                    {
                        await ExecAsync(conn, $"ANALYZE {Stage}", ct).ConfigureAwait(false);
                    }

                    await using var cmd = new NpgsqlCommand(table.InsertFromStaging(Table(table.Name), Stage), conn);
                    cmd.Parameters.AddWithValue("symbol", symbol);
                    if (timeframe is { } tf)
                    {
                        cmd.Parameters.AddWithValue("timeframe", tf);
                    }

                    cmd.Parameters.AddWithValue("first", Sql.ToDateTime(first));
                    cmd.Parameters.AddWithValue("last", Sql.ToDateTime(last));
                    cmd.Parameters.AddWithValue("fetched", Sql.ToDateTime(fetched));
                    inserted = await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                if (typeof(T) == typeof(Kline))
                {
                    await RecordKlineColumnsAsync(conn, symbol, timeframe!.Value, (IReadOnlyList<Kline>)batch, ct).ConfigureAwait(false);
                }

                await tx.CommitAsync(ct).ConfigureAwait(false);
                return inserted;
            }
        }
    }

    /// <summary>The batch with one record per key, the last of each winning (<see cref="RevisionPlanner.Deduplicate"/>);
    /// a batch keyed by time alone in strictly increasing order — the usual ingest — has no duplicate and is used as is.</summary>
    private static IReadOnlyList<T> Deduplicate<T>(RecordTable<T> table, IReadOnlyList<T> records)
        where T : struct, IMarketRecord
    {
        if (table.TimeIsKey)
        {
            bool increasing = true;
            for (int i = 1; i < records.Count && increasing; i++)
            {
                increasing = records[i].Time > records[i - 1].Time;
            }

            if (increasing)
            {
                return records;
            }
        }

        return RevisionPlanner.Deduplicate(records);
    }

    /// <summary>Whether any revision of the series is stored with a time in [first, last].</summary>
    private async Task<bool> AnyStoredAsync<T>(NpgsqlConnection conn, RecordTable<T> table, string symbol, long? timeframe, long first, long last,
        CancellationToken ct)
        where T : struct, IMarketRecord
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT EXISTS (SELECT 1 FROM {Table(table.Name)} o WHERE {table.SeriesFilter("o")} AND o.time >= @first AND o.time <= @last)", conn);
        cmd.Parameters.AddWithValue("symbol", symbol);
        if (timeframe is { } tf)
        {
            cmd.Parameters.AddWithValue("timeframe", tf);
        }

        cmd.Parameters.AddWithValue("first", Sql.ToDateTime(first));
        cmd.Parameters.AddWithValue("last", Sql.ToDateTime(last));
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>COPY of a batch with no stored key straight into the table: revision 1, no amendment, this write's
    /// fetched_at. Returns the row count.</summary>
    private async Task<int> CopyNewAsync<T>(NpgsqlConnection conn, RecordTable<T> table, string symbol, long? timeframe, IReadOnlyList<T> batch, long fetched,
        CancellationToken ct)
        where T : struct, IMarketRecord
    {
        var floats = new double[table.FloatColumns.Length];
        bool tagged = table.TagColumn is not null;
        var fetchedAt = Sql.ToDateTime(fetched);
        string series = timeframe is null ? "symbol" : "symbol, timeframe_ms";
        var writer = await conn.BeginBinaryImportAsync(
            $"COPY {Table(table.Name)} ({series}, {table.ColumnList()}, revision, amended_from, fetched_at) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var r = batch[i];
                writer.StartRow(); // synchronous per value: the importer buffers, and flushes block on the socket as COPY must
                writer.Write(symbol, NpgsqlDbType.Text);
                if (timeframe is { } tf)
                {
                    writer.Write(tf, NpgsqlDbType.Bigint);
                }

                writer.Write(Sql.ToDateTime(r.Time), NpgsqlDbType.TimestampTz);
                if (tagged)
                {
                    writer.Write(table.Tag(r), NpgsqlDbType.Smallint);
                }

                table.Floats(r, floats);
                for (int j = 0; j < floats.Length; j++)
                {
                    writer.Write(floats[j], NpgsqlDbType.Double);
                }

                writer.Write(1, NpgsqlDbType.Integer);
                writer.WriteNull();
                writer.Write(fetchedAt, NpgsqlDbType.TimestampTz);
            }

            return (int)await writer.CompleteAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task CopyAsync<T>(NpgsqlConnection conn, RecordTable<T> table, IReadOnlyList<T> batch, CancellationToken ct)
        where T : struct, IMarketRecord
    {
        var floats = new double[table.FloatColumns.Length];
        bool tagged = table.TagColumn is not null;
        var writer = await conn.BeginBinaryImportAsync($"COPY {Stage} ({table.ColumnList()}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var r = batch[i];
                writer.StartRow();
                writer.Write(Sql.ToDateTime(r.Time), NpgsqlDbType.TimestampTz);
                if (tagged)
                {
                    writer.Write(table.Tag(r), NpgsqlDbType.Smallint);
                }

                table.Floats(r, floats);
                for (int j = 0; j < floats.Length; j++)
                {
                    writer.Write(floats[j], NpgsqlDbType.Double);
                }
            }

            await writer.CompleteAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Records which optional kline columns the series carries (any bar with a value that is not NaN), so that
    /// <see cref="IKlineSource.OptionalColumns"/> is known without reading the bars.</summary>
    private async Task RecordKlineColumnsAsync(NpgsqlConnection conn, string symbol, long timeframe, IReadOnlyList<Kline> bars, CancellationToken ct)
    {
        bool q = false, n = false, tb = false, tq = false;
        foreach (var b in bars)
        {
            q |= !double.IsNaN(b.QuoteVolume);
            n |= !double.IsNaN(b.Trades);
            tb |= !double.IsNaN(b.TakerBuyVolume);
            tq |= !double.IsNaN(b.TakerBuyQuoteVolume);
        }

        string t = Table("kline_series");
        await ExecAsync(conn, $"""
            INSERT INTO {t} AS k (symbol, timeframe_ms, has_quote_volume, has_trades, has_taker_buy_volume, has_taker_buy_quote_volume)
            VALUES (@symbol, @timeframe, @q, @n, @tb, @tq)
            ON CONFLICT (symbol, timeframe_ms) DO UPDATE SET
                has_quote_volume = k.has_quote_volume OR EXCLUDED.has_quote_volume,
                has_trades = k.has_trades OR EXCLUDED.has_trades,
                has_taker_buy_volume = k.has_taker_buy_volume OR EXCLUDED.has_taker_buy_volume,
                has_taker_buy_quote_volume = k.has_taker_buy_quote_volume OR EXCLUDED.has_taker_buy_quote_volume
            WHERE (EXCLUDED.has_quote_volume AND NOT k.has_quote_volume) OR (EXCLUDED.has_trades AND NOT k.has_trades)
                OR (EXCLUDED.has_taker_buy_volume AND NOT k.has_taker_buy_volume)
                OR (EXCLUDED.has_taker_buy_quote_volume AND NOT k.has_taker_buy_quote_volume)
            """, ct, ("symbol", symbol), ("timeframe", timeframe), ("q", q), ("n", n), ("tb", tb), ("tq", tq)).ConfigureAwait(false);
    }

    private IAsyncEnumerable<T> Read<T>(RecordTable<T> table, string symbol, long? timeframe, TimeRange range, StoreReadOptions options, CancellationToken ct)
        where T : struct, IMarketRecord
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        return ReadIterator(table, symbol, timeframe, range, options.AsOf, ct);
    }

    private async IAsyncEnumerable<T> ReadIterator<T>(RecordTable<T> table, string symbol, long? timeframe, TimeRange range, long? asOf,
        [EnumeratorCancellation] CancellationToken ct)
        where T : struct, IMarketRecord
    {
        await ReadyAsync(ct).ConfigureAwait(false);
        if (range.From >= range.To || range.To <= Sql.MinTime || range.From > Sql.MaxTime)
        {
            yield break;
        }

        var conn = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            await using var cmd = new NpgsqlCommand(table.SelectVisible(Table(table.Name), asOf is not null), conn);
            AddSeriesAndRange(cmd, symbol, timeframe, range);
            if (asOf is { } a)
            {
                cmd.Parameters.AddWithValue("asof", Sql.Clamp(a));
            }

            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var floats = new double[table.FloatColumns.Length];
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                yield return ReadRecord(reader, table, floats);
            }
        }
    }

    private async IAsyncEnumerable<StoredRecord<T>> RevisionsIterator<T>(RecordTable<T> table, string symbol, long? timeframe, TimeRange range,
        [EnumeratorCancellation] CancellationToken ct)
        where T : struct, IMarketRecord
    {
        await ReadyAsync(ct).ConfigureAwait(false);
        if (range.From >= range.To || range.To <= Sql.MinTime || range.From > Sql.MaxTime)
        {
            yield break;
        }

        var conn = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            await using var cmd = new NpgsqlCommand(table.SelectRevisions(Table(table.Name)), conn);
            AddSeriesAndRange(cmd, symbol, timeframe, range);
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var floats = new double[table.FloatColumns.Length];
            int meta = 1 + (table.TagColumn is null ? 0 : 1) + floats.Length;
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var record = ReadRecord(reader, table, floats);
                var revision = new RecordRevision(reader.GetInt32(meta), reader.IsDBNull(meta + 1) ? null : reader.GetInt32(meta + 1),
                    Sql.ToMs(reader.GetFieldValue<DateTime>(meta + 2)));
                yield return new StoredRecord<T>(record, revision);
            }
        }
    }

    private static void AddSeriesAndRange(NpgsqlCommand cmd, string symbol, long? timeframe, TimeRange range)
    {
        cmd.Parameters.AddWithValue("symbol", symbol);
        if (timeframe is { } tf)
        {
            cmd.Parameters.AddWithValue("timeframe", tf);
        }

        cmd.Parameters.AddWithValue("first", Sql.Clamp(range.From));
        cmd.Parameters.AddWithValue("last", Sql.LastOf(range.To));
    }

    private static T ReadRecord<T>(NpgsqlDataReader reader, RecordTable<T> table, double[] floats)
        where T : struct, IMarketRecord
    {
        long time = Sql.ToMs(reader.GetFieldValue<DateTime>(0));
        int at = 1;
        short tag = 0;
        if (table.TagColumn is not null)
        {
            tag = reader.GetInt16(at++);
        }

        for (int j = 0; j < floats.Length; j++)
        {
            floats[j] = reader.GetDouble(at + j);
        }

        return table.Build(time, tag, floats);
    }

    private sealed class StoreSink<T>(PostgresMarketStore store, RecordTable<T> table, long? timeframe) : IMarketDataSink<T>
        where T : struct, IMarketRecord
    {
        public Task<int> WriteAsync(string symbol, IReadOnlyList<T> records, CancellationToken cancellationToken = default)
        {
            StoreIdentifiers.ValidateSymbol(symbol);
            return store.WriteAsync(table, symbol, timeframe, records, cancellationToken);
        }
    }

    private sealed class StoreSource<T>(PostgresMarketStore store, RecordTable<T> table, StoreReadOptions options) : IMarketDataSource<T>
        where T : struct, IMarketRecord
    {
        public IAsyncEnumerable<T> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default) =>
            store.Read(table, symbol, null, range, options, cancellationToken);
    }

    private sealed class KlineSource(PostgresMarketStore store, string symbol, Timeframe timeframe, StoreReadOptions options,
        IReadOnlyCollection<MarketColumn> optionalColumns) : IKlineSource
    {
        public IReadOnlyCollection<MarketColumn> OptionalColumns { get; } = optionalColumns;

        public Timeframe? TimeframeOf(string symbol1) => string.Equals(symbol1, symbol, StringComparison.Ordinal) ? timeframe : null;

        public IAsyncEnumerable<Kline> ReadAsync(string symbol1, TimeRange range, CancellationToken cancellationToken = default)
        {
            StoreIdentifiers.ValidateSymbol(symbol1);
            if (!string.Equals(symbol1, symbol, StringComparison.Ordinal))
            {
                throw new ArgumentException($"This source was opened for '{symbol}', not '{symbol1}': open one per symbol.", nameof(symbol1));
            }

            return store.Read(RecordTables.Klines, symbol, timeframe.Milliseconds, range, options, cancellationToken);
        }
    }
}
