using System.Runtime.CompilerServices;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Parquet.Internal;

/// <summary>Reads and writes one record file (<c>{symbol}/{timeframe}.parquet</c> or <c>{symbol}/{kind}.parquet</c>).</summary>
internal sealed class RecordFile<T>
    where T : struct, IMarketRecord
{
    private readonly RecordColumns<T> _columns = RecordColumns<T>.Instance;
    private readonly ParquetMarketStore _store;

    public RecordFile(ParquetMarketStore store, string symbol, string path, Timeframe? timeframe)
    {
        _store = store;
        Symbol = symbol;
        Path = path;
        Timeframe = timeframe;
    }

    public string Symbol { get; }

    public string Path { get; }

    public Timeframe? Timeframe { get; }

    private string Kind => _columns.Layout.KindName;

    /// <summary>Opens and validates the file (null: not stored yet).</summary>
    public async Task<OpenedFile?> OpenAsync(CancellationToken cancellationToken)
    {
        var file = await OpenedFile.OpenAsync(Path, Kind, cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return null;
        }

        try
        {
            file.CheckFields(_columns.Fields);
            if (!file.Meta.TryGetValue(StoreMetadata.Symbol, out var symbol) || symbol != Symbol)
            {
                throw new InvalidDataException($"{Path} holds symbol '{symbol}', not '{Symbol}' (a file copied from another symbol's folder?).");
            }

            if (Timeframe is { } tf && (!file.Meta.TryGetValue(StoreMetadata.Timeframe, out var t) || t != tf.ToString()))
            {
                throw new InvalidDataException($"{Path} holds {t} bars, not {tf}.");
            }

            return file;
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The stored row count (all revisions), from the metadata alone.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var file = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return 0;
        }

        await using (file.ConfigureAwait(false))
        {
            return file.Groups.Sum(g => g.Rows);
        }
    }

    /// <summary>The union of the optional-column flags of the row groups known at <paramref name="asOf"/>.</summary>
    public async Task<int> OptionalFlagsAsync(long asOf, CancellationToken cancellationToken)
    {
        var file = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return 0;
        }

        await using (file.ConfigureAwait(false))
        {
            return file.Groups.Where(g => g.MinFetchedAt <= asOf).Aggregate(0, (f, g) => f | g.Flags);
        }
    }

    /// <summary>Writes one batch under the file's lock: plans revisions against the stored rows of the batch's keys
    /// (decoding only the row groups whose time bounds contain a batch time), then appends the new rows atomically.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<T> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var layout = _columns.Layout;
        foreach (var r in records)
        {
            _ = layout.Tag(r); // rejects an undefined enum value before anything is locked or written
        }

        if (records.Count == 0)
        {
            return 0;
        }

        // Keys strictly increasing in batch order (an ingest in time order): the batch has no duplicate, so it is
        // its own de-duplication and already in file order. Otherwise de-duplicate and sort by key.
        var batchKeys = new RecordKey[records.Count];
        bool ordered = true;
        for (int i = 0; i < batchKeys.Length; i++)
        {
            batchKeys[i] = RecordKeys.Of(records[i]);
            ordered &= i == 0 || CompareKeys(batchKeys[i - 1], batchKeys[i]) < 0;
        }

        IReadOnlyList<T> batch = records;
        if (!ordered)
        {
            var unique = RevisionPlanner.Deduplicate(records);
            var keys = unique.Select(r => RecordKeys.Of(r)).ToArray();
            var sorted = unique.ToArray();
            Array.Sort(keys, sorted, Comparer<RecordKey>.Create(CompareKeys));
            batch = sorted;
            batchKeys = keys;
        }

        long[] times = Distinct(batchKeys);

        await using var held = (await FileLocks.AcquireAsync(Path, _store.Options.LockTimeout, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var latest = new Dictionary<RecordKey, (T Record, int Revision)>();
        List<GroupInfo> groups = [];
        bool exists = false;
        var file = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (file is not null)
        {
            await using (file.ConfigureAwait(false))
            {
                exists = true;
                groups = file.Groups;
                for (int g = 0; g < groups.Count; g++)
                {
                    if (!groups[g].ContainsAny(times))
                    {
                        continue;
                    }

                    foreach (var row in await DecodeAsync(file, g, cancellationToken).ConfigureAwait(false))
                    {
                        var key = RecordKeys.Of(row.Record);
                        if (Array.BinarySearch(batchKeys, key, Comparer<RecordKey>.Create(CompareKeys)) >= 0
                            && (!latest.TryGetValue(key, out var cur) || row.Revision.Revision > cur.Revision))
                        {
                            latest[key] = (row.Record, row.Revision.Revision);
                        }
                    }
                }
            }
        }

        // The revision rule (RevisionPlanner.Plan) decides for the keys already stored; a key not stored is
        // revision 1 — what Plan gives it — without a lookup per record of a large ingest.
        long now = _store.Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var planned = new Dictionary<RecordKey, StoredRecord<T>>();
        if (latest.Count > 0)
        {
            var stored = batch.Where((_, i) => latest.ContainsKey(batchKeys[i])).ToList();
            foreach (var row in RevisionPlanner.Plan<T>(stored, key => latest.TryGetValue(key, out var s) ? s : null, now))
            {
                planned[RecordKeys.Of(row.Record)] = row;
            }
        }

        var rowList = new List<StoredRecord<T>>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            if (!latest.ContainsKey(batchKeys[i]))
            {
                rowList.Add(new StoredRecord<T>(batch[i], new RecordRevision(1, null, now)));
            }
            else if (planned.TryGetValue(batchKeys[i], out var row))
            {
                rowList.Add(row);
            }
        }

        if (rowList.Count == 0)
        {
            return 0;
        }

        var rows = rowList.ToArray(); // in key order
        await AtomicFile.WriteAsync(Path, exists, _columns.Schema, async writer =>
        {
            var all = new List<GroupInfo>(groups);
            int size = _store.Options.RowGroupSize;
            for (int at = 0; at < rows.Length; at += size)
            {
                all.Add(await _columns.WriteGroupAsync(writer, rows.AsMemory(at, Math.Min(size, rows.Length - at)), cancellationToken).ConfigureAwait(false));
            }

            return Metadata(all);
        }, _store.Options.Compression, _store.Options, cancellationToken).ConfigureAwait(false);
        return rows.Length;
    }

    /// <summary>The distinct times of keys sorted by key (so by time).</summary>
    private static long[] Distinct(RecordKey[] sortedKeys)
    {
        var times = new List<long>(sortedKeys.Length);
        foreach (var k in sortedKeys)
        {
            if (times.Count == 0 || times[^1] != k.Time)
            {
                times.Add(k.Time);
            }
        }

        return [.. times];
    }

    private Dictionary<string, string> Metadata(IEnumerable<GroupInfo> groups)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [StoreMetadata.Format] = StoreMetadata.FormatVersion,
            [StoreMetadata.Kind] = Kind,
            [StoreMetadata.Symbol] = Symbol,
            [StoreMetadata.RowGroups] = StoreMetadata.EncodeGroups(groups),
        };
        if (Timeframe is { } tf)
        {
            meta[StoreMetadata.Timeframe] = tf.ToString();
        }

        return meta;
    }

    /// <summary>The records in <paramref name="range"/> as a read with <paramref name="options"/> sees them: one per
    /// key, in key (time) order. Row groups are processed in clusters of overlapping time bounds, so memory is one
    /// cluster (one row group for a file that was only appended to in time order).</summary>
    public async IAsyncEnumerable<T> ReadVisibleAsync(TimeRange range, StoreReadOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long asOf = options?.AsOf ?? long.MaxValue;
        await foreach (var cluster in ClustersAsync(range, asOf, cancellationToken).ConfigureAwait(false))
        {
            if (IsSimple(cluster, asOf))
            {
                foreach (var r in cluster)
                {
                    yield return r.Record;
                }

                continue;
            }

            SortByKeyThenRevision(cluster);
            for (int i = 0; i < cluster.Count;)
            {
                var key = RecordKeys.Of(cluster[i].Record);
                int end = i + 1;
                while (end < cluster.Count && RecordKeys.Of(cluster[end].Record) == key)
                {
                    end++;
                }

                var visible = RevisionPlanner.Visible(cluster.Skip(i).Take(end - i), options);
                if (visible is { } v)
                {
                    yield return v.Record;
                }

                i = end;
            }
        }
    }

    /// <summary>Every stored revision in <paramref name="range"/>, ordered by key then revision.</summary>
    public async IAsyncEnumerable<StoredRecord<T>> ReadRevisionsAsync(TimeRange range, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var cluster in ClustersAsync(range, long.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            SortByKeyThenRevision(cluster);
            foreach (var r in cluster)
            {
                yield return r;
            }
        }
    }

    private async IAsyncEnumerable<List<StoredRecord<T>>> ClustersAsync(TimeRange range, long asOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var file = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            yield break;
        }

        await using (file.ConfigureAwait(false))
        {
            var selected = Enumerable.Range(0, file.Groups.Count)
                .Where(g => file.Groups[g].Overlaps(range) && file.Groups[g].MinFetchedAt <= asOf)
                .OrderBy(g => file.Groups[g].MinTime).ThenBy(g => g)
                .ToList();
            for (int i = 0; i < selected.Count;)
            {
                long max = file.Groups[selected[i]].MaxTime;
                int end = i + 1;
                while (end < selected.Count && file.Groups[selected[end]].MinTime <= max)
                {
                    max = Math.Max(max, file.Groups[selected[end]].MaxTime);
                    end++;
                }

                var rows = new List<StoredRecord<T>>();
                for (int k = i; k < end; k++)
                {
                    foreach (var r in await DecodeAsync(file, selected[k], cancellationToken).ConfigureAwait(false))
                    {
                        if (range.Contains(r.Record.Time))
                        {
                            rows.Add(r);
                        }
                    }
                }

                yield return rows;
                i = end;
            }
        }
    }

    private async Task<StoredRecord<T>[]> DecodeAsync(OpenedFile file, int group, CancellationToken cancellationToken)
    {
        _store.CountDecodedRowGroup();
        return await _columns.ReadGroupAsync(file, group, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the rows are already what a read returns: keys strictly increasing (so one row per key), every
    /// row known at <paramref name="asOf"/>.</summary>
    private static bool IsSimple(List<StoredRecord<T>> rows, long asOf)
    {
        RecordKey previous = default;
        for (int i = 0; i < rows.Count; i++)
        {
            var key = RecordKeys.Of(rows[i].Record);
            if (rows[i].Revision.FetchedAt > asOf || (i > 0 && CompareKeys(previous, key) >= 0))
            {
                return false;
            }

            previous = key;
        }

        return true;
    }

    private static int CompareKeys(RecordKey a, RecordKey b)
    {
        int c = a.Time.CompareTo(b.Time);
        if (c == 0)
        {
            c = a.Tag.CompareTo(b.Tag);
        }

        if (c == 0)
        {
            c = a.A.CompareTo(b.A);
        }

        return c != 0 ? c : a.B.CompareTo(b.B);
    }

    /// <summary>Sorts rows by key, then revision (keys computed once per row).</summary>
    private static void SortByKeyThenRevision(List<StoredRecord<T>> rows)
    {
        var keys = rows.Select(r => (Key: RecordKeys.Of(r.Record), r.Revision.Revision)).ToArray();
        var items = rows.ToArray();
        Array.Sort(keys, items, Comparer<(RecordKey Key, int Revision)>.Create((a, b) =>
        {
            int c = CompareKeys(a.Key, b.Key);
            return c != 0 ? c : a.Revision.CompareTo(b.Revision);
        }));
        rows.Clear();
        rows.AddRange(items);
    }
}
