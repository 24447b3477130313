using Npgsql;
using NpgsqlTypes;
using QuantFeatures.Data;
using QuantFeatures.Storage.Postgres.Internal;

namespace QuantFeatures.Storage.Postgres;

public sealed partial class PostgresMarketStore
{
    private const string FeatureStage = "pg_temp.qf_feature_stage";

    /// <inheritdoc/>
    /// <remarks>Values are stored long (one row per bar and feature, <c>features</c>), the feature names once per symbol
    /// and timeframe in <c>feature_columns</c> (with their definitions, in the order first written) and the catalogue
    /// version in <c>feature_sets</c>; definitions and version are metadata and keep their latest value.</remarks>
    /// <exception cref="ArgumentException">An invalid symbol, times that do not increase strictly, or an empty feature name.</exception>
    public async Task<long> WriteFeaturesAsync(FeatureMatrix features, FeatureSetInfo? info = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        string symbol = StoreIdentifiers.ValidateSymbol(features.Symbol);
        info ??= FeatureSetInfo.For(features);
        ArgumentNullException.ThrowIfNull(info.CatalogVersion, nameof(info));
        ArgumentNullException.ThrowIfNull(info.Definitions, nameof(info));
        var time = features.Time.ToArray();
        for (int i = 0; i < time.Length; i++)
        {
            Sql.CheckTime(time[i], nameof(features), i);
            if (i > 0 && time[i] <= time[i - 1])
            {
                throw new ArgumentException($"Feature rows must be in strictly increasing time: row {i} ({time[i]}) follows {time[i - 1]}.", nameof(features));
            }
        }

        var names = features.Names.ToArray();
        if (names.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("A feature name is empty.", nameof(features));
        }

        if (time.Length == 0 || names.Length == 0)
        {
            return 0;
        }

        long tf = features.Timeframe.Milliseconds;
        if (await ReadyAsync(cancellationToken).ConfigureAwait(false) == StoreLayout.Native)
        {
            await EnsurePartitionsAsync("features", time, cancellationToken).ConfigureAwait(false);
        }

        long fetched = Now();
        var definitions = names.Select(n => info.Definitions.TryGetValue(n, out var d) && d is not null ? d : string.Empty).ToArray();
        var conn = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await LockSeriesAsync(conn, "features", symbol, tf, cancellationToken).ConfigureAwait(false);
                var ids = await FeatureIdsAsync(conn, symbol, tf, names, definitions, fetched, cancellationToken).ConfigureAwait(false);
                await ExecAsync(conn, $"""
                    INSERT INTO {Table("feature_sets")} AS f (symbol, timeframe_ms, catalog_version, fetched_at)
                    VALUES (@symbol, @timeframe, @version, @fetched)
                    ON CONFLICT (symbol, timeframe_ms) DO UPDATE SET catalog_version = EXCLUDED.catalog_version, fetched_at = EXCLUDED.fetched_at
                    WHERE f.catalog_version IS DISTINCT FROM EXCLUDED.catalog_version
                    """, cancellationToken, ("symbol", symbol), ("timeframe", tf), ("version", info.CatalogVersion), ("fetched", Sql.ToDateTime(fetched)))
                    .ConfigureAwait(false);

                await ExecAsync(conn, $"CREATE TEMP TABLE {FeatureStage} (feature_id integer NOT NULL, time timestamptz NOT NULL, value double precision NOT NULL) ON COMMIT DROP",
                    cancellationToken).ConfigureAwait(false);
                var writer = await conn.BeginBinaryImportAsync($"COPY {FeatureStage} (feature_id, time, value) FROM STDIN (FORMAT BINARY)", cancellationToken)
                    .ConfigureAwait(false);
                await using (writer.ConfigureAwait(false))
                {
                    var stamps = time.Select(Sql.ToDateTime).ToArray();
                    for (int j = 0; j < names.Length; j++)
                    {
                        var column = features[j].ToArray();
                        for (int i = 0; i < column.Length; i++)
                        {
                            await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                            await writer.WriteAsync(ids[j], NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                            await writer.WriteAsync(stamps[i], NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                            await writer.WriteAsync(column[i], NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }

                if ((long)time.Length * names.Length >= AnalyzeThreshold)
                {
                    await ExecAsync(conn, $"ANALYZE {FeatureStage}", cancellationToken).ConfigureAwait(false);
                }

                int inserted;
                await using (var cmd = new NpgsqlCommand($"""
                    WITH latest AS (
                        SELECT DISTINCT ON (o.feature_id, o.time) o.feature_id, o.time, o.value, o.revision
                        FROM {Table("features")} o
                        WHERE o.feature_id = ANY(@ids) AND o.time >= @first AND o.time <= @last
                        ORDER BY o.feature_id, o.time, o.revision DESC)
                    INSERT INTO {Table("features")} (feature_id, time, value, revision, amended_from, fetched_at)
                    SELECT s.feature_id, s.time, s.value, COALESCE(l.revision, 0) + 1, l.revision, @fetched
                    FROM {FeatureStage} s LEFT JOIN latest l ON l.feature_id = s.feature_id AND l.time = s.time
                    WHERE l.revision IS NULL OR float8send(l.value) <> float8send(s.value)
                    """, conn))
                {
                    cmd.Parameters.AddWithValue("ids", ids);
                    cmd.Parameters.AddWithValue("first", Sql.ToDateTime(time[0]));
                    cmd.Parameters.AddWithValue("last", Sql.ToDateTime(time[^1]));
                    cmd.Parameters.AddWithValue("fetched", Sql.ToDateTime(fetched));
                    inserted = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return inserted;
            }
        }
    }

    /// <summary>The ids of the feature names of a series, adding the new ones after the stored ones (first-written order)
    /// and keeping the latest definition of each.</summary>
    private async Task<int[]> FeatureIdsAsync(NpgsqlConnection conn, string symbol, long tf, string[] names, string[] definitions, long fetched, CancellationToken ct)
    {
        string t = Table("feature_columns");
        await ExecAsync(conn, $"""
            INSERT INTO {t} AS c (symbol, timeframe_ms, name, ordinal, definition, first_fetched_at)
            SELECT @symbol, @timeframe, n.name,
                   COALESCE((SELECT max(ordinal) FROM {t} WHERE symbol = @symbol AND timeframe_ms = @timeframe), 0) + n.ord::integer,
                   n.definition, @fetched
            FROM unnest(@names::text[], @definitions::text[]) WITH ORDINALITY AS n(name, definition, ord)
            ON CONFLICT (symbol, timeframe_ms, name) DO UPDATE SET definition = EXCLUDED.definition
            WHERE c.definition IS DISTINCT FROM EXCLUDED.definition
            """, ct, ("symbol", symbol), ("timeframe", tf), ("names", names), ("definitions", definitions), ("fetched", Sql.ToDateTime(fetched)))
            .ConfigureAwait(false);

        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand($"SELECT name, id FROM {t} WHERE symbol = @symbol AND timeframe_ms = @timeframe AND name = ANY(@names)", conn))
        {
            cmd.Parameters.AddWithValue("symbol", symbol);
            cmd.Parameters.AddWithValue("timeframe", tf);
            cmd.Parameters.AddWithValue("names", names);
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                byName[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        return [.. names.Select(n => byName[n])];
    }

    private sealed record StoredFeature(int Id, string Name, string Definition, long FirstFetchedAt);

    private async Task<List<StoredFeature>> StoredFeaturesAsync(NpgsqlConnection conn, string symbol, long tf, CancellationToken ct)
    {
        var list = new List<StoredFeature>();
        await using var cmd = new NpgsqlCommand(
            $"SELECT id, name, definition, first_fetched_at FROM {Table("feature_columns")} WHERE symbol = @symbol AND timeframe_ms = @timeframe ORDER BY ordinal", conn);
        cmd.Parameters.AddWithValue("symbol", symbol);
        cmd.Parameters.AddWithValue("timeframe", tf);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new StoredFeature(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), Sql.ToMs(reader.GetFieldValue<DateTime>(3))));
        }

        return list;
    }

    /// <inheritdoc/>
    /// <remarks>The rows are the times in <paramref name="range"/> at which any selected feature has a visible value;
    /// a feature without a value at such a time reads NaN. With <paramref name="names"/> null and an as-of time, the
    /// features first written after it are left out.</remarks>
    /// <exception cref="ArgumentException">An invalid symbol, a repeated name, or a name not stored for the symbol and timeframe.</exception>
    public async Task<FeatureMatrix> ReadFeaturesAsync(string symbol, Timeframe timeframe, TimeRange range, IReadOnlyList<string>? names = null,
        StoreReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        if (names is not null && names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("Feature names repeat.", nameof(names));
        }

        long? asOf = options?.AsOf;
        long tf = timeframe.Milliseconds;
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var conn = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            var stored = await StoredFeaturesAsync(conn, symbol, tf, cancellationToken).ConfigureAwait(false);
            List<StoredFeature> selected;
            if (names is null)
            {
                selected = [.. stored.Where(f => asOf is null || f.FirstFetchedAt <= asOf)];
            }
            else
            {
                var byName = stored.ToDictionary(f => f.Name, StringComparer.Ordinal);
                selected = [];
                foreach (var name in names)
                {
                    selected.Add(name is not null && byName.TryGetValue(name, out var f)
                        ? f
                        : throw new ArgumentException($"No feature '{name}' is stored for {symbol} {timeframe}.", nameof(names)));
                }
            }

            var columnOf = new Dictionary<int, int>();
            for (int j = 0; j < selected.Count; j++)
            {
                columnOf[selected[j].Id] = j;
            }

            var values = new List<(int Column, long Time, double Value)>();
            if (selected.Count > 0 && range.From < range.To && range.To > Sql.MinTime && range.From <= Sql.MaxTime)
            {
                await using var cmd = new NpgsqlCommand($"""
                    SELECT DISTINCT ON (o.feature_id, o.time) o.feature_id, o.time, o.value
                    FROM {Table("features")} o
                    WHERE o.feature_id = ANY(@ids) AND o.time >= @first AND o.time <= @last{(asOf is null ? string.Empty : " AND o.fetched_at <= @asof")}
                    ORDER BY o.feature_id, o.time, o.revision DESC
                    """, conn);
                cmd.Parameters.AddWithValue("ids", selected.Select(f => f.Id).ToArray());
                cmd.Parameters.AddWithValue("first", Sql.Clamp(range.From));
                cmd.Parameters.AddWithValue("last", Sql.LastOf(range.To));
                if (asOf is { } a)
                {
                    cmd.Parameters.AddWithValue("asof", Sql.Clamp(a));
                }

                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    values.Add((columnOf[reader.GetInt32(0)], Sql.ToMs(reader.GetFieldValue<DateTime>(1)), reader.GetDouble(2)));
                }
            }

            var times = values.Select(v => v.Time).Distinct().Order().ToArray();
            var row = new Dictionary<long, int>(times.Length);
            for (int i = 0; i < times.Length; i++)
            {
                row[times[i]] = i;
            }

            var columns = new double[selected.Count][];
            for (int j = 0; j < columns.Length; j++)
            {
                columns[j] = new double[times.Length];
                Array.Fill(columns[j], double.NaN);
            }

            foreach (var (column, t, value) in values)
            {
                columns[column][row[t]] = value;
            }

            return FeatureMatrix.Create(symbol, timeframe, times, [.. selected.Select(f => f.Name)], columns);
        }
    }

    /// <inheritdoc/>
    public async Task<FeatureSetInfo?> ReadFeatureInfoAsync(string symbol, Timeframe timeframe, CancellationToken cancellationToken = default)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        long tf = timeframe.Milliseconds;
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var conn = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            string? version;
            await using (var cmd = new NpgsqlCommand($"SELECT catalog_version FROM {Table("feature_sets")} WHERE symbol = @symbol AND timeframe_ms = @timeframe", conn))
            {
                cmd.Parameters.AddWithValue("symbol", symbol);
                cmd.Parameters.AddWithValue("timeframe", tf);
                version = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            }

            if (version is null)
            {
                return null;
            }

            var stored = await StoredFeaturesAsync(conn, symbol, tf, cancellationToken).ConfigureAwait(false);
            return new FeatureSetInfo(version, stored.ToDictionary(f => f.Name, f => f.Definition, StringComparer.Ordinal));
        }
    }
}
