using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Sqlite.Internal;

/// <summary>
/// The feature store's layout: one row per (symbol, timeframe, bar time, row revision) in feature_values whose BLOB
/// holds the exact bits of the values that revision sets, in the order of its layout (a list of feature ordinals kept
/// once in feature_layouts; feature_names gives each name of a series its ordinal, in the order first written). A first
/// write stores every feature of a bar in one row; a later write of changed values adds a row holding only those. The
/// value of (time, feature) visible at a read is the one of the newest visible row revision that holds the feature, so
/// each changed value is a new revision of its key and nothing is overwritten.
/// </summary>
/// <remarks>One row per (time, feature) would be 100 million rows for a year of 1m bars with 200 features (gigabytes and
/// minutes to write); a row per bar with a BLOB is 525,600 rows, and a BLOB keeps NaN payloads and −0.0 exactly.</remarks>
internal static class FeatureTables
{
    private const int ChunkRows = 2048;

    public static async Task<long> WriteAsync(SqliteMarketStore store, FeatureMatrix features, FeatureSetInfo? info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(features);
        string symbol = StoreIdentifiers.ValidateSymbol(features.Symbol);
        info ??= FeatureSetInfo.For(features);
        ArgumentNullException.ThrowIfNull(info.CatalogVersion, nameof(info));
        ArgumentNullException.ThrowIfNull(info.Definitions, nameof(info));
        foreach (var name in features.Names)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A feature name is empty.", nameof(features));
            }

            if (!info.Definitions.ContainsKey(name))
            {
                throw new ArgumentException($"The feature set info has no definition of feature '{name}' (give an empty one if it has none).", nameof(info));
            }
        }

        using var c = await store.OpenConnectionAsync(checkSchema: true, create: false, cancellationToken).ConfigureAwait(false);
        try
        {
            using var tx = c.BeginTransaction(deferred: false);
            long fetchedAt = store.Now();
            long tf = features.Timeframe.Milliseconds;
            int[] ordinals = EnsureNames(c, tx, symbol, tf, features.Names);
            long changed = features.ColumnCount > 0 && features.RowCount > 0
                ? WriteValues(store, c, tx, features, ordinals, fetchedAt, cancellationToken)
                : 0;
            WriteInfo(c, tx, symbol, tf, info, fetchedAt);
            cancellationToken.ThrowIfCancellationRequested();
            tx.Commit();
            return changed;
        }
        catch (SqliteException ex)
        {
            throw store.Translate(ex);
        }
    }

    private static long WriteValues(SqliteMarketStore store, SqliteConnection c, SqliteTransaction tx, FeatureMatrix features, int[] ordinals, long fetchedAt,
        CancellationToken cancellationToken)
    {
        int n = features.ColumnCount;
        long[] time = features.Time.ToArray();
        var columnOf = new Dictionary<int, int>(n);
        for (int j = 0; j < n; j++)
        {
            columnOf[ordinals[j]] = j;
        }

        var layouts = new LayoutCache(c, tx);
        long fullLayout = layouts.IdOf(ordinals);
        using var insert = c.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO feature_values (symbol, timeframe, time, revision, fetched_at, layout, vals) VALUES ($symbol, $timeframe, $time, $revision, $fetched_at, $layout, $vals);";
        insert.Parameters.AddWithValue("$symbol", features.Symbol);
        insert.Parameters.AddWithValue("$timeframe", features.Timeframe.Milliseconds);
        var pTime = insert.Parameters.AddWithValue("$time", 0L);
        var pRevision = insert.Parameters.AddWithValue("$revision", 1L);
        insert.Parameters.AddWithValue("$fetched_at", fetchedAt);
        var pLayout = insert.Parameters.AddWithValue("$layout", fullLayout);
        var pVals = insert.Parameters.AddWithValue("$vals", Array.Empty<byte>());
        insert.Prepare();

        var hook = store.Options.AfterRowWritten;
        int written = 0;
        long changedValues = 0;
        var stored = new long[ChunkRows * n];
        var known = new bool[ChunkRows * n];
        var revision = new int[ChunkRows];
        var changedColumns = new List<int>(n);
        var changedOrdinals = new int[n];
        for (int a = 0; a < time.Length; a += ChunkRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int b = Math.Min(a + ChunkRows, time.Length);
            Array.Clear(known);
            Array.Clear(revision);
            LoadStored(c, tx, features.Symbol, features.Timeframe.Milliseconds, time, a, b, columnOf, layouts, stored, known, revision, n);
            for (int i = a; i < b; i++)
            {
                int at = (i - a) * n;
                changedColumns.Clear();
                for (int j = 0; j < n; j++)
                {
                    if (!known[at + j] || stored[at + j] != BitConverter.DoubleToInt64Bits(features[j][i]))
                    {
                        changedColumns.Add(j);
                    }
                }

                if (changedColumns.Count == 0)
                {
                    continue;
                }

                var vals = new byte[changedColumns.Count * 8];
                for (int k = 0; k < changedColumns.Count; k++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(vals.AsSpan(k * 8), BitConverter.DoubleToInt64Bits(features[changedColumns[k]][i]));
                    changedOrdinals[k] = ordinals[changedColumns[k]];
                }

                pTime.Value = time[i];
                pRevision.Value = (long)revision[i - a] + 1;
                pLayout.Value = changedColumns.Count == n ? fullLayout : layouts.IdOf(changedOrdinals.AsSpan(0, changedColumns.Count));
                pVals.Value = vals;
                insert.ExecuteNonQuery();
                changedValues += changedColumns.Count;
                hook?.Invoke(++written);
            }
        }

        return changedValues;
    }

    /// <summary>The latest stored bits of every (row, column) of rows [a, b) and each row's latest row revision.</summary>
    private static void LoadStored(SqliteConnection c, SqliteTransaction tx, string symbol, long tf, long[] time, int a, int b, Dictionary<int, int> columnOf,
        LayoutCache layouts, long[] stored, bool[] known, int[] revision, int n)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT time, revision, layout, vals FROM feature_values WHERE symbol = $symbol AND timeframe = $timeframe AND time >= $from AND time <= $to ORDER BY time, revision;";
        cmd.Parameters.AddWithValue("$symbol", symbol);
        cmd.Parameters.AddWithValue("$timeframe", tf);
        cmd.Parameters.AddWithValue("$from", time[a]);
        cmd.Parameters.AddWithValue("$to", time[b - 1]);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            int i = Array.BinarySearch(time, a, b - a, reader.GetInt64(0));
            if (i < 0)
            {
                continue; // a stored bar this matrix does not have
            }

            int at = (i - a) * n;
            revision[i - a] = reader.GetInt32(1);
            var layout = layouts.OrdinalsOf(reader.GetInt64(2));
            var vals = Values(reader, 3, layout.Length);
            for (int k = 0; k < layout.Length; k++)
            {
                if (columnOf.TryGetValue(layout[k], out int j))
                {
                    stored[at + j] = BinaryPrimitives.ReadInt64LittleEndian(vals.AsSpan(k * 8));
                    known[at + j] = true;
                }
            }
        }
    }

    public static async Task<FeatureMatrix> ReadAsync(SqliteMarketStore store, string symbol, Timeframe timeframe, TimeRange range, IReadOnlyList<string>? names,
        StoreReadOptions options, CancellationToken cancellationToken)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        using var c = await store.OpenConnectionAsync(checkSchema: true, create: false, cancellationToken).ConfigureAwait(false);
        try
        {
            var storedNames = LoadNames(c, null, symbol, timeframe.Milliseconds);
            string[] selected;
            if (names is null)
            {
                selected = [.. storedNames.OrderBy(kv => kv.Value).Select(kv => kv.Key)];
            }
            else
            {
                selected = [.. names];
                foreach (var name in selected)
                {
                    if (name is null || !storedNames.ContainsKey(name))
                    {
                        throw new ArgumentException($"No feature '{name}' is stored for {symbol} {timeframe} (stored: {Preview(storedNames.Keys)}).", nameof(names));
                    }
                }

                if (selected.Distinct(StringComparer.Ordinal).Count() != selected.Length)
                {
                    throw new ArgumentException("The requested feature names repeat.", nameof(names));
                }
            }

            int n = selected.Length;
            var columnOf = new Dictionary<int, int>(n);
            for (int j = 0; j < n; j++)
            {
                columnOf[storedNames[selected[j]]] = j;
            }

            var times = new List<long>();
            var columns = new List<double>[n];
            for (int j = 0; j < n; j++)
            {
                columns[j] = [];
            }

            if (n > 0)
            {
                ReadRows(c, symbol, timeframe.Milliseconds, range, options, columnOf, times, columns, cancellationToken);
            }

            return FeatureMatrix.Create(symbol, timeframe, [.. times], selected, [.. columns.Select(col => col.ToArray())]);
        }
        catch (SqliteException ex)
        {
            throw store.Translate(ex);
        }
    }

    private static void ReadRows(SqliteConnection c, string symbol, long tf, TimeRange range, StoreReadOptions options, Dictionary<int, int> columnOf,
        List<long> times, List<double>[] columns, CancellationToken cancellationToken)
    {
        int n = columns.Length;
        var layouts = new LayoutCache(c, null);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT time, layout, vals FROM feature_values WHERE symbol = $symbol AND timeframe = $timeframe AND time >= $from AND time < $to"
            + (options.AsOf is null ? "" : " AND fetched_at <= $as_of") + " ORDER BY time, revision;";
        cmd.Parameters.AddWithValue("$symbol", symbol);
        cmd.Parameters.AddWithValue("$timeframe", tf);
        cmd.Parameters.AddWithValue("$from", range.From);
        cmd.Parameters.AddWithValue("$to", range.To);
        if (options.AsOf is { } asOf)
        {
            cmd.Parameters.AddWithValue("$as_of", asOf);
        }

        var row = new double[n];
        bool any = false;
        long current = 0;
        bool started = false;
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            long t = reader.GetInt64(0);
            if (!started || t != current)
            {
                Flush();
                started = true;
                current = t;
                Array.Fill(row, double.NaN);
            }

            // Row revisions of one time come in increasing order: a later one overrides the features it holds.
            var layout = layouts.OrdinalsOf(reader.GetInt64(1));
            var vals = Values(reader, 2, layout.Length);
            for (int k = 0; k < layout.Length; k++)
            {
                if (columnOf.TryGetValue(layout[k], out int j))
                {
                    row[j] = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(vals.AsSpan(k * 8)));
                    any = true;
                }
            }
        }

        Flush();

        void Flush()
        {
            if (any)
            {
                times.Add(current);
                for (int j = 0; j < n; j++)
                {
                    columns[j].Add(row[j]);
                }
            }

            any = false;
        }
    }

    public static async Task<FeatureSetInfo?> ReadInfoAsync(SqliteMarketStore store, string symbol, Timeframe timeframe, CancellationToken cancellationToken)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        using var c = await store.OpenConnectionAsync(checkSchema: true, create: false, cancellationToken).ConfigureAwait(false);
        try
        {
            return ReadInfo(c, null, symbol, timeframe.Milliseconds)?.Info;
        }
        catch (SqliteException ex)
        {
            throw store.Translate(ex);
        }
    }

    /// <summary>The latest catalogue version with the definitions of every feature ever described for the series (a later
    /// write's definition replaces an earlier one), and the latest revision of feature_sets.</summary>
    private static (FeatureSetInfo Info, int Revision)? ReadInfo(SqliteConnection c, SqliteTransaction? tx, string symbol, long tf)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT revision, catalog_version, definitions FROM feature_sets WHERE symbol = $symbol AND timeframe = $timeframe ORDER BY revision;";
        cmd.Parameters.AddWithValue("$symbol", symbol);
        cmd.Parameters.AddWithValue("$timeframe", tf);
        using var reader = cmd.ExecuteReader();
        var definitions = new Dictionary<string, string>(StringComparer.Ordinal);
        string? version = null;
        int revision = 0;
        while (reader.Read())
        {
            revision = reader.GetInt32(0);
            version = reader.GetString(1);
            using var json = JsonDocument.Parse(reader.GetString(2));
            foreach (var p in json.RootElement.EnumerateObject())
            {
                definitions[p.Name] = p.Value.GetString() ?? "";
            }
        }

        return version is null ? null : (new FeatureSetInfo(version, definitions), revision);
    }

    private static void WriteInfo(SqliteConnection c, SqliteTransaction tx, string symbol, long tf, FeatureSetInfo info, long fetchedAt)
    {
        var latest = ReadInfo(c, tx, symbol, tf);
        if (latest is { } l && string.Equals(l.Info.CatalogVersion, info.CatalogVersion, StringComparison.Ordinal)
            && info.Definitions.All(d => l.Info.Definitions.TryGetValue(d.Key, out var old) && string.Equals(old, d.Value, StringComparison.Ordinal)))
        {
            return; // nothing new
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, definition) in info.Definitions.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                writer.WriteString(name, definition ?? "");
            }

            writer.WriteEndObject();
        }

        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO feature_sets (symbol, timeframe, revision, catalog_version, definitions, fetched_at) VALUES ($symbol, $timeframe, $revision, $version, $definitions, $fetched_at);";
        cmd.Parameters.AddWithValue("$symbol", symbol);
        cmd.Parameters.AddWithValue("$timeframe", tf);
        cmd.Parameters.AddWithValue("$revision", (latest?.Revision ?? 0) + 1);
        cmd.Parameters.AddWithValue("$version", info.CatalogVersion);
        cmd.Parameters.AddWithValue("$definitions", Encoding.UTF8.GetString(buffer.ToArray()));
        cmd.Parameters.AddWithValue("$fetched_at", fetchedAt);
        cmd.ExecuteNonQuery();
    }

    private static Dictionary<string, int> LoadNames(SqliteConnection c, SqliteTransaction? tx, string symbol, long tf)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT ordinal, name FROM feature_names WHERE symbol = $symbol AND timeframe = $timeframe;";
        cmd.Parameters.AddWithValue("$symbol", symbol);
        cmd.Parameters.AddWithValue("$timeframe", tf);
        using var reader = cmd.ExecuteReader();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.Read())
        {
            names[reader.GetString(1)] = reader.GetInt32(0);
        }

        return names;
    }

    /// <summary>The ordinal of every name (new names get the next ordinals, in the order given).</summary>
    private static int[] EnsureNames(SqliteConnection c, SqliteTransaction tx, string symbol, long tf, IReadOnlyList<string> names)
    {
        var stored = LoadNames(c, tx, symbol, tf);
        int next = stored.Count == 0 ? 0 : stored.Values.Max() + 1;
        var ordinals = new int[names.Count];
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO feature_names (symbol, timeframe, ordinal, name) VALUES ($symbol, $timeframe, $ordinal, $name);";
        cmd.Parameters.AddWithValue("$symbol", symbol);
        cmd.Parameters.AddWithValue("$timeframe", tf);
        var pOrdinal = cmd.Parameters.AddWithValue("$ordinal", 0);
        var pName = cmd.Parameters.AddWithValue("$name", "");
        for (int j = 0; j < names.Count; j++)
        {
            if (!stored.TryGetValue(names[j], out int ordinal))
            {
                ordinal = next++;
                pOrdinal.Value = ordinal;
                pName.Value = names[j];
                cmd.ExecuteNonQuery();
                stored[names[j]] = ordinal;
            }

            ordinals[j] = ordinal;
        }

        return ordinals;
    }

    private static byte[] Values(SqliteDataReader reader, int ordinal, int count)
    {
        var vals = reader.GetFieldValue<byte[]>(ordinal);
        return vals.Length == count * 8
            ? vals
            : throw new InvalidDataException($"A feature row holds {vals.Length} bytes where its layout has {count} values: the database was changed outside this library.");
    }

    private static string Preview(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list.Take(8)) + (list.Count > 8 ? string.Create(CultureInfo.InvariantCulture, $", … {list.Count} in all") : "");
    }

    /// <summary>feature_layouts: a list of ordinals (int32 little-endian) stored once, by id.</summary>
    private sealed class LayoutCache(SqliteConnection c, SqliteTransaction? tx)
    {
        private readonly Dictionary<long, int[]> _byId = [];
        private readonly Dictionary<string, long> _byKey = new(StringComparer.Ordinal);

        public int[] OrdinalsOf(long id)
        {
            if (_byId.TryGetValue(id, out var cached))
            {
                return cached;
            }

            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT ordinals FROM feature_layouts WHERE id = $id;";
            cmd.Parameters.AddWithValue("$id", id);
            var bytes = cmd.ExecuteScalar() as byte[]
                ?? throw new InvalidDataException($"Feature layout {id} is missing: the database was changed outside this library.");
            if (bytes.Length % 4 != 0)
            {
                throw new InvalidDataException($"Feature layout {id} is {bytes.Length} bytes, not a list of 4-byte ordinals.");
            }

            var ordinals = new int[bytes.Length / 4];
            for (int k = 0; k < ordinals.Length; k++)
            {
                ordinals[k] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(k * 4));
            }

            _byId[id] = ordinals;
            return ordinals;
        }

        public long IdOf(ReadOnlySpan<int> ordinals)
        {
            var bytes = new byte[ordinals.Length * 4];
            for (int k = 0; k < ordinals.Length; k++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(k * 4), ordinals[k]);
            }

            string key = Convert.ToBase64String(bytes);
            if (_byKey.TryGetValue(key, out long id))
            {
                return id;
            }

            using (var insert = c.CreateCommand())
            {
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO feature_layouts (ordinals) VALUES ($ordinals) ON CONFLICT (ordinals) DO NOTHING;";
                insert.Parameters.AddWithValue("$ordinals", bytes);
                insert.ExecuteNonQuery();
            }

            using var select = c.CreateCommand();
            select.Transaction = tx;
            select.CommandText = "SELECT id FROM feature_layouts WHERE ordinals = $ordinals;";
            select.Parameters.AddWithValue("$ordinals", bytes);
            id = Convert.ToInt64(select.ExecuteScalar(), CultureInfo.InvariantCulture);
            _byKey[key] = id;
            _byId[id] = ordinals.ToArray();
            return id;
        }
    }
}
