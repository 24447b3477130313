using QuantFeatures.Data;

namespace QuantFeatures.Storage;

/// <summary>The kinds of raw market data a store keeps, one table / file / key space each.</summary>
public enum RecordKind
{
    /// <summary>Bars (<see cref="Kline"/>), kept per symbol and timeframe.</summary>
    Kline,

    /// <summary>Funding settlements (<see cref="FundingSettlement"/>).</summary>
    Funding,

    /// <summary>Open-interest snapshots (<see cref="OpenInterestSnapshot"/>).</summary>
    OpenInterest,

    /// <summary>Positioning snapshots (<see cref="PositioningSnapshot"/>).</summary>
    Positioning,

    /// <summary>Liquidation events (<see cref="LiquidationEvent"/>).</summary>
    Liquidation,

    /// <summary>Mark and index prices (<see cref="ReferencePrice"/>).</summary>
    ReferencePrice,
}

/// <summary>
/// The revision metadata of a stored record. A record is identified by its key (<see cref="RecordKeys"/>); the first
/// value stored for a key is revision 1, and every later write of a <em>different</em> value for the same key (an
/// exchange correction) adds revision n + 1 that names the revision it amends. Old revisions are never overwritten.
/// </summary>
/// <param name="Revision">1 for the first value of a key, then 2, 3, … .</param>
/// <param name="AmendedFrom">The revision this one replaces (null for revision 1).</param>
/// <param name="FetchedAt">When the store learned this value (Unix ms, UTC): the write's clock, used by as-of reads.</param>
public readonly record struct RecordRevision(int Revision, int? AmendedFrom, long FetchedAt);

/// <summary>A stored record with its revision metadata (audit reads).</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Record">The record's values in this revision.</param>
/// <param name="Revision">The revision metadata.</param>
public readonly record struct StoredRecord<T>(T Record, RecordRevision Revision)
    where T : struct, IMarketRecord;

/// <summary>How a store reads: the latest revision of every key (default), or the state as known at a time.</summary>
public sealed record StoreReadOptions
{
    /// <summary>The latest revision of every key.</summary>
    public static StoreReadOptions Latest { get; } = new();

    /// <summary>When set: the state as known at this time (Unix ms, UTC) — for every key, the newest revision with
    /// <see cref="RecordRevision.FetchedAt"/> ≤ <see cref="AsOf"/>; keys first fetched later are absent.</summary>
    public long? AsOf { get; init; }

    /// <summary>The state as known at <paramref name="asOf"/>.</summary>
    public static StoreReadOptions KnownAt(DateTimeOffset asOf) => new() { AsOf = asOf.ToUnixTimeMilliseconds() };
}

/// <summary>
/// A store of raw market data (storage adapters: SQLite, Parquet, PostgreSQL, …). Its sinks are idempotent and atomic
/// per call, and keep revisions (<see cref="RecordRevision"/>); its sources feed <see cref="MarketDataLoader"/> and
/// return records in time order with one record per key.
/// </summary>
/// <remarks>
/// Symbols are validated with <see cref="StoreIdentifiers.ValidateSymbol"/> by every method that takes one. A write's
/// <see cref="RecordRevision.FetchedAt"/> comes from the store's <see cref="TimeProvider"/>.
/// </remarks>
public interface IMarketDataStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the store's schema (versioned migrations; idempotent, safe to call concurrently).</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>The sink for bars of <paramref name="timeframe"/>.</summary>
    IMarketDataSink<Kline> KlineSink(Timeframe timeframe);

    /// <summary>The sink of one kind of sparse record (every kind except <see cref="RecordKind.Kline"/>).</summary>
    /// <typeparam name="T">One of <see cref="FundingSettlement"/>, <see cref="OpenInterestSnapshot"/>,
    /// <see cref="PositioningSnapshot"/>, <see cref="LiquidationEvent"/>, <see cref="ReferencePrice"/>.</typeparam>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of those.</exception>
    IMarketDataSink<T> Sink<T>()
        where T : struct, IMarketRecord;

    /// <summary>A bar source for one symbol and timeframe (its optional columns are those the stored bars carry).</summary>
    Task<IKlineSource> OpenKlinesAsync(string symbol, Timeframe timeframe, StoreReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>A source of one kind of sparse record, reading the latest revision or as of <see cref="StoreReadOptions.AsOf"/>.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a sparse record kind.</exception>
    IMarketDataSource<T> Source<T>(StoreReadOptions? options = null)
        where T : struct, IMarketRecord;

    /// <summary>Every stored revision of the records of a series in <paramref name="range"/>, ordered by key then revision
    /// (audit). <paramref name="timeframe"/> is required for <see cref="Kline"/> and ignored otherwise.</summary>
    IAsyncEnumerable<StoredRecord<T>> ReadRevisionsAsync<T>(string symbol, TimeRange range, Timeframe? timeframe = null, CancellationToken cancellationToken = default)
        where T : struct, IMarketRecord;

    /// <summary>The number of stored rows (all revisions) of a series: what an idempotent re-ingest must leave unchanged.</summary>
    Task<long> CountAsync(RecordKind kind, string symbol, Timeframe? timeframe = null, CancellationToken cancellationToken = default);
}

/// <summary>What a feature write stores beside the values: the catalogue version and the definitions.</summary>
/// <param name="CatalogVersion">The catalogue version the values were computed with (<see cref="FeatureCatalog.CatalogVersion"/>).</param>
/// <param name="Definitions">Name → one-line definition of every stored feature (e.g. its formula and lookback).</param>
public sealed record FeatureSetInfo(string CatalogVersion, IReadOnlyDictionary<string, string> Definitions)
{
    /// <summary>The info of <paramref name="features"/> from the default catalogue (unknown names get an empty definition).</summary>
    public static FeatureSetInfo For(FeatureMatrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var definitions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in features.Names)
        {
            definitions[name] = FeatureCatalog.Default.TryGet(name, out var d) ? $"{d.Formula} (family {d.Family}; NaN: {d.NanRule})" : string.Empty;
        }

        return new FeatureSetInfo(FeatureCatalog.CatalogVersion, definitions);
    }
}

/// <summary>
/// A store of feature matrices, keyed by (symbol, timeframe, bar time, feature). Writes are idempotent and atomic per
/// call; a changed value for a stored key becomes a new revision, as for raw data.
/// </summary>
public interface IFeatureStore
{
    /// <summary>Writes <paramref name="features"/> (all rows, all columns) as one atomic batch; returns the number of
    /// (row, feature) values that were new or changed. <paramref name="info"/> defaults to <see cref="FeatureSetInfo.For"/>.</summary>
    Task<long> WriteFeaturesAsync(FeatureMatrix features, FeatureSetInfo? info = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the stored features of a symbol and timeframe in <paramref name="range"/>, in time order:
    /// <paramref name="names"/> (null: every stored feature, in the order first written), latest revision or as of a time.</summary>
    Task<FeatureMatrix> ReadFeaturesAsync(string symbol, Timeframe timeframe, TimeRange range, IReadOnlyList<string>? names = null,
        StoreReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The catalogue version and definitions stored with the features of a symbol and timeframe (null: none stored).</summary>
    Task<FeatureSetInfo?> ReadFeatureInfoAsync(string symbol, Timeframe timeframe, CancellationToken cancellationToken = default);
}
