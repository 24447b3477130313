using Parquet;

namespace QuantFeatures.Storage.Parquet;

/// <summary>Options of a <see cref="ParquetMarketStore"/>.</summary>
public sealed record ParquetStoreOptions
{
    /// <summary>The clock of every write's <see cref="RecordRevision.FetchedAt"/> (default: <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The most rows a row group holds (default 131,072). A write of n new rows adds ⌈n / RowGroupSize⌉ row
    /// groups; a range read decodes only the row groups whose time bounds overlap the range.</summary>
    public int RowGroupSize { get; init; } = 131_072;

    /// <summary>The compression of bar and sparse-record files (default Snappy).</summary>
    public CompressionMethod Compression { get; init; } = CompressionMethod.Snappy;

    /// <summary>The compression of feature files (default none: feature values are mostly incompressible doubles, and
    /// uncompressed columns are the fastest to write and read).</summary>
    public CompressionMethod FeatureCompression { get; init; } = CompressionMethod.None;

    /// <summary>Whether a write flushes the new file to the disk before renaming it over the old one (default true):
    /// without it an atomic rename survives a crash of the process but not necessarily of the machine.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>How long a writer waits for another writer of the same file, in this or another process (default 2 min).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Fault injection for tests (not public API).</summary>
    internal StoreHooks? Hooks { get; init; }
}

/// <summary>Test hooks: wrap the temporary file's stream (to fail mid-write), or run just before the rename.</summary>
internal sealed class StoreHooks
{
    public Func<Stream, Stream>? WrapTempStream { get; init; }

    public Action<string>? BeforeRename { get; init; }
}
