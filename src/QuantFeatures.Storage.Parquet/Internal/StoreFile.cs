using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Parquet.Internal;

/// <summary>What the store keeps about one row group in the file's key-value metadata: enough to skip it without
/// reading it (time and fetched_at bounds) and to know the optional kline columns without decoding.</summary>
internal readonly record struct GroupInfo(long MinTime, long MaxTime, long Rows, long MinFetchedAt, long MaxFetchedAt, int Flags)
{
    public bool Overlaps(TimeRange range) => MaxTime >= range.From && MinTime < range.To;

    /// <summary>Whether any of the sorted <paramref name="sortedTimes"/> lies in [MinTime, MaxTime].</summary>
    public bool ContainsAny(long[] sortedTimes)
    {
        int i = Array.BinarySearch(sortedTimes, MinTime);
        if (i < 0)
        {
            i = ~i;
        }

        return i < sortedTimes.Length && sortedTimes[i] <= MaxTime;
    }
}

/// <summary>The metadata keys of the store's files, and their encoding.</summary>
internal static class StoreMetadata
{
    public const string Format = "quantfeatures.format";
    public const string FormatVersion = "1";
    public const string Kind = "quantfeatures.kind";
    public const string Symbol = "quantfeatures.symbol";
    public const string Timeframe = "quantfeatures.timeframe";
    public const string RowGroups = "quantfeatures.row_groups";
    public const string CatalogVersion = "quantfeatures.catalog_version";
    public const string Definitions = "quantfeatures.definitions";

    public static string EncodeGroups(IEnumerable<GroupInfo> groups)
    {
        var sb = new StringBuilder();
        foreach (var g in groups)
        {
            if (sb.Length > 0)
            {
                sb.Append(';');
            }

            sb.Append(CultureInfo.InvariantCulture, $"{g.MinTime},{g.MaxTime},{g.Rows},{g.MinFetchedAt},{g.MaxFetchedAt},{g.Flags}");
        }

        return sb.ToString();
    }

    public static List<GroupInfo> DecodeGroups(string text, string path)
    {
        var list = new List<GroupInfo>();
        if (text.Length == 0)
        {
            return list;
        }

        foreach (var part in text.Split(';'))
        {
            var f = part.Split(',');
            if (f.Length != 6 || !long.TryParse(f[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long min)
                || !long.TryParse(f[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long max)
                || !long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out long rows)
                || !long.TryParse(f[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long minF)
                || !long.TryParse(f[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long maxF)
                || !int.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out int flags))
            {
                throw new InvalidDataException($"{path}: the metadata '{RowGroups}' entry '{part}' is malformed (expected min,max,rows,min_fetched,max_fetched,flags).");
            }

            list.Add(new GroupInfo(min, max, rows, minF, maxF, flags));
        }

        return list;
    }
}

/// <summary>A store file opened for reading: the Parquet reader, its metadata and the per-row-group bounds.</summary>
internal sealed class OpenedFile : IAsyncDisposable
{
    private readonly FileStream _stream;

    private OpenedFile(string path, FileStream stream, ParquetReader reader, IReadOnlyDictionary<string, string> meta, List<GroupInfo> groups)
    {
        Path = path;
        _stream = stream;
        Reader = reader;
        Meta = meta;
        Groups = groups;
    }

    public string Path { get; }

    public ParquetReader Reader { get; }

    public IReadOnlyDictionary<string, string> Meta { get; }

    public List<GroupInfo> Groups { get; }

    public IReadOnlyList<DataField> Fields => Reader.Schema.DataFields;

    /// <summary>Another reader of the same open file (the same version even if a writer has renamed a new one over
    /// the path since), with its own position: for decoding row groups in parallel.</summary>
    public async Task<ParquetReader> OpenSiblingAsync(CancellationToken cancellationToken) =>
        await ParquetReader.CreateAsync(new HandleStream(_stream.SafeFileHandle, _stream.Length), leaveStreamOpen: false, cancellationToken: cancellationToken)
            .ConfigureAwait(false);

    /// <summary>Opens a store file of <paramref name="kind"/>; null when it does not exist.</summary>
    /// <exception cref="InvalidDataException">Not a Parquet file, or not one of this store's files of that kind.</exception>
    public static async Task<OpenedFile?> OpenAsync(string path, string kind, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ParquetException or InvalidDataException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new InvalidDataException($"{path} is not a readable Parquet file ({e.Message}); the store will not overwrite it. Move it away or restore it.", e);
        }

        try
        {
            var meta = reader.CustomMetadata;
            string Need(string key) => meta.TryGetValue(key, out var v) ? v : throw new InvalidDataException(
                $"{path} is a Parquet file but not one of this store's files (its key-value metadata has no '{key}'); the store will not read or overwrite it.");
            if (Need(StoreMetadata.Format) != StoreMetadata.FormatVersion)
            {
                throw new InvalidDataException($"{path} has store format '{meta[StoreMetadata.Format]}'; this version reads format {StoreMetadata.FormatVersion}.");
            }

            if (Need(StoreMetadata.Kind) != kind)
            {
                throw new InvalidDataException($"{path} holds '{meta[StoreMetadata.Kind]}' records, not '{kind}'.");
            }

            var groups = StoreMetadata.DecodeGroups(Need(StoreMetadata.RowGroups), path);
            if (groups.Count != reader.RowGroupCount)
            {
                throw new InvalidDataException($"{path}: the metadata describes {groups.Count} row groups but the file has {reader.RowGroupCount}.");
            }

            for (int g = 0; g < groups.Count; g++)
            {
                if (reader.RowGroups[g].RowCount != groups[g].Rows)
                {
                    throw new InvalidDataException($"{path}: row group {g} has {reader.RowGroups[g].RowCount} rows but the metadata says {groups[g].Rows}.");
                }
            }

            return new OpenedFile(path, stream, reader, meta, groups);
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Checks that the file's leading columns are exactly <paramref name="expected"/> (name, type, nullability).</summary>
    public void CheckFields(IReadOnlyList<DataField> expected, bool allowMore = false)
    {
        var actual = Fields;
        bool ok = allowMore ? actual.Count >= expected.Count : actual.Count == expected.Count;
        for (int i = 0; ok && i < expected.Count; i++)
        {
            ok = actual[i].Name == expected[i].Name && actual[i].ClrType == expected[i].ClrType && actual[i].IsNullable == expected[i].IsNullable;
        }

        if (!ok)
        {
            throw new InvalidDataException(
                $"{Path} has the columns ({Describe(actual)}) but a '{Meta[StoreMetadata.Kind]}' file of this store has ({Describe(expected)}{(allowMore ? ", …" : "")}).");
        }
    }

    private static string Describe(IEnumerable<DataField> fields) =>
        string.Join(", ", fields.Select(f => $"{f.Name}: {f.ClrType.Name}{(f.IsNullable ? "?" : "")}"));

    public async ValueTask DisposeAsync()
    {
        await Reader.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// Atomic replacement of a store file: the new content is written to a temporary file beside it (for an append, a
/// byte copy of the existing file, whose row groups are kept as they are, followed by the new row groups and a new
/// footer), flushed, and renamed over the old one. A crash at any point before the rename leaves the old file as it
/// was; the rename itself is atomic on POSIX file systems and NTFS.
/// </summary>
internal static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static async Task WriteAsync(string path, bool append, ParquetSchema schema,
        Func<ParquetWriter, Task<IReadOnlyDictionary<string, string>>> writeGroups, CompressionMethod compression, ParquetStoreOptions options, CancellationToken cancellationToken)
    {
        string dir = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        RemoveStaleTemps(path);
        string temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                // A durable write starts the disk's write-back as it goes (see WritebackStream); the fsync below
                // still decides durability.
                Stream target = options.Durable ? new WritebackStream(file) : file;
                Stream stream = options.Hooks?.WrapTempStream?.Invoke(target) ?? target;
                if (append)
                {
                    var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    await using (source.ConfigureAwait(false))
                    {
                        await source.CopyToAsync(stream, 1 << 20, cancellationToken).ConfigureAwait(false);
                    }
                }

                var parquetOptions = new ParquetOptions { CompressionMethod = compression };
                var writer = await ParquetWriter.CreateAsync(schema, stream, parquetOptions, append, cancellationToken).ConfigureAwait(false);
                await using (writer.ConfigureAwait(false))
                {
                    writer.CustomMetadata = await writeGroups(writer).ConfigureAwait(false);
                }

                // An append whose new footer is shorter than the old one (a metadata-only change) must not leave the
                // old footer's tail behind.
                stream.SetLength(stream.Position);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (options.Durable)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            options.Hooks?.BeforeRename?.Invoke(temp);
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Temporary files of <paramref name="path"/> left by a crashed writer (the caller holds the file's lock,
    /// so no live writer owns them).</summary>
    public static void RemoveStaleTemps(string path)
    {
        string dir = System.IO.Path.GetDirectoryName(path)!;
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (var stale in Directory.EnumerateFiles(dir, System.IO.Path.GetFileName(path) + ".*" + TempSuffix))
        {
            TryDelete(stale);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // left for the next writer's clean-up
        }
        catch (UnauthorizedAccessException)
        {
            // left for the next writer's clean-up
        }
    }
}

/// <summary>
/// One writer per store file at a time: a semaphore per path within the process, and an exclusive lock on
/// <c>{file}.lock</c> (FileShare.None, an advisory flock on Unix) across processes.
/// </summary>
internal static class FileLocks
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Local = new(StringComparer.Ordinal);

    public static async Task<IAsyncDisposable> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string full = System.IO.Path.GetFullPath(path);
        var gate = Local.GetOrAdd(full, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException($"Timed out after {timeout} waiting for another writer of {full} in this process.");
        }

        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            string lockPath = full + ".lock";
            var started = DateTime.UtcNow;
            while (true)
            {
                try
                {
                    var handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Held(gate, handle);
                }
                catch (IOException) when (DateTime.UtcNow - started < timeout)
                {
                    await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    throw new TimeoutException($"Timed out after {timeout} waiting for the lock {lockPath} (held by another process).", e);
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private sealed class Held(SemaphoreSlim gate, FileStream handle) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await handle.DisposeAsync().ConfigureAwait(false);
            gate.Release();
        }
    }
}
