using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using QuantFeatures.Storage.Postgres.Internal;

namespace QuantFeatures.Storage.Postgres;

/// <summary>
/// A PostgreSQL (optionally TimescaleDB) store of raw market data and feature matrices: one table per record kind
/// (<c>ohlcv</c>, <c>funding_rate</c>, <c>open_interest</c>, <c>long_short_ratio</c>, <c>liquidations</c>,
/// <c>reference_prices</c>, <c>features</c>) in one schema, every row carrying its <c>revision</c>,
/// <c>amended_from</c> and <c>fetched_at</c>.
/// </summary>
/// <remarks>
/// <para><b>Schema.</b> <see cref="MigrateAsync"/> applies versioned migrations (table <c>schema_migrations</c>), each
/// once, in its own transaction, under a session advisory lock, so concurrent callers are safe. With TimescaleDB
/// available the time-series tables are hypertables with compression; otherwise they are RANGE-partitioned by month,
/// a month's partition being created, in its own short transaction, before the first batch that needs it.</para>
/// <para><b>Writes.</b> Every batch is one transaction: an advisory lock on the series (table, symbol[, timeframe])
/// serialises writers of the same series, the records go by binary COPY into a temporary staging table, and one
/// INSERT … SELECT applies the revision rule of <see cref="RevisionPlanner"/> against the latest stored revisions
/// (values compared bit for bit). A failed or interrupted batch leaves nothing behind.</para>
/// <para><b>Reads</b> return one record per key in time order: the latest revision, or as of
/// <see cref="StoreReadOptions.AsOf"/> the newest revision fetched by then. Doubles round-trip bit for bit (float8;
/// NaN, −0 and subnormals included). Every value reaches SQL as a parameter; identifiers are this code's own or the
/// validated schema name, quoted.</para>
/// </remarks>
public sealed partial class PostgresMarketStore : IMarketDataStore, IFeatureStore
{
    private const string Stage = "pg_temp.qf_stage";

    private readonly NpgsqlDataSource _db;
    private readonly TimeProvider _clock;
    private readonly PostgresStoreOptions _options;
    private readonly string _schema;
    private readonly string _s;
    private readonly ConcurrentDictionary<string, HashSet<int>> _partitions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _readyGate = new(1, 1);
    private StoreLayout? _layout;

    /// <summary>Creates a store over the database of <paramref name="connectionString"/> (an Npgsql connection string,
    /// e.g. <c>Host=127.0.0.1;Port=5432;Username=qf;Password=…;Database=market</c>). No I/O until the first call; call
    /// <see cref="MigrateAsync"/> once to create or upgrade the schema.</summary>
    /// <param name="connectionString">The connection string.</param>
    /// <param name="options">Schema name and clock (defaults: <see cref="PostgresStoreOptions.DefaultSchema"/>, the system clock).</param>
    /// <exception cref="ArgumentException">An empty or malformed connection string, or an invalid schema name.</exception>
    public PostgresMarketStore(string connectionString, PostgresStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _options = options ?? new PostgresStoreOptions();
        ArgumentNullException.ThrowIfNull(_options.TimeProvider, nameof(options));
        _schema = StoreIdentifiers.ValidateSqlName(_options.Schema, "schema name");
        if (_options.CompressAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException($"CompressAfter must be positive, not {_options.CompressAfter}.", nameof(options));
        }

        _s = Sql.Q(_schema);
        _clock = _options.TimeProvider;
        _db = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>The schema holding the store's tables.</summary>
    public string Schema => _schema;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync().ConfigureAwait(false);
        _readyGate.Dispose();
    }

    private string Table(string name) => _s + "." + Sql.Q(name);

    /// <inheritdoc/>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => MigrateToAsync(Migrations.Latest, cancellationToken);

    /// <summary>Applies the migrations up to <paramref name="target"/> (tests: an older schema to upgrade).</summary>
    internal async Task MigrateToAsync(int target, CancellationToken cancellationToken)
    {
        var conn = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            // One lock for the whole database: migrations are rare, and CREATE EXTENSION is database-wide.
            await ExecAsync(conn, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", Sql.LockKey("quantfeatures.migrate"))).ConfigureAwait(false);
            try
            {
                await ExecAsync(conn, $"CREATE SCHEMA IF NOT EXISTS {_s}", cancellationToken).ConfigureAwait(false);
                await ExecAsync(conn, $"""
                    CREATE TABLE IF NOT EXISTS {Table("schema_migrations")} (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now())
                    """, cancellationToken).ConfigureAwait(false);
                var applied = new HashSet<int>();
                await using (var cmd = new NpgsqlCommand($"SELECT version FROM {Table("schema_migrations")}", conn))
                await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        applied.Add(reader.GetInt32(0));
                    }
                }

                if (applied.Count > 0 && applied.Max() > Migrations.Latest)
                {
                    throw new InvalidOperationException(
                        $"Schema '{_schema}' is at migration {applied.Max()}, newer than this library's {Migrations.Latest}: upgrade QuantFeatures.Storage.Postgres.");
                }

                foreach (var m in Migrations.All)
                {
                    if (m.Version > target || applied.Contains(m.Version))
                    {
                        continue;
                    }

                    await ApplyAsync(conn, m, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (conn.State == System.Data.ConnectionState.Open)
                {
                    await ExecAsync(conn, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", Sql.LockKey("quantfeatures.migrate"))).ConfigureAwait(false);
                }
            }
        }

        _layout = null; // re-read on next use
    }

    private async Task ApplyAsync(NpgsqlConnection conn, Migration m, CancellationToken ct)
    {
        var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            var layout = m.Version == 1 ? await ChooseLayoutAsync(conn, tx, ct).ConfigureAwait(false) : await ReadLayoutAsync(conn, ct).ConfigureAwait(false);
            foreach (var statement in m.Statements(_s, layout))
            {
                await ExecAsync(conn, statement, ct).ConfigureAwait(false);
            }

            if (m.Version == 1)
            {
                await ExecAsync(conn, $"INSERT INTO {Table("store_settings")} (key, value) VALUES ('layout', @layout)", ct,
                    ("layout", layout == StoreLayout.TimescaleDb ? "timescaledb" : "native")).ConfigureAwait(false);
            }

            if (layout == StoreLayout.TimescaleDb)
            {
                foreach (var (table, segmentBy) in m.TimeTables)
                {
                    await MakeHypertableAsync(conn, table, segmentBy, ct).ConfigureAwait(false);
                }
            }

            await ExecAsync(conn, $"INSERT INTO {Table("schema_migrations")} (version, name) VALUES (@version, @name)", ct,
                ("version", m.Version), ("name", m.Name)).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>TimescaleDB when asked for and <c>CREATE EXTENSION IF NOT EXISTS timescaledb</c> succeeds (tried in a
    /// savepoint, so a server without it leaves the migration's transaction usable); native partitioning otherwise.</summary>
    private async Task<StoreLayout> ChooseLayoutAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        if (!_options.UseTimescaleDb)
        {
            return StoreLayout.Native;
        }

        await using (var probe = new NpgsqlCommand("SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'", conn))
        {
            if ((long)(await probe.ExecuteScalarAsync(ct).ConfigureAwait(false))! == 0)
            {
                return StoreLayout.Native;
            }
        }

        await tx.SaveAsync("qf_timescale", ct).ConfigureAwait(false);
        try
        {
            await ExecAsync(conn, "CREATE EXTENSION IF NOT EXISTS timescaledb", ct).ConfigureAwait(false);
            await tx.ReleaseAsync("qf_timescale", ct).ConfigureAwait(false);
            return StoreLayout.TimescaleDb;
        }
        catch (PostgresException)
        {
            // Installed but not loadable (e.g. not in shared_preload_libraries), or not permitted: native layout.
            await tx.RollbackAsync("qf_timescale", ct).ConfigureAwait(false);
            return StoreLayout.Native;
        }
    }

    /// <summary>Makes a freshly created table a hypertable on <c>time</c> (7-day chunks) with compression, segmented by
    /// its series columns and ordered by time and revision, and a policy compressing chunks older than
    /// <see cref="PostgresStoreOptions.CompressAfter"/>. (Not exercised by the tests: TimescaleDB is not in Debian.)</summary>
    private async Task MakeHypertableAsync(NpgsqlConnection conn, string table, string segmentBy, CancellationToken ct)
    {
        string relation = _schema + "." + table;
        await ExecAsync(conn, "SELECT create_hypertable(@relation::regclass, 'time', chunk_time_interval => INTERVAL '7 days')", ct,
            ("relation", relation)).ConfigureAwait(false);
        await ExecAsync(conn, $"""
            ALTER TABLE {Table(table)} SET (timescaledb.compress,
                timescaledb.compress_segmentby = '{segmentBy}',
                timescaledb.compress_orderby = 'time, revision DESC')
            """, ct).ConfigureAwait(false);
        await ExecAsync(conn, "SELECT add_compression_policy(@relation::regclass, @after::interval, if_not_exists => true)", ct,
            ("relation", relation), ("after", _options.CompressAfter)).ConfigureAwait(false);
    }

    private async Task<StoreLayout> ReadLayoutAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT value FROM {Table("store_settings")} WHERE key = 'layout'", conn);
        var value = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        return value switch
        {
            "native" => StoreLayout.Native,
            "timescaledb" => StoreLayout.TimescaleDb,
            _ => throw new InvalidOperationException($"Schema '{_schema}' has no valid layout setting ('{value}')."),
        };
    }

    /// <summary>The schema's layout, read once; fails clearly when the schema has not been migrated to this version.</summary>
    internal async Task<StoreLayout> ReadyAsync(CancellationToken ct)
    {
        if (_layout is { } known)
        {
            return known;
        }

        await _readyGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_layout is { } again)
            {
                return again;
            }

            var conn = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using (conn.ConfigureAwait(false))
            {
                int version;
                try
                {
                    await using var cmd = new NpgsqlCommand($"SELECT COALESCE(max(version), 0) FROM {Table("schema_migrations")}", conn);
                    version = (int)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
                {
                    throw new InvalidOperationException($"Schema '{_schema}' holds no QuantFeatures store: call MigrateAsync first.", e);
                }

                if (version != Migrations.Latest)
                {
                    throw new InvalidOperationException(
                        $"Schema '{_schema}' is at migration {version}, this library needs {Migrations.Latest}: call MigrateAsync.");
                }

                _layout = await ReadLayoutAsync(conn, ct).ConfigureAwait(false);
                return _layout.Value;
            }
        }
        finally
        {
            _readyGate.Release();
        }
    }

    /// <summary>
    /// Native layout: creates the monthly partitions of <paramref name="table"/> that <paramref name="times"/> fall in
    /// and that do not exist yet. Each creation runs in its own short transaction under a per-table advisory lock
    /// (<c>CREATE TABLE … PARTITION OF</c> locks the parent exclusively; inside a batch's transaction it would hold that
    /// lock, and block every reader and writer of the table, until the batch commits). A partition left empty by a
    /// batch that then fails holds no data, so the batch is still all or nothing.
    /// </summary>
    private async Task EnsurePartitionsAsync(string table, IEnumerable<long> times, CancellationToken ct)
    {
        var known = _partitions.GetOrAdd(table, _ => []);
        var needed = new SortedSet<int>();
        foreach (long t in times)
        {
            var d = Sql.ToDateTime(t);
            int month = (d.Year * 12) + d.Month - 1;
            lock (known)
            {
                if (!known.Contains(month))
                {
                    needed.Add(month);
                }
            }
        }

        if (needed.Count == 0)
        {
            return;
        }

        var conn = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await ExecAsync(conn, "SELECT pg_advisory_xact_lock(@key)", ct, ("key", Sql.LockKey(_schema, table, "partitions"))).ConfigureAwait(false);
                var existing = new HashSet<string>(StringComparer.Ordinal);
                await using (var cmd = new NpgsqlCommand(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = @parent::regclass", conn))
                {
                    cmd.Parameters.AddWithValue("parent", _schema + "." + table);
                    await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        existing.Add(reader.GetString(0));
                    }
                }

                foreach (int month in needed)
                {
                    int year = month / 12, m = (month % 12) + 1;
                    string name = string.Create(CultureInfo.InvariantCulture, $"{table}_{year:D4}_{m:D2}");
                    if (!existing.Contains(name))
                    {
                        // The bounds are formatted from integers by this code (DDL takes no parameters).
                        string from = string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{m:D2}-01 00:00:00+00");
                        string to = m == 12
                            ? string.Create(CultureInfo.InvariantCulture, $"{year + 1:D4}-01-01 00:00:00+00")
                            : string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{m + 1:D2}-01 00:00:00+00");
                        await ExecAsync(conn,
                            $"CREATE TABLE IF NOT EXISTS {Table(name)} PARTITION OF {Table(table)} FOR VALUES FROM ('{from}') TO ('{to}')",
                            ct).ConfigureAwait(false);
                    }
                }

                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }

        lock (known)
        {
            known.UnionWith(needed);
        }
    }

    private async Task LockSeriesAsync(NpgsqlConnection conn, string table, string symbol, long? timeframe, CancellationToken ct) =>
        await ExecAsync(conn, "SELECT pg_advisory_xact_lock(@key)", ct,
            ("key", Sql.LockKey(_schema, table, symbol, timeframe?.ToString(CultureInfo.InvariantCulture) ?? string.Empty))).ConfigureAwait(false);

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static async Task<int> ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
