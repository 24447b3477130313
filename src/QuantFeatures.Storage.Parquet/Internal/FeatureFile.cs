using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Parquet.Internal;

/// <summary>
/// One feature file, <c>{symbol}/{timeframe}.features.parquet</c>: columns <c>time</c>, <c>revision</c>,
/// <c>amended_from</c>, <c>fetched_at</c>, then one double column per feature. A row is the whole feature vector of a
/// bar time in one revision: a write appends a revision-1 row for a new time, and a revision n + 1 row (every feature,
/// the unchanged ones copied from revision n) for a time where any value changed. Reads take, per time, the newest
/// revision (or the newest known at <see cref="StoreReadOptions.AsOf"/>).
/// </summary>
internal sealed class FeatureFile
{
    public const string KindName = "features";

    /// <summary>The fixed columns' names and types, for checking files and names only. A Parquet.Net field belongs
    /// to the schema it was last put in, so reads use the opened file's own fields and writes new ones
    /// (<see cref="NewFixed"/>): static fields shared by every schema would fail in a process whose first feature
    /// operation reads before it writes, and would be re-attached under the feet of a concurrent writer.</summary>
    private static readonly DataField[] Fixed = NewFixed();

    private static DataField[] NewFixed() =>
        [new DataField<long>("time", false), new DataField<int>("revision", false), new DataField<int?>("amended_from", true), new DataField<long>("fetched_at", false)];

    private readonly ParquetMarketStore _store;

    public FeatureFile(ParquetMarketStore store, string symbol, Timeframe timeframe, string path)
    {
        _store = store;
        Symbol = symbol;
        Timeframe = timeframe;
        Path = path;
    }

    public string Symbol { get; }

    public Timeframe Timeframe { get; }

    public string Path { get; }

    /// <summary>Accepts a feature name as a column name: 1–128 ASCII letters, digits, '_' or '-', not one of the fixed columns.</summary>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool ok = name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
        if (!ok || Fixed.Any(f => f.Name == name))
        {
            throw new ArgumentException(
                $"Feature name '{name}' cannot be a column of a feature file: use 1–128 ASCII letters, digits, '_' or '-', and none of {string.Join(", ", Fixed.Select(f => f.Name))}.",
                nameof(name));
        }
    }

    private async Task<OpenedFile?> OpenAsync(CancellationToken cancellationToken)
    {
        var file = await OpenedFile.OpenAsync(Path, KindName, cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return null;
        }

        try
        {
            file.CheckFields(Fixed, allowMore: true);
            foreach (var f in file.Fields.Skip(Fixed.Length))
            {
                if (f.ClrType != typeof(double) || f.IsNullable)
                {
                    throw new InvalidDataException($"{Path}: feature column '{f.Name}' is {f.ClrType.Name}{(f.IsNullable ? "?" : "")}, not a non-nullable double.");
                }
            }

            if (!file.Meta.TryGetValue(StoreMetadata.Symbol, out var s) || s != Symbol
                || !file.Meta.TryGetValue(StoreMetadata.Timeframe, out var t) || t != Timeframe.ToString())
            {
                throw new InvalidDataException($"{Path} holds the features of another series than {Symbol} {Timeframe}.");
            }

            return file;
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static List<DataField> FeatureFields(OpenedFile file) => [.. file.Fields.Skip(Fixed.Length)];

    public async Task<FeatureSetInfo?> ReadInfoAsync(CancellationToken cancellationToken)
    {
        var file = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return null;
        }

        await using (file.ConfigureAwait(false))
        {
            return ParseInfo(file);
        }
    }

    private static FeatureSetInfo ParseInfo(OpenedFile file)
    {
        string version = file.Meta.TryGetValue(StoreMetadata.CatalogVersion, out var v) ? v : string.Empty;
        var definitions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (file.Meta.TryGetValue(StoreMetadata.Definitions, out var json))
        {
            try
            {
                using var doc = JsonDocument.Parse(json);
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    definitions[p.Name] = p.Value.GetString() ?? string.Empty;
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw new InvalidDataException($"{file.Path}: the metadata '{StoreMetadata.Definitions}' is not a JSON object of strings ({e.Message}).", e);
            }
        }

        return new FeatureSetInfo(version, definitions);
    }

    private Dictionary<string, string> Metadata(IEnumerable<GroupInfo> groups, IReadOnlyList<string> columns, FeatureSetInfo info)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var c in columns)
            {
                json.WriteString(c, info.Definitions.TryGetValue(c, out var d) ? d : string.Empty);
            }

            json.WriteEndObject();
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [StoreMetadata.Format] = StoreMetadata.FormatVersion,
            [StoreMetadata.Kind] = KindName,
            [StoreMetadata.Symbol] = Symbol,
            [StoreMetadata.Timeframe] = Timeframe.ToString(),
            [StoreMetadata.CatalogVersion] = info.CatalogVersion,
            [StoreMetadata.Definitions] = Encoding.UTF8.GetString(buffer.ToArray()),
            [StoreMetadata.RowGroups] = StoreMetadata.EncodeGroups(groups),
        };
    }

    /// <summary>The rows a write adds: times, revision metadata and, per column of the file's (new) schema, the values.</summary>
    private sealed class NewRows(long[] time, int[] revision, int?[] amended, long[] fetched, ReadOnlyMemory<double>[] columns)
    {
        public long[] Time { get; } = time;

        public int[] Revision { get; } = revision;

        public int?[] Amended { get; } = amended;

        public long[] Fetched { get; } = fetched;

        public ReadOnlyMemory<double>[] Columns { get; } = columns;

        public int Count => Time.Length;
    }

    public async Task<long> WriteAsync(FeatureMatrix features, FeatureSetInfo info, CancellationToken cancellationToken)
    {
        foreach (var n in features.Names)
        {
            ValidateName(n);
        }

        await using var held = (await FileLocks.AcquireAsync(Path, _store.Options.LockTimeout, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        long now = _store.Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        long[] times = features.Time.ToArray();
        var file = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var storedFields = file is null ? [] : FeatureFields(file);
            var stored = storedFields.Select(f => f.Name).ToList();
            var union = stored.Concat(features.Names.Where(n => !stored.Contains(n))).ToList();
            bool grows = union.Count > stored.Count;
            var storedInfo = file is null ? null : ParseInfo(file);
            var newInfo = new FeatureSetInfo(info.CatalogVersion, union.ToDictionary(c => c,
                c => info.Definitions.TryGetValue(c, out var d) ? d : storedInfo?.Definitions.GetValueOrDefault(c) ?? string.Empty, StringComparer.Ordinal));
            bool infoChanged = storedInfo is null || storedInfo.CatalogVersion != newInfo.CatalogVersion
                || union.Any(c => storedInfo.Definitions.GetValueOrDefault(c) != newInfo.Definitions[c]);

            // The latest stored row of each of the matrix's times: only row groups whose bounds contain one are read.
            var latest = new Dictionary<long, (int Group, int Index, int Revision)>();
            var decoded = new Dictionary<int, double[][]>();
            if (file is not null)
            {
                for (int g = 0; g < file.Groups.Count; g++)
                {
                    if (!file.Groups[g].ContainsAny(times))
                    {
                        continue;
                    }

                    var (t, rev, _) = await ReadKeysAsync(file, g, cancellationToken).ConfigureAwait(false);
                    for (int i = 0; i < t.Length; i++)
                    {
                        if (Array.BinarySearch(times, t[i]) >= 0 && (!latest.TryGetValue(t[i], out var cur) || rev[i] > cur.Revision))
                        {
                            latest[t[i]] = (g, i, rev[i]);
                        }
                    }
                }

                foreach (int g in latest.Values.Select(l => l.Group).Distinct())
                {
                    decoded[g] = await ReadColumnsAsync(file, g, storedFields, cancellationToken).ConfigureAwait(false);
                }
            }

            // Plan: which rows become new rows, and how many (row, feature) values are new or changed.
            long changedValues = 0;
            var selected = new List<int>();
            var matrixColumn = union.Select(c => features.Contains(c) ? features.IndexOf(c) : -1).ToArray();
            for (int i = 0; i < times.Length; i++)
            {
                if (!latest.TryGetValue(times[i], out var l))
                {
                    selected.Add(i);
                    changedValues += features.ColumnCount;
                    continue;
                }

                long changed = 0;
                var old = decoded[l.Group];
                for (int c = 0; c < union.Count; c++)
                {
                    int j = matrixColumn[c];
                    if (j >= 0 && (c >= stored.Count || !RecordKeys.Same(old[c][l.Index], features[j][i])))
                    {
                        changed++;
                    }
                }

                if (changed > 0)
                {
                    selected.Add(i);
                    changedValues += changed;
                }
            }

            if (selected.Count == 0 && !grows && !infoChanged)
            {
                return 0;
            }

            var rows = BuildRows(features, selected, latest, decoded, union, matrixColumn, stored.Count, now);
            var schema = new ParquetSchema(NewFixed().Concat(union.Select(c => (Field)new DataField<double>(c, false))));
            var unionFields = schema.DataFields;
            var existingGroups = file?.Groups ?? [];

            if (grows && file is not null)
            {
                // A feature the file does not have yet: Parquet row groups share one schema, so the file is rewritten
                // with the wider schema (old rows keep their values bit for bit and get NaN in the new columns).
                await AtomicFile.WriteAsync(Path, append: false, schema, async writer =>
                {
                    var all = new List<GroupInfo>();
                    for (int g = 0; g < existingGroups.Count; g++)
                    {
                        var (t, rev, amended, fetched) = await ReadAllKeysAsync(file, g, cancellationToken).ConfigureAwait(false);
                        var old = decoded.TryGetValue(g, out var d) ? d : await ReadColumnsAsync(file, g, storedFields, cancellationToken).ConfigureAwait(false);
                        var cols = new ReadOnlyMemory<double>[union.Count];
                        for (int c = 0; c < union.Count; c++)
                        {
                            cols[c] = c < stored.Count ? old[c] : NaNs(t.Length);
                        }

                        all.Add(await WriteGroupAsync(writer, unionFields, new NewRows(t, rev, amended, fetched, cols), 0, t.Length, cancellationToken).ConfigureAwait(false));
                    }

                    await AppendGroupsAsync(writer, unionFields, rows, all, cancellationToken).ConfigureAwait(false);
                    return Metadata(all, union, newInfo);
                }, _store.Options.FeatureCompression, _store.Options, cancellationToken).ConfigureAwait(false);
                return changedValues;
            }

            bool append = file is not null;
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
                file = null;
            }

            await AtomicFile.WriteAsync(Path, append, schema, async writer =>
            {
                var all = new List<GroupInfo>(existingGroups);
                await AppendGroupsAsync(writer, unionFields, rows, all, cancellationToken).ConfigureAwait(false);
                return Metadata(all, union, newInfo);
            }, _store.Options.FeatureCompression, _store.Options, cancellationToken).ConfigureAwait(false);
            return changedValues;
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static double[] NaNs(int n)
    {
        var a = new double[n];
        Array.Fill(a, double.NaN);
        return a;
    }

    private static NewRows BuildRows(FeatureMatrix features, List<int> selected, Dictionary<long, (int Group, int Index, int Revision)> latest,
        Dictionary<int, double[][]> decoded, List<string> union, int[] matrixColumn, int storedCount, long now)
    {
        int n = selected.Count;
        var time = new long[n];
        var revision = new int[n];
        var amended = new int?[n];
        var fetched = new long[n];
        Array.Fill(fetched, now);
        for (int k = 0; k < n; k++)
        {
            time[k] = features.Time[selected[k]];
            if (latest.TryGetValue(time[k], out var l))
            {
                revision[k] = l.Revision + 1;
                amended[k] = l.Revision;
            }
            else
            {
                revision[k] = 1;
            }
        }

        var columns = new ReadOnlyMemory<double>[union.Count];
        bool allRows = n == features.RowCount;
        for (int c = 0; c < union.Count; c++)
        {
            int j = matrixColumn[c];
            if (j >= 0 && allRows)
            {
                columns[c] = features.GetMemory(j); // every row is new or changed: the matrix's own column, not a copy
                continue;
            }

            var values = new double[n];
            for (int k = 0; k < n; k++)
            {
                int i = selected[k];
                if (j >= 0)
                {
                    values[k] = features[j][i];
                }
                else if (latest.TryGetValue(time[k], out var l) && c < storedCount)
                {
                    values[k] = decoded[l.Group][c][l.Index]; // a stored feature this write does not carry: unchanged
                }
                else
                {
                    values[k] = double.NaN;
                }
            }

            columns[c] = values;
        }

        return new NewRows(time, revision, amended, fetched, columns);
    }

    private async Task AppendGroupsAsync(ParquetWriter writer, IReadOnlyList<DataField> fields, NewRows rows, List<GroupInfo> all, CancellationToken cancellationToken)
    {
        int size = _store.Options.RowGroupSize;
        for (int at = 0; at < rows.Count; at += size)
        {
            all.Add(await WriteGroupAsync(writer, fields, rows, at, Math.Min(size, rows.Count - at), cancellationToken).ConfigureAwait(false));
        }
    }

    private static async Task<GroupInfo> WriteGroupAsync(ParquetWriter writer, IReadOnlyList<DataField> fields, NewRows rows, int at, int count, CancellationToken cancellationToken)
    {
        using (var group = writer.CreateRowGroup())
        {
            // fields: the write's schema, the fixed columns first, then one per entry of rows.Columns.
            await group.WriteAsync<long>(fields[0], rows.Time.AsMemory(at, count), cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<int>(fields[1], rows.Revision.AsMemory(at, count), cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<int>(fields[2], rows.Amended.AsMemory(at, count), cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<long>(fields[3], rows.Fetched.AsMemory(at, count), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (int c = 0; c < rows.Columns.Length; c++)
            {
                await group.WriteAsync<double>(fields[Fixed.Length + c], rows.Columns[c].Slice(at, count), cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            group.CompleteValidate();
        }

        var t = rows.Time.AsSpan(at, count);
        var f = rows.Fetched.AsSpan(at, count);
        long minT = long.MaxValue, maxT = long.MinValue, minF = long.MaxValue, maxF = long.MinValue;
        for (int i = 0; i < count; i++)
        {
            minT = Math.Min(minT, t[i]);
            maxT = Math.Max(maxT, t[i]);
            minF = Math.Min(minF, f[i]);
            maxF = Math.Max(maxF, f[i]);
        }

        return new GroupInfo(minT, maxT, count, minF, maxF, 0);
    }

    private async Task<(long[] Time, int[] Revision, long[] Fetched)> ReadKeysAsync(OpenedFile file, int g, CancellationToken cancellationToken)
    {
        _store.CountDecodedRowGroup();
        var group = file.Reader.RowGroups[g];
        int n = checked((int)group.RowCount);
        var time = new long[n];
        var revision = new int[n];
        var fetched = new long[n];
        await group.ReadAsync<long>(file.Fields[0], time, cancellationToken: cancellationToken).ConfigureAwait(false);
        await group.ReadAsync<int>(file.Fields[1], revision, cancellationToken: cancellationToken).ConfigureAwait(false);
        await group.ReadAsync<long>(file.Fields[3], fetched, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (time, revision, fetched);
    }

    private static async Task<(long[] Time, int[] Revision, int?[] Amended, long[] Fetched)> ReadAllKeysAsync(OpenedFile file, int g, CancellationToken cancellationToken)
    {
        var group = file.Reader.RowGroups[g];
        int n = checked((int)group.RowCount);
        var time = new long[n];
        var revision = new int[n];
        var amended = new int?[n];
        var fetched = new long[n];
        await group.ReadAsync<long>(file.Fields[0], time, cancellationToken: cancellationToken).ConfigureAwait(false);
        await group.ReadAsync<int>(file.Fields[1], revision, cancellationToken: cancellationToken).ConfigureAwait(false);
        await group.ReadAsync<int>(file.Fields[2], amended, cancellationToken: cancellationToken).ConfigureAwait(false);
        await group.ReadAsync<long>(file.Fields[3], fetched, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (time, revision, amended, fetched);
    }

    private static async Task<double[][]> ReadColumnsAsync(OpenedFile file, int g, IReadOnlyList<DataField> fields, CancellationToken cancellationToken)
    {
        var group = file.Reader.RowGroups[g];
        int n = checked((int)group.RowCount);
        var columns = new double[fields.Count][];
        for (int c = 0; c < fields.Count; c++)
        {
            columns[c] = new double[n];
            await group.ReadAsync<double>(fields[c], columns[c], cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return columns;
    }

    public async Task<FeatureMatrix> ReadAsync(TimeRange range, IReadOnlyList<string>? names, StoreReadOptions? options, CancellationToken cancellationToken)
    {
        if (names is not null && names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("The requested feature names repeat.", nameof(names));
        }

        var file = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            if (names is { Count: > 0 })
            {
                throw new ArgumentException($"No features are stored for {Symbol} {Timeframe}, so there is no '{names[0]}'.", nameof(names));
            }

            return FeatureMatrix.Create(Symbol, Timeframe, [], [], []);
        }

        await using (file.ConfigureAwait(false))
        {
            var storedFields = FeatureFields(file);
            var byName = storedFields.ToDictionary(f => f.Name, StringComparer.Ordinal);
            var requested = names ?? storedFields.Select(f => f.Name).ToList();
            var fields = requested.Select(n => byName.TryGetValue(n, out var f) ? f : throw new ArgumentException(
                $"No feature '{n}' is stored for {Symbol} {Timeframe} (stored: {string.Join(", ", byName.Keys.Take(20))}{(byName.Count > 20 ? ", …" : "")}).",
                nameof(names))).ToArray();

            long asOf = options?.AsOf ?? long.MaxValue;
            var groups = Enumerable.Range(0, file.Groups.Count)
                .Where(g => file.Groups[g].Overlaps(range) && file.Groups[g].MinFetchedAt <= asOf)
                .OrderBy(g => file.Groups[g].MinTime).ThenBy(g => g).ToList();
            var keys = new List<(long[] Time, int[] Revision, long[] Fetched)>(groups.Count);
            foreach (int g in groups)
            {
                keys.Add(await ReadKeysAsync(file, g, cancellationToken).ConfigureAwait(false));
            }

            return IsSimple(keys, range, asOf)
                ? await ReadSimpleAsync(file, groups, keys, range, fields, requested, cancellationToken).ConfigureAwait(false)
                : await ReadGeneralAsync(file, groups, keys, range, asOf, fields, requested, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the in-range rows of the groups, in order, are strictly increasing in time and all known at
    /// <paramref name="asOf"/>: then each time has one row and the result is their concatenation.</summary>
    private static bool IsSimple(List<(long[] Time, int[] Revision, long[] Fetched)> keys, TimeRange range, long asOf)
    {
        long last = long.MinValue;
        bool any = false;
        foreach (var (time, _, fetched) in keys)
        {
            for (int i = 0; i < time.Length; i++)
            {
                if (!range.Contains(time[i]))
                {
                    continue;
                }

                if (fetched[i] > asOf || (any && time[i] <= last))
                {
                    return false;
                }

                last = time[i];
                any = true;
            }
        }

        return true;
    }

    private async Task<FeatureMatrix> ReadSimpleAsync(OpenedFile file, List<int> groups, List<(long[] Time, int[] Revision, long[] Fetched)> keys,
        TimeRange range, DataField[] fields, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var slices = new List<(int Group, int From, int To, int At)>();
        int total = 0;
        for (int k = 0; k < groups.Count; k++)
        {
            var t = keys[k].Time;
            int from = LowerBound(t, range.From);
            int to = LowerBound(t, range.To);
            if (to > from)
            {
                slices.Add((groups[k], from, to, total));
                total += to - from;
            }
        }

        var time = new long[total];
        var columns = new double[fields.Length][];
        for (int c = 0; c < fields.Length; c++)
        {
            columns[c] = new double[total];
        }

        foreach (var (g, from, to, at) in slices)
        {
            Array.Copy(keys[groups.IndexOf(g)].Time, from, time, at, to - from);
        }

        // Row groups are decoded in parallel (each worker its own reader of the same open file), each into its own
        // slice of the result columns.
        int workers = Math.Clamp(Environment.ProcessorCount, 1, Math.Max(1, slices.Count));
        workers = Math.Min(workers, 8);
        var tasks = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            tasks[w] = Task.Run(async () =>
            {
                var reader = worker == 0 ? file.Reader : await file.OpenSiblingAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    double[]? buffer = null;
                    for (int k = worker; k < slices.Count; k += workers)
                    {
                        var (g, from, to, at) = slices[k];
                        var group = reader.RowGroups[g];
                        int n = checked((int)group.RowCount);
                        bool whole = from == 0 && to == n;
                        var groupFields = reader.Schema.DataFields;
                        for (int c = 0; c < fields.Length; c++)
                        {
                            var field = worker == 0 ? fields[c] : groupFields.First(f => f.Name == fields[c].Name);
                            if (whole)
                            {
                                await group.ReadAsync<double>(field, columns[c].AsMemory(at, n), cancellationToken: cancellationToken).ConfigureAwait(false);
                            }
                            else
                            {
                                if (buffer is null || buffer.Length < n)
                                {
                                    buffer = new double[n];
                                }

                                await group.ReadAsync<double>(field, buffer.AsMemory(0, n), cancellationToken: cancellationToken).ConfigureAwait(false);
                                Array.Copy(buffer, from, columns[c], at, to - from);
                            }
                        }
                    }
                }
                finally
                {
                    if (worker != 0)
                    {
                        await reader.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }, cancellationToken);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        return FeatureMatrix.Create(Symbol, Timeframe, time, names, columns);
    }

    /// <summary>Index of the first element ≥ <paramref name="value"/> in a sorted array.</summary>
    private static int LowerBound(long[] sorted, long value)
    {
        int i = Array.BinarySearch(sorted, value);
        if (i < 0)
        {
            return ~i;
        }

        while (i > 0 && sorted[i - 1] == value)
        {
            i--;
        }

        return i;
    }

    private async Task<FeatureMatrix> ReadGeneralAsync(OpenedFile file, List<int> groups, List<(long[] Time, int[] Revision, long[] Fetched)> keys,
        TimeRange range, long asOf, DataField[] fields, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var best = new Dictionary<long, (int K, int Index, int Revision)>();
        for (int k = 0; k < keys.Count; k++)
        {
            var (t, rev, fetched) = keys[k];
            for (int i = 0; i < t.Length; i++)
            {
                if (range.Contains(t[i]) && fetched[i] <= asOf && (!best.TryGetValue(t[i], out var b) || rev[i] > b.Revision))
                {
                    best[t[i]] = (k, i, rev[i]);
                }
            }
        }

        long[] time = [.. best.Keys.Order()];
        var columns = new double[fields.Length][];
        for (int c = 0; c < fields.Length; c++)
        {
            columns[c] = new double[time.Length];
        }

        // For each group, the output rows it supplies.
        var perGroup = new List<(int Row, int Index)>[keys.Count];
        for (int r = 0; r < time.Length; r++)
        {
            var b = best[time[r]];
            (perGroup[b.K] ??= []).Add((r, b.Index));
        }

        for (int k = 0; k < keys.Count; k++)
        {
            if (perGroup[k] is not { } rows)
            {
                continue;
            }

            var group = file.Reader.RowGroups[groups[k]];
            var buffer = new double[checked((int)group.RowCount)];
            for (int c = 0; c < fields.Length; c++)
            {
                await group.ReadAsync<double>(fields[c], buffer, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var (row, index) in rows)
                {
                    columns[c][row] = buffer[index];
                }
            }
        }

        return FeatureMatrix.Create(Symbol, Timeframe, time, names, columns);
    }
}
