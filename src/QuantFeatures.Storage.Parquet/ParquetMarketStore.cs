using QuantFeatures.Data;
using QuantFeatures.Storage.Parquet.Internal;

namespace QuantFeatures.Storage.Parquet;

/// <summary>
/// A market data and feature store in a directory of Parquet files, one folder per symbol:
/// <c>{root}/{symbol}/{timeframe}.parquet</c> (bars), <c>{root}/{symbol}/{kind}.parquet</c> (funding,
/// open_interest, positioning, liquidations, reference_prices) and <c>{root}/{symbol}/{timeframe}.features.parquet</c>.
/// Every file has the record's columns plus <c>revision</c>, <c>amended_from</c> and <c>fetched_at</c>, and keeps the
/// time bounds of each row group in its key-value metadata, so a range read decodes only the row groups it overlaps.
/// A write appends new row groups to a copy of the file and renames it over the old one (atomic, never rewriting
/// stored values); writers of one file are serialized within the process and across processes (a lock file).
/// </summary>
/// <remarks>See docs/storage.md, section Parquet, for the layout and the measured costs.</remarks>
public sealed class ParquetMarketStore : IMarketDataStore, IFeatureStore
{
    /// <summary>The name of the file that marks a directory as a store of this format (written by <see cref="MigrateAsync"/>).</summary>
    public const string MarkerFileName = "quantfeatures-store.txt";

    private const string MarkerContent = "quantfeatures parquet store, format 1\n";

    private long _rowGroupsDecoded;

    /// <summary>Opens (without touching the disk) the store rooted at <paramref name="root"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="root"/> is empty, or an option is out of range.</exception>
    public ParquetMarketStore(string root, ParquetStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Options = options ?? new ParquetStoreOptions();
        ArgumentNullException.ThrowIfNull(Options.TimeProvider, nameof(options));
        if (Options.RowGroupSize < 1)
        {
            throw new ArgumentException($"RowGroupSize must be at least 1 (got {Options.RowGroupSize}).", nameof(options));
        }

        if (Options.LockTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"LockTimeout must not be negative (got {Options.LockTimeout}).", nameof(options));
        }

        Root = Path.GetFullPath(root);
    }

    /// <summary>The store's root directory (full path).</summary>
    public string Root { get; }

    /// <summary>The store's options.</summary>
    public ParquetStoreOptions Options { get; }

    /// <summary>The number of row groups decoded so far by this instance (tests: proof that range reads skip).</summary>
    internal long RowGroupsDecoded => Interlocked.Read(ref _rowGroupsDecoded);

    internal void CountDecodedRowGroup() => Interlocked.Increment(ref _rowGroupsDecoded);

    /// <summary>The file of the bars of <paramref name="symbol"/> at <paramref name="timeframe"/>.</summary>
    /// <exception cref="ArgumentException">An invalid symbol.</exception>
    public string KlinePath(string symbol, Timeframe timeframe) => Path.Combine(SymbolDirectory(symbol), $"{timeframe}.parquet");

    /// <summary>The file of one sparse kind of <paramref name="symbol"/>.</summary>
    /// <exception cref="ArgumentException">An invalid symbol, or <see cref="RecordKind.Kline"/> (see <see cref="KlinePath"/>).</exception>
    public string RecordPath(RecordKind kind, string symbol) => kind == RecordKind.Kline
        ? throw new ArgumentException("Bars are kept per timeframe: use KlinePath.", nameof(kind))
        : Path.Combine(SymbolDirectory(symbol), $"{KindNames.Of(kind)}.parquet");

    /// <summary>The feature file of <paramref name="symbol"/> at <paramref name="timeframe"/>.</summary>
    /// <exception cref="ArgumentException">An invalid symbol.</exception>
    public string FeaturePath(string symbol, Timeframe timeframe) => Path.Combine(SymbolDirectory(symbol), $"{timeframe}.features.parquet");

    private string SymbolDirectory(string symbol) => Path.Combine(Root, StoreIdentifiers.ValidateSymbol(symbol));

    private RecordFile<T> File<T>(string symbol, Timeframe? timeframe)
        where T : struct, IMarketRecord
    {
        var kind = RecordKeys.KindOf<T>();
        if (kind == RecordKind.Kline)
        {
            var tf = timeframe ?? throw new ArgumentException("A timeframe is required for bars.", nameof(timeframe));
            return new RecordFile<T>(this, symbol, KlinePath(symbol, tf), tf);
        }

        return new RecordFile<T>(this, symbol, RecordPath(kind, symbol), null);
    }

    /// <inheritdoc/>
    /// <remarks>Creates the root directory and its format marker; a directory marked with another format is an
    /// <see cref="InvalidDataException"/>. Idempotent and safe to call concurrently.</remarks>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Root);
        string marker = Path.Combine(Root, MarkerFileName);
        if (!System.IO.File.Exists(marker))
        {
            string temp = $"{marker}.{Guid.NewGuid():N}.tmp";
            await System.IO.File.WriteAllTextAsync(temp, MarkerContent, cancellationToken).ConfigureAwait(false);
            try
            {
                System.IO.File.Move(temp, marker, overwrite: false);
            }
            catch (IOException) when (System.IO.File.Exists(marker))
            {
                // another process marked it first
            }
            finally
            {
                System.IO.File.Delete(temp);
            }
        }

        string content = await System.IO.File.ReadAllTextAsync(marker, cancellationToken).ConfigureAwait(false);
        if (content != MarkerContent)
        {
            throw new InvalidDataException($"{marker} says '{content.Trim()}', not '{MarkerContent.Trim()}': this directory is not a store this version can use.");
        }
    }

    /// <inheritdoc/>
    public IMarketDataSink<Kline> KlineSink(Timeframe timeframe) => new KlineSinkImpl(this, timeframe);

    /// <inheritdoc/>
    public IMarketDataSink<T> Sink<T>()
        where T : struct, IMarketRecord =>
        RecordKeys.KindOf<T>() == RecordKind.Kline
            ? throw new NotSupportedException("Bars are written per timeframe: use KlineSink(timeframe).")
            : new SinkImpl<T>(this);

    /// <inheritdoc/>
    public async Task<IKlineSource> OpenKlinesAsync(string symbol, Timeframe timeframe, StoreReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var file = File<Kline>(symbol, timeframe);
        int flags = await file.OptionalFlagsAsync(options?.AsOf ?? long.MaxValue, cancellationToken).ConfigureAwait(false);
        var optional = KlineLayout.Optional.Where((_, i) => (flags & (1 << i)) != 0).ToArray();
        return new KlineSourceImpl(this, timeframe, options, optional);
    }

    /// <inheritdoc/>
    public IMarketDataSource<T> Source<T>(StoreReadOptions? options = null)
        where T : struct, IMarketRecord =>
        RecordKeys.KindOf<T>() == RecordKind.Kline
            ? throw new NotSupportedException("Bars are read per timeframe: use OpenKlinesAsync(symbol, timeframe).")
            : new SourceImpl<T>(this, options);

    /// <inheritdoc/>
    public IAsyncEnumerable<StoredRecord<T>> ReadRevisionsAsync<T>(string symbol, TimeRange range, Timeframe? timeframe = null, CancellationToken cancellationToken = default)
        where T : struct, IMarketRecord =>
        File<T>(symbol, timeframe).ReadRevisionsAsync(range, cancellationToken);

    /// <inheritdoc/>
    public Task<long> CountAsync(RecordKind kind, string symbol, Timeframe? timeframe = null, CancellationToken cancellationToken = default) => kind switch
    {
        RecordKind.Kline => File<Kline>(symbol, timeframe).CountAsync(cancellationToken),
        RecordKind.Funding => File<FundingSettlement>(symbol, null).CountAsync(cancellationToken),
        RecordKind.OpenInterest => File<OpenInterestSnapshot>(symbol, null).CountAsync(cancellationToken),
        RecordKind.Positioning => File<PositioningSnapshot>(symbol, null).CountAsync(cancellationToken),
        RecordKind.Liquidation => File<LiquidationEvent>(symbol, null).CountAsync(cancellationToken),
        RecordKind.ReferencePrice => File<ReferencePrice>(symbol, null).CountAsync(cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown record kind."),
    };

    /// <inheritdoc/>
    /// <remarks>New bar times become rows of revision 1 (appended as new row groups); a time whose values changed gets
    /// a row of revision n + 1 carrying the whole feature vector. A feature not yet in the file widens its schema,
    /// which rewrites the file once (old values kept bit for bit, NaN in the new column for the old rows).</remarks>
    /// <exception cref="ArgumentException">An invalid symbol or a feature name that cannot be a column.</exception>
    public Task<long> WriteFeaturesAsync(FeatureMatrix features, FeatureSetInfo? info = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        var file = new FeatureFile(this, features.Symbol, features.Timeframe, FeaturePath(features.Symbol, features.Timeframe));
        return file.WriteAsync(features, info ?? FeatureSetInfo.For(features), cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">An invalid symbol, a repeated name, or a name that is not stored.</exception>
    public Task<FeatureMatrix> ReadFeaturesAsync(string symbol, Timeframe timeframe, TimeRange range, IReadOnlyList<string>? names = null,
        StoreReadOptions? options = null, CancellationToken cancellationToken = default) =>
        new FeatureFile(this, symbol, timeframe, FeaturePath(symbol, timeframe)).ReadAsync(range, names, options, cancellationToken);

    /// <inheritdoc/>
    public Task<FeatureSetInfo?> ReadFeatureInfoAsync(string symbol, Timeframe timeframe, CancellationToken cancellationToken = default) =>
        new FeatureFile(this, symbol, timeframe, FeaturePath(symbol, timeframe)).ReadInfoAsync(cancellationToken);

    /// <summary>Nothing to release: files are opened per call.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class KlineSinkImpl(ParquetMarketStore store, Timeframe timeframe) : IMarketDataSink<Kline>
    {
        public Task<int> WriteAsync(string symbol, IReadOnlyList<Kline> records, CancellationToken cancellationToken = default) =>
            store.File<Kline>(symbol, timeframe).WriteAsync(records, cancellationToken);
    }

    private sealed class SinkImpl<T>(ParquetMarketStore store) : IMarketDataSink<T>
        where T : struct, IMarketRecord
    {
        public Task<int> WriteAsync(string symbol, IReadOnlyList<T> records, CancellationToken cancellationToken = default) =>
            store.File<T>(symbol, null).WriteAsync(records, cancellationToken);
    }

    private sealed class SourceImpl<T>(ParquetMarketStore store, StoreReadOptions? options) : IMarketDataSource<T>
        where T : struct, IMarketRecord
    {
        public IAsyncEnumerable<T> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default) =>
            store.File<T>(symbol, null).ReadVisibleAsync(range, options, cancellationToken);
    }

    private sealed class KlineSourceImpl(ParquetMarketStore store, Timeframe timeframe, StoreReadOptions? options, IReadOnlyCollection<MarketColumn> optional)
        : IKlineSource
    {
        public IReadOnlyCollection<MarketColumn> OptionalColumns { get; } = optional;

        public Timeframe? TimeframeOf(string symbol) => timeframe;

        public IAsyncEnumerable<Kline> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default) =>
            store.File<Kline>(symbol, timeframe).ReadVisibleAsync(range, options, cancellationToken);
    }
}
