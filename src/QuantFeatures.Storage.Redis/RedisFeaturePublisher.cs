using QuantFeatures.Streaming;

namespace QuantFeatures.Storage.Redis;

/// <summary>
/// Feeds a <see cref="RedisFeatureStore"/> from a <see cref="StreamingFeatureEngine"/>: after each committed bar, the
/// engine's latest row is published (one script call) under the publisher's symbol and the engine's timeframe.
/// </summary>
/// <remarks>
/// The row buffer, the keys and the names are prepared once; an update allocates only what the driver holds until the
/// command is written: the values blob (8 bytes a feature), the argument array and the pending task. Updates need not be
/// awaited one by one: the commands of one connection keep their order, so a caller may start many updates and await
/// them together (pipelining).
/// </remarks>
public sealed class RedisFeaturePublisher
{
    private readonly RedisFeatureStore _store;
    private readonly RedisFeatureStore.Series _series;
    private readonly double[] _row;

    /// <summary>A publisher of <paramref name="engine"/>'s rows as <paramref name="symbol"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="engine">The engine (its names and timeframe).</param>
    /// <param name="symbol">The symbol the rows are stored under.</param>
    /// <param name="info">The catalogue version and definitions (default: the default catalogue's).</param>
    /// <exception cref="ArgumentException">An invalid symbol.</exception>
    public RedisFeaturePublisher(RedisFeatureStore store, StreamingFeatureEngine engine, string symbol, FeatureSetInfo? info = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(engine);
        _store = store;
        _series = store.SeriesFor(symbol, engine.Timeframe);
        Engine = engine;
        Symbol = symbol;
        Layout = FeatureLayout.Create(engine.Names, info);
        _row = new double[engine.Names.Count];
    }

    /// <summary>The engine.</summary>
    public StreamingFeatureEngine Engine { get; }

    /// <summary>The symbol the rows are stored under.</summary>
    public string Symbol { get; }

    /// <summary>The names and info of every row.</summary>
    public FeatureLayout Layout { get; }

    /// <summary>Commits <paramref name="bar"/> to the engine and publishes the engine's latest row.</summary>
    /// <exception cref="InvalidOperationException">The engine rejects the bar (out of order); nothing is published.</exception>
    public Task<PublishOutcome> UpdateAsync(StreamingBar bar, CancellationToken cancellationToken = default)
    {
        Engine.Update(bar);
        return PublishLatestAsync(cancellationToken);
    }

    /// <summary>Publishes the engine's latest row (of its last committed bar).</summary>
    /// <exception cref="InvalidOperationException">The engine has committed no bar yet.</exception>
    public Task<PublishOutcome> PublishLatestAsync(CancellationToken cancellationToken = default)
    {
        Engine.CopyLatest(_row);
        return _store.PublishEncodedAsync(_series, Engine.LastOpenTime!.Value, Layout, RedisFeatureStore.Encode(_row), cancellationToken);
    }
}
