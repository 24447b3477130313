using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using QuantFeatures.Data;
using QuantFeatures.Storage.Sqlite.Internal;

namespace QuantFeatures.Storage.Sqlite;

/// <summary>
/// The embedded store: raw market data and feature matrices in one SQLite file, in WAL mode. Every batch is one
/// <c>BEGIN IMMEDIATE</c> transaction (writers in other connections and processes wait for it, up to
/// <see cref="SqliteStoreOptions.BusyTimeout"/>), planned with <see cref="RevisionPlanner"/> against the latest stored
/// revisions inside that transaction; a killed process or a failure mid-batch leaves nothing of the batch.
/// </summary>
/// <remarks>
/// <para>Layout (docs/storage.md): one table per record kind with a column per record field, plus symbol (timeframe for
/// bars), revision, amended_from and fetched_at, primary key (symbol[, timeframe], key…, revision); latest and as-of reads
/// pick the visible revision in SQL. Doubles round-trip bit for bit: NaN is NULL, other NaN payloads an 8-byte BLOB.</para>
/// <para>SQLite runs in process: the asynchronous methods do their work on the calling thread.</para>
/// </remarks>
public sealed class SqliteMarketStore : IMarketDataStore, IFeatureStore
{
    private const int SqliteCorrupt = 11;
    private const int SqliteCantOpen = 14;
    private const int SqliteNotADatabase = 26;

    /// <summary>Batches up to this size look up each key's latest revision; larger ones read their time range once.</summary>
    internal const int PointLookupLimit = 512;

    private readonly string _connectionString;
    private readonly string _createConnectionString;
    private readonly string _pragmas;
    private volatile bool _schemaChecked;
    private volatile bool _disposed;

    /// <summary>A store on the SQLite file at <paramref name="path"/>; no I/O until the first call. Call
    /// <see cref="MigrateAsync(CancellationToken)"/> before first use of a new file, or open it with <see cref="OpenAsync"/>.</summary>
    /// <exception cref="ArgumentException">An empty path, or an in-memory database name (use a file).</exception>
    public SqliteMarketStore(string path, SqliteStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path.Trim().Equals(":memory:", StringComparison.OrdinalIgnoreCase) || path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{path}' is not a file path: the store needs a file (every connection of an in-memory database would see its own empty database).", nameof(path));
        }

        Options = options ?? SqliteStoreOptions.Default;
        Options.Validate();
        Path = System.IO.Path.GetFullPath(path);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(Options.BusyTimeout.TotalSeconds),
        };
        _connectionString = builder.ConnectionString;
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        _createConnectionString = builder.ConnectionString;
        _pragmas = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(long)Options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = {(Options.DurableCommits ? "FULL" : "NORMAL")}; PRAGMA foreign_keys = ON;");
    }

    /// <summary>Opens (creating when missing) and migrates the store at <paramref name="path"/>.</summary>
    public static async Task<SqliteMarketStore> OpenAsync(string path, SqliteStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        var store = new SqliteMarketStore(path, options);
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>The schema version this library writes and reads (the last migration).</summary>
    public static int SchemaVersion => SqliteSchema.CurrentVersion;

    /// <summary>The database file (full path).</summary>
    public string Path { get; }

    /// <summary>The options the store was opened with.</summary>
    public SqliteStoreOptions Options { get; }

    /// <summary>
    /// Creates or upgrades the schema: sets WAL mode, then applies each missing migration once, each in its own
    /// <c>BEGIN IMMEDIATE</c> transaction that re-reads the version first (so concurrent calls, from any process, apply
    /// every migration exactly once). Creates the file when missing.
    /// </summary>
    /// <exception cref="NotSupportedException">The file's schema is newer than this library's (<see cref="SchemaVersion"/>).</exception>
    /// <exception cref="InvalidDataException">The file is not an SQLite database, or an SQLite database of something else.</exception>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => MigrateAsync(SqliteSchema.Migrations, cancellationToken);

    internal async Task MigrateAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        using var c = await OpenConnectionAsync(checkSchema: false, create: true, cancellationToken).ConfigureAwait(false);
        try
        {
            // Refuse a newer schema or a foreign database before changing anything (even the journal mode).
            int latest = migrations[^1].Version;
            if (TableExists(c, null, SqliteSchema.VersionTable))
            {
                int found = ReadVersion(c, null);
                if (found > latest)
                {
                    throw FutureVersion(found, latest);
                }
            }
            else
            {
                RefuseForeignDatabase(c, null);
            }

            using (var wal = c.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = Convert.ToString(wal.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new IOException($"The SQLite store '{Path}' cannot use WAL mode (journal mode stays '{mode}'): put it on a local file system.");
                }
            }

            foreach (var migration in migrations)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var tx = c.BeginTransaction(deferred: false);
                Execute(c, tx, $"CREATE TABLE IF NOT EXISTS {SqliteSchema.VersionTable} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT;");
                int current = ReadVersion(c, tx);
                if (current > latest)
                {
                    throw FutureVersion(current, latest);
                }

                if (current == 0)
                {
                    RefuseForeignDatabase(c, tx);
                }

                if (current >= migration.Version)
                {
                    tx.Commit();
                    continue;
                }

                if (current != migration.Version - 1)
                {
                    throw new InvalidDataException($"The SQLite store '{Path}' is at schema version {current} but the next migration is {migration.Version}: the schema_version table was changed by hand.");
                }

                Execute(c, tx, migration.Sql);
                using (var insert = c.CreateCommand())
                {
                    insert.Transaction = tx;
                    insert.CommandText = $"INSERT INTO {SqliteSchema.VersionTable} (version, description, applied_at) VALUES ($version, $description, $applied_at);";
                    insert.Parameters.AddWithValue("$version", migration.Version);
                    insert.Parameters.AddWithValue("$description", migration.Description);
                    insert.Parameters.AddWithValue("$applied_at", Now());
                    insert.ExecuteNonQuery();
                }

                tx.Commit();
            }
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }

        _schemaChecked = false;
    }

    /// <summary>The schema version of the file (0: no schema yet).</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        using var c = await OpenConnectionAsync(checkSchema: false, create: false, cancellationToken).ConfigureAwait(false);
        try
        {
            return TableExists(c, null, SqliteSchema.VersionTable) ? ReadVersion(c, null) : 0;
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
    }

    /// <inheritdoc/>
    public IMarketDataSink<Kline> KlineSink(Timeframe timeframe) => new SqliteSink<Kline>(this, KlineTable.Instance, timeframe);

    /// <inheritdoc/>
    public IMarketDataSink<T> Sink<T>()
        where T : struct, IMarketRecord =>
        new SqliteSink<T>(this, SparseTable<T>(), null);

    /// <inheritdoc/>
    public async Task<IKlineSource> OpenKlinesAsync(string symbol, Timeframe timeframe, StoreReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        options ??= StoreReadOptions.Latest;
        using var c = await OpenConnectionAsync(checkSchema: true, create: false, cancellationToken).ConfigureAwait(false);
        var optional = new List<MarketColumn>();
        try
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT quote_volume_since, trades_since, taker_buy_volume_since, taker_buy_quote_volume_since FROM kline_series WHERE symbol = $symbol AND timeframe = $timeframe;";
            cmd.Parameters.AddWithValue("$symbol", symbol);
            cmd.Parameters.AddWithValue("$timeframe", timeframe.Milliseconds);
            using var reader = cmd.ExecuteReader();
            if (reader.Read())
            {
                MarketColumn[] columns = [MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume];
                for (int i = 0; i < columns.Length; i++)
                {
                    if (!reader.IsDBNull(i) && reader.GetInt64(i) <= (options.AsOf ?? long.MaxValue))
                    {
                        optional.Add(columns[i]);
                    }
                }
            }
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }

        return new SqliteKlineSource(this, symbol, timeframe, options, optional);
    }

    /// <inheritdoc/>
    public IMarketDataSource<T> Source<T>(StoreReadOptions? options = null)
        where T : struct, IMarketRecord =>
        new SqliteSource<T>(this, SparseTable<T>(), options ?? StoreReadOptions.Latest);

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredRecord<T>> ReadRevisionsAsync<T>(string symbol, TimeRange range, Timeframe? timeframe = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : struct, IMarketRecord
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        var table = TableOf<T>();
        var sql = RecordSql<T>.For(table);
        if (table.HasTimeframe && timeframe is null)
        {
            throw new ArgumentException("Reading the revisions of bars needs their timeframe.", nameof(timeframe));
        }

        using var c = await OpenConnectionAsync(checkSchema: true, create: false, cancellationToken).ConfigureAwait(false);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql.Revisions;
        BindSeries(cmd, symbol, table.HasTimeframe ? timeframe : null);
        cmd.Parameters.AddWithValue("$from", range.From);
        cmd.Parameters.AddWithValue("$to", range.To);
        using var reader = ExecuteReader(cmd);
        int n = table.Columns.Length;
        while (Read(reader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = table.Read(reader, 0);
            int revision = reader.GetInt32(n);
            int? amended = reader.IsDBNull(n + 1) ? null : reader.GetInt32(n + 1);
            yield return new StoredRecord<T>(record, new RecordRevision(revision, amended, reader.GetInt64(n + 2)));
        }
    }

    /// <inheritdoc/>
    public async Task<long> CountAsync(RecordKind kind, string symbol, Timeframe? timeframe = null, CancellationToken cancellationToken = default)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        string table = kind switch
        {
            RecordKind.Kline => KlineTable.Instance.Table,
            RecordKind.Funding => FundingTable.Instance.Table,
            RecordKind.OpenInterest => OpenInterestTable.Instance.Table,
            RecordKind.Positioning => PositioningTable.Instance.Table,
            RecordKind.Liquidation => LiquidationTable.Instance.Table,
            RecordKind.ReferencePrice => ReferencePriceTable.Instance.Table,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a record kind."),
        };
        if (kind == RecordKind.Kline && timeframe is null)
        {
            throw new ArgumentException("Counting bars needs their timeframe.", nameof(timeframe));
        }

        using var c = await OpenConnectionAsync(checkSchema: true, create: false, cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = kind == RecordKind.Kline
                ? $"SELECT COUNT(*) FROM {table} WHERE symbol = $symbol AND timeframe = $timeframe;"
                : $"SELECT COUNT(*) FROM {table} WHERE symbol = $symbol;";
            BindSeries(cmd, symbol, kind == RecordKind.Kline ? timeframe : null);
            return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
    }

    /// <inheritdoc/>
    public Task<long> WriteFeaturesAsync(FeatureMatrix features, FeatureSetInfo? info = null, CancellationToken cancellationToken = default) =>
        FeatureTables.WriteAsync(this, features, info, cancellationToken);

    /// <inheritdoc/>
    public Task<FeatureMatrix> ReadFeaturesAsync(string symbol, Timeframe timeframe, TimeRange range, IReadOnlyList<string>? names = null,
        StoreReadOptions? options = null, CancellationToken cancellationToken = default) =>
        FeatureTables.ReadAsync(this, symbol, timeframe, range, names, options ?? StoreReadOptions.Latest, cancellationToken);

    /// <inheritdoc/>
    public Task<FeatureSetInfo?> ReadFeatureInfoAsync(string symbol, Timeframe timeframe, CancellationToken cancellationToken = default) =>
        FeatureTables.ReadInfoAsync(this, symbol, timeframe, cancellationToken);

    /// <summary>Releases the pooled connections of this file (other stores on the same file keep working).</summary>
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            using var c = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(c);
            using var c2 = new SqliteConnection(_createConnectionString);
            SqliteConnection.ClearPool(c2);
        }

        return ValueTask.CompletedTask;
    }

    internal long Now() => Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>An open connection with the store's pragmas; with <paramref name="checkSchema"/>, the file's schema is
    /// checked once per store instance.</summary>
    internal async Task<SqliteConnection> OpenConnectionAsync(bool checkSchema, bool create, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!create && !File.Exists(Path))
        {
            throw new FileNotFoundException($"No SQLite store at '{Path}': create it with SqliteMarketStore.OpenAsync or MigrateAsync.", Path);
        }

        var c = new SqliteConnection(create ? _createConnectionString : _connectionString);
        try
        {
            await c.OpenAsync(cancellationToken).ConfigureAwait(false);
            Execute(c, null, _pragmas);
            if (checkSchema && !_schemaChecked)
            {
                CheckSchema(c);
                _schemaChecked = true;
            }

            return c;
        }
        catch (SqliteException ex)
        {
            c.Dispose();
            throw Translate(ex);
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    /// <summary>A clear exception for an SQLite error about the file itself; other errors unchanged.</summary>
    internal Exception Translate(SqliteException ex) => ex.SqliteErrorCode switch
    {
        SqliteNotADatabase or SqliteCorrupt => new InvalidDataException(
            $"The file '{Path}' is not a usable SQLite database ({ex.Message.TrimEnd('.')}): it is corrupt or not an SQLite store.", ex),
        SqliteCantOpen => new IOException($"Cannot open the SQLite store '{Path}' ({ex.Message.TrimEnd('.')}): check that its folder exists and is writable.", ex),
        _ => ex,
    };

    internal static void BindSeries(SqliteCommand cmd, string symbol, Timeframe? timeframe)
    {
        cmd.Parameters.AddWithValue("$symbol", symbol);
        if (timeframe is { } tf)
        {
            cmd.Parameters.AddWithValue("$timeframe", tf.Milliseconds);
        }
    }

    internal static void Execute(SqliteConnection c, SqliteTransaction? tx, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    internal SqliteDataReader ExecuteReader(SqliteCommand cmd)
    {
        try
        {
            return cmd.ExecuteReader();
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
    }

    internal bool Read(SqliteDataReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
    }

    private void CheckSchema(SqliteConnection c)
    {
        if (!TableExists(c, null, SqliteSchema.VersionTable))
        {
            RefuseForeignDatabase(c, null);
            throw new InvalidOperationException($"The SQLite store '{Path}' has no schema yet: call MigrateAsync first (SqliteMarketStore.OpenAsync does).");
        }

        int version = ReadVersion(c, null);
        if (version > SchemaVersion)
        {
            throw FutureVersion(version, SchemaVersion);
        }

        if (version < SchemaVersion)
        {
            throw new InvalidOperationException($"The SQLite store '{Path}' is at schema version {version}, older than this library's {SchemaVersion}: call MigrateAsync to upgrade it.");
        }
    }

    private NotSupportedException FutureVersion(int version, int supported) =>
        new($"The SQLite store '{Path}' has schema version {version}, newer than the {supported} this version of QuantFeatures.Storage.Sqlite knows: upgrade the library to read it (it was left unchanged).");

    private void RefuseForeignDatabase(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> $version ORDER BY name LIMIT 3;";
        cmd.Parameters.AddWithValue("$version", SqliteSchema.VersionTable);
        using var reader = cmd.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        if (names.Count > 0)
        {
            throw new InvalidDataException($"The file '{Path}' is an SQLite database of something else (tables {string.Join(", ", names)}, no schema_version): not a QuantFeatures store; use a new file.");
        }
    }

    private static bool TableExists(SqliteConnection c, SqliteTransaction? tx, string name)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
        cmd.Parameters.AddWithValue("$name", name);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static int ReadVersion(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT COALESCE(MAX(version), 0) FROM {SqliteSchema.VersionTable};";
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    internal static RecordTable<T> TableOf<T>()
        where T : struct, IMarketRecord =>
        RecordKeys.KindOf<T>() == RecordKind.Kline ? (RecordTable<T>)(object)KlineTable.Instance : SparseTable<T>();

    private static RecordTable<T> SparseTable<T>()
        where T : struct, IMarketRecord =>
        RecordKeys.KindOf<T>() switch
        {
            RecordKind.Funding => (RecordTable<T>)(object)FundingTable.Instance,
            RecordKind.OpenInterest => (RecordTable<T>)(object)OpenInterestTable.Instance,
            RecordKind.Positioning => (RecordTable<T>)(object)PositioningTable.Instance,
            RecordKind.Liquidation => (RecordTable<T>)(object)LiquidationTable.Instance,
            RecordKind.ReferencePrice => (RecordTable<T>)(object)ReferencePriceTable.Instance,
            _ => throw new NotSupportedException($"{typeof(T).Name} is not a sparse record kind: bars are written with KlineSink(timeframe) and read with OpenKlinesAsync."),
        };
}
