using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using QuantFeatures.Data;
using StackExchange.Redis;

namespace QuantFeatures.Storage.Redis;

/// <summary>
/// The live feature store on Redis: the latest feature row of every (symbol, timeframe), its bounded revision history,
/// pub/sub notifications and expiry, each write one atomic Lua script (see docs/storage.md, "Redis (live features)").
/// </summary>
/// <remarks>
/// <para>Keys of a series (prefix <see cref="RedisFeatureStoreOptions.KeyPrefix"/>, default <c>qf:</c>):
/// <c>{prefix}feat:{symbol}:{tf}:latest</c> (hash: bar, rev, amended, fetched, catalog, names id, values — the doubles as
/// one little-endian blob), <c>…:bars</c> (sorted set of the retained bar times), <c>…:revs</c> (hash: every retained
/// revision's values and metadata), <c>…:info</c> (hash: catalogue version, definitions, names lists by id); channel
/// <c>{prefix}feat:{symbol}:{tf}</c>.</para>
/// <para>Ordering: a row for a bar older than the latest row is accepted only as a correction of a bar still in the
/// retained history (a new revision that leaves the latest row alone); any other older bar is rejected. The latest row
/// never moves backwards. The same values again (bit for bit) change nothing and notify nothing.</para>
/// <para>Every method taking a symbol validates it with <see cref="StoreIdentifiers.ValidateSymbol"/> before any I/O.</para>
/// </remarks>
public sealed class RedisFeatureStore : IFeatureStore, IAsyncDisposable
{
    private const long MaxExactTime = 1L << 53;
    private readonly bool _ownsConnection;
    private readonly IDatabase _db;
    private readonly ConcurrentDictionary<(string Symbol, long Timeframe), Series> _series = new();
    private readonly ConcurrentDictionary<string, string[]> _names = new(StringComparer.Ordinal);
    private readonly long _ttlMs;

    /// <summary>A store over an open connection (not disposed with the store).</summary>
    /// <exception cref="ArgumentException">An invalid option.</exception>
    public RedisFeatureStore(IConnectionMultiplexer connection, RedisFeatureStoreOptions? options = null)
        : this(connection, options, ownsConnection: false)
    {
    }

    private RedisFeatureStore(IConnectionMultiplexer connection, RedisFeatureStoreOptions? options, bool ownsConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Options = (options ?? new RedisFeatureStoreOptions()).Validate();
        Connection = connection;
        _ownsConnection = ownsConnection;
        _db = connection.GetDatabase(Options.Database);
        _ttlMs = Options.TimeToLive is { } ttl ? Math.Max(1, (long)ttl.TotalMilliseconds) : 0;
    }

    /// <summary>Connects to Redis (<paramref name="configuration"/>: <c>host:port</c> or a StackExchange.Redis
    /// configuration string) and returns a store that owns the connection.</summary>
    /// <exception cref="ArgumentException">An invalid option or an empty configuration.</exception>
    /// <exception cref="RedisConnectionException">The server cannot be reached.</exception>
    public static async Task<RedisFeatureStore> ConnectAsync(string configuration, RedisFeatureStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        (options ?? new RedisFeatureStoreOptions()).Validate();
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        return new RedisFeatureStore(connection, options, ownsConnection: true);
    }

    /// <summary>The store's options.</summary>
    public RedisFeatureStoreOptions Options { get; }

    /// <summary>The connection.</summary>
    public IConnectionMultiplexer Connection { get; }

    /// <summary>The hash holding the latest row of a series.</summary>
    public string LatestKey(string symbol, Timeframe timeframe) => SeriesOf(symbol, timeframe).Base + ":latest";

    /// <summary>The channel on which every write of a row of the series is announced (<see cref="FeatureUpdateNotification"/>).</summary>
    public string ChannelName(string symbol, Timeframe timeframe) => SeriesOf(symbol, timeframe).Base;

    /// <summary>The channel pattern matching every series' channel.</summary>
    public string AllChannelsPattern => Options.KeyPrefix + "feat:*";

    /// <summary>
    /// Publishes one row (the features of bar <paramref name="barTime"/>) as one atomic script: the row, its revision
    /// bookkeeping, the latest row when it is not older, the expiry of the series' keys and the notification, or none of
    /// them. See the class remarks for the ordering rule.
    /// </summary>
    /// <param name="symbol">The symbol.</param>
    /// <param name="timeframe">The timeframe.</param>
    /// <param name="barTime">The bar's open time (Unix ms, UTC; |t| ≤ 2^53).</param>
    /// <param name="layout">The names of <paramref name="values"/> and the info stored with them.</param>
    /// <param name="values">One value per name of <paramref name="layout"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the script runs whole or not at all either way).</param>
    /// <exception cref="ArgumentException">An invalid symbol, timeframe or bar time, or as many values as names.</exception>
    public Task<PublishOutcome> PublishAsync(string symbol, Timeframe timeframe, long barTime, FeatureLayout layout, ReadOnlyMemory<double> values,
        CancellationToken cancellationToken = default)
    {
        var series = SeriesOf(symbol, timeframe);
        ArgumentNullException.ThrowIfNull(layout);
        if (values.Length != layout.Names.Count)
        {
            throw new ArgumentException($"{values.Length} values for {layout.Names.Count} feature names.", nameof(values));
        }

        CheckTime(barTime);
        return PublishEncodedAsync(series, barTime, layout, Encode(values.Span), cancellationToken);
    }

    internal Series SeriesFor(string symbol, Timeframe timeframe) => SeriesOf(symbol, timeframe);

    internal async Task<PublishOutcome> PublishEncodedAsync(Series series, long barTime, FeatureLayout layout, byte[] blob, CancellationToken cancellationToken)
    {
        var r = await WriteAsync(series, layout, [(barTime, blob)], strict: false, cancellationToken).ConfigureAwait(false);
        var status = r.Created > 0 ? PublishStatus.Created : r.Revised > 0 ? PublishStatus.Revised : r.Unchanged > 0 ? PublishStatus.Unchanged : PublishStatus.Rejected;
        return new PublishOutcome(status, r.LastRevision, (int)r.Changed);
    }

    /// <summary>The latest row of a series (null: none, or expired).</summary>
    /// <exception cref="ArgumentException">An invalid symbol.</exception>
    public async Task<FeatureRow?> ReadLatestAsync(string symbol, Timeframe timeframe, CancellationToken cancellationToken = default) =>
        (await ReadLatestAsync([symbol], timeframe, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>The latest rows of many symbols of one timeframe, read by ONE script call (one round trip, atomic: a
    /// consistent snapshot of every row); null where a symbol has none.</summary>
    /// <exception cref="ArgumentException">An invalid symbol (before any I/O).</exception>
    public async Task<IReadOnlyList<FeatureRow?>> ReadLatestAsync(IReadOnlyList<string> symbols, Timeframe timeframe, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var series = symbols.Select(s => SeriesOf(s, timeframe)).ToArray();
        var rows = new FeatureRow?[series.Length];
        if (series.Length == 0)
        {
            return rows;
        }

        var keys = new RedisKey[series.Length * 2];
        for (int i = 0; i < series.Length; i++)
        {
            keys[2 * i] = series[i].LatestKey;
            keys[2 * i + 1] = series[i].InfoKey;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var result = (RedisResult[])(await _db.ScriptEvaluateAsync(LuaScripts.ReadLatest, keys, KnownNames()).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var list = (RedisResult[])result[0]!;
        LearnNames((RedisResult[])result[1]!);
        for (int i = 0; i < series.Length; i++)
        {
            var row = (RedisResult[])list[i]!;
            if (row.Length == 0 || !_names.TryGetValue((string)row[5]!, out var names))
            {
                continue;
            }

            long bar = long.Parse((string)row[0]!, CultureInfo.InvariantCulture);
            var revision = Revision((string)row[1]!, (string)row[2]!, (string)row[3]!);
            rows[i] = new FeatureRow(series[i].Symbol, timeframe, bar, revision, (string)row[4]!, names, Decode((byte[])row[6]!));
        }

        return rows;
    }

    /// <summary>Every retained revision of the rows of a series in <paramref name="range"/>, by bar then revision (audit).</summary>
    /// <exception cref="ArgumentException">An invalid symbol.</exception>
    public Task<IReadOnlyList<FeatureRow>> ReadRevisionsAsync(string symbol, Timeframe timeframe, TimeRange range, CancellationToken cancellationToken = default) =>
        ReadRangeAsync(SeriesOf(symbol, timeframe), range, "*", 0, cancellationToken);

    /// <summary>
    /// Subscribes to the notifications of one series (<paramref name="symbol"/> and <paramref name="timeframe"/>), of
    /// every timeframe of a symbol (<paramref name="timeframe"/> null) or of every series (<paramref name="symbol"/> null).
    /// Dispose the result to unsubscribe. <paramref name="onUpdate"/> is called for one notification at a time, in the
    /// order the server published them.
    /// </summary>
    /// <exception cref="ArgumentException">An invalid symbol, or a timeframe without a symbol.</exception>
    public async Task<IAsyncDisposable> SubscribeAsync(string? symbol, Timeframe? timeframe, Action<FeatureUpdateNotification> onUpdate)
    {
        ArgumentNullException.ThrowIfNull(onUpdate);
        RedisChannel channel;
        if (symbol is null)
        {
            if (timeframe is not null)
            {
                throw new ArgumentException("A timeframe needs a symbol: subscribe to one series, every timeframe of a symbol, or every series.", nameof(timeframe));
            }

            channel = RedisChannel.Pattern(AllChannelsPattern);
        }
        else if (timeframe is { } tf)
        {
            channel = RedisChannel.Literal(ChannelName(symbol, tf));
        }
        else
        {
            channel = RedisChannel.Pattern(Options.KeyPrefix + "feat:" + StoreIdentifiers.ValidateSymbol(symbol) + ":*");
        }

        // A message queue, not a handler: the driver runs handlers concurrently, so their order would be lost.
        var queue = await Connection.GetSubscriber().SubscribeAsync(channel).ConfigureAwait(false);
        queue.OnMessage(message => onUpdate(FeatureUpdateNotification.Parse((string)message.Message!)));
        return new Subscription(queue);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// All rows go in one script call, in time order, so the whole matrix is written or none of it. A row older than the
    /// latest stored bar that is not in the retained history fails the call (nothing written). Every row written is
    /// announced; rows beyond <see cref="RedisFeatureStoreOptions.HistoryLength"/> are written and then evicted (oldest
    /// first), and counted.
    /// </remarks>
    /// <exception cref="InvalidOperationException">A row is older than the latest stored bar and not retained.</exception>
    public async Task<long> WriteFeaturesAsync(FeatureMatrix features, FeatureSetInfo? info = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        var series = SeriesOf(features.Symbol, features.Timeframe);
        if (features.RowCount == 0)
        {
            return 0;
        }

        var layout = FeatureLayout.Create(features.Names, info ?? FeatureSetInfo.For(features));
        var rows = new (long, byte[])[features.RowCount];
        var row = new double[features.ColumnCount];
        for (int i = 0; i < rows.Length; i++)
        {
            CheckTime(features.Time[i]);
            features.CopyRow(i, row);
            rows[i] = (features.Time[i], Encode(row));
        }

        var r = await WriteAsync(series, layout, rows, strict: true, cancellationToken).ConfigureAwait(false);
        return r.Changed;
    }

    /// <inheritdoc/>
    /// <remarks>Reads the retained history in one script call. With <paramref name="names"/> null the columns are every
    /// feature of the rows read, in the order the rows name them; a row without a requested feature holds NaN there.</remarks>
    /// <exception cref="ArgumentException">An invalid symbol, or a requested feature the series does not store.</exception>
    public async Task<FeatureMatrix> ReadFeaturesAsync(string symbol, Timeframe timeframe, TimeRange range, IReadOnlyList<string>? names = null,
        StoreReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var series = SeriesOf(symbol, timeframe);
        var rows = await ReadRangeAsync(series, range, options?.AsOf is null ? "L" : "A", options?.AsOf ?? 0, cancellationToken).ConfigureAwait(false);
        var stored = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            foreach (var n in r.Names)
            {
                if (seen.Add(n))
                {
                    stored.Add(n);
                }
            }
        }

        if (names is not null)
        {
            if (rows.Count == 0)
            {
                foreach (var entry in await _db.HashGetAllAsync(series.InfoKey).WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (((string)entry.Name!).StartsWith("names:", StringComparison.Ordinal))
                    {
                        seen.UnionWith(((string)entry.Value!).Split('\n'));
                    }
                }
            }

            foreach (var n in names)
            {
                if (!seen.Contains(n))
                {
                    throw new ArgumentException($"The store has no feature '{n}' for {series.Symbol} {timeframe}.", nameof(names));
                }
            }
        }

        var columnsOf = names ?? stored;
        var time = new long[rows.Count];
        var columns = new double[columnsOf.Count][];
        for (int j = 0; j < columns.Length; j++)
        {
            columns[j] = new double[rows.Count];
            Array.Fill(columns[j], double.NaN);
        }

        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < columnsOf.Count; j++)
        {
            position[columnsOf[j]] = j;
        }

        for (int i = 0; i < rows.Count; i++)
        {
            time[i] = rows[i].BarTime;
            var r = rows[i];
            for (int k = 0; k < r.Names.Count; k++)
            {
                if (position.TryGetValue(r.Names[k], out int j))
                {
                    columns[j][i] = r.Values[k];
                }
            }
        }

        return FeatureMatrix.Create(series.Symbol, timeframe, time, [.. columnsOf], columns);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">An invalid symbol.</exception>
    public async Task<FeatureSetInfo?> ReadFeatureInfoAsync(string symbol, Timeframe timeframe, CancellationToken cancellationToken = default)
    {
        var series = SeriesOf(symbol, timeframe);
        var values = await _db.HashGetAsync(series.InfoKey, ["catalog", "defs"]).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (values[0].IsNull || values[1].IsNull)
        {
            return null;
        }

        var definitions = JsonSerializer.Deserialize<Dictionary<string, string>>((string)values[1]!)
            ?? throw new InvalidDataException($"The definitions stored at {series.InfoKey} are not a JSON object.");
        return new FeatureSetInfo((string)values[0]!, definitions);
    }

    /// <summary>Closes the connection when the store opened it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<WriteResult> WriteAsync(Series series, FeatureLayout layout, IReadOnlyList<(long Bar, byte[] Blob)> rows, bool strict, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool sendNames = !string.Equals(series.StoredNamesId, layout.NamesId, StringComparison.Ordinal);
        bool sendDefinitions = !string.Equals(series.StoredDefinitionsId, layout.DefinitionsId, StringComparison.Ordinal);
        for (int attempt = 0; ; attempt++)
        {
            var args = new RedisValue[12 + 2 * rows.Count];
            args[0] = Options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            args[1] = _ttlMs;
            args[2] = Options.HistoryLength;
            args[3] = layout.Info.CatalogVersion;
            args[4] = layout.NamesId;
            args[5] = sendNames ? layout.NamesText : "";
            args[6] = layout.DefinitionsId;
            args[7] = sendDefinitions ? layout.DefinitionsText : "";
            args[8] = series.Base;
            args[9] = series.Symbol;
            args[10] = series.TimeframeText;
            args[11] = strict ? "1" : "0";
            for (int i = 0; i < rows.Count; i++)
            {
                args[12 + 2 * i] = rows[i].Bar;
                args[13 + 2 * i] = rows[i].Blob;
            }

            var reply = (long[])(await _db.ScriptEvaluateAsync(LuaScripts.Write, series.WriteKeys, args).WaitAsync(cancellationToken).ConfigureAwait(false))!;
            if (reply[0] == -1 && attempt == 0)
            {
                sendNames = sendDefinitions = true; // the series' names or definitions are not stored (new, or expired)
                continue;
            }

            if (reply[0] == -1)
            {
                throw new InvalidOperationException($"The store rejected the names and definitions of {series.Symbol} {series.TimeframeText} twice.");
            }

            if (reply[0] == -2)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Bar {Iso(reply[1])} of {series.Symbol} {series.TimeframeText} is older than the latest stored bar and not in the retained history (the last {Options.HistoryLength} bars): the live store never inserts a bar before its latest row. Nothing was written."));
            }

            series.StoredNamesId = layout.NamesId;
            series.StoredDefinitionsId = layout.DefinitionsId;
            return new WriteResult(reply[0], reply[1], reply[2], reply[3], reply[4], (int)reply[5]);
        }
    }

    private async Task<IReadOnlyList<FeatureRow>> ReadRangeAsync(Series series, TimeRange range, string mode, long asOf, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var known = KnownNames();
        var args = new RedisValue[4 + known.Length];
        args[0] = range.From == long.MinValue ? "-inf" : range.From.ToString(CultureInfo.InvariantCulture);
        args[1] = range.To == long.MaxValue ? "+inf" : "(" + range.To.ToString(CultureInfo.InvariantCulture);
        args[2] = mode;
        args[3] = asOf;
        known.CopyTo(args, 4);
        var result = (RedisResult[])(await _db.ScriptEvaluateAsync(LuaScripts.ReadRange, series.RangeKeys, args).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var flat = (RedisResult[])result[0]!;
        LearnNames((RedisResult[])result[1]!);
        var rows = new List<FeatureRow>(flat.Length / 7);
        for (int i = 0; i + 6 < flat.Length; i += 7)
        {
            if (!_names.TryGetValue((string)flat[i + 4]!, out var names))
            {
                continue; // its names expired with the series
            }

            long bar = long.Parse((string)flat[i]!, CultureInfo.InvariantCulture);
            var revision = Revision((string)flat[i + 1]!, (string)flat[i + 2]!, (string)flat[i + 3]!);
            rows.Add(new FeatureRow(series.Symbol, new Timeframe(series.TimeframeMs), bar, revision, (string)flat[i + 5]!, names, Decode((byte[])flat[i + 6]!)));
        }

        return rows;
    }

    private RedisValue[] KnownNames() => [.. _names.Keys.Select(k => (RedisValue)k)];

    private void LearnNames(RedisResult[] pairs)
    {
        for (int i = 0; i + 1 < pairs.Length; i += 2)
        {
            _names[(string)pairs[i]!] = ((string)pairs[i + 1]!).Split('\n');
        }
    }

    private static RecordRevision Revision(string rev, string amended, string fetched)
    {
        int r = int.Parse(rev, CultureInfo.InvariantCulture);
        int a = int.Parse(amended, CultureInfo.InvariantCulture);
        return new RecordRevision(r, a == 0 ? null : a, long.Parse(fetched, CultureInfo.InvariantCulture));
    }

    private Series SeriesOf(string symbol, Timeframe timeframe)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        if (timeframe.Milliseconds <= 0)
        {
            throw new ArgumentException($"Invalid timeframe of {timeframe.Milliseconds} ms: a timeframe is positive.", nameof(timeframe));
        }

        return _series.GetOrAdd((symbol, timeframe.Milliseconds), static (k, prefix) => new Series(prefix, k.Symbol, new Timeframe(k.Timeframe)), Options.KeyPrefix);
    }

    private static void CheckTime(long barTime)
    {
        if (barTime is > MaxExactTime or < -MaxExactTime)
        {
            throw new ArgumentOutOfRangeException(nameof(barTime), barTime, "A bar time (Unix ms) must lie within ±2^53, the range the server's scripts hold exactly.");
        }
    }

    /// <summary>The values as one blob: each double's IEEE 754 bits, little-endian (bit-exact, NaN payloads included).</summary>
    internal static byte[] Encode(ReadOnlySpan<double> values)
    {
        var blob = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(blob.AsSpan(i * 8), BitConverter.DoubleToInt64Bits(values[i]));
        }

        return blob;
    }

    /// <summary>The doubles of a blob written by <see cref="Encode"/>.</summary>
    internal static double[] Decode(byte[] blob)
    {
        if (blob.Length % 8 != 0)
        {
            throw new InvalidDataException($"A stored feature row has {blob.Length} bytes, not a whole number of doubles.");
        }

        var values = new double[blob.Length / 8];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(blob.AsSpan(i * 8)));
        }

        return values;
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private readonly record struct WriteResult(long Created, long Revised, long Unchanged, long Rejected, long Changed, int LastRevision);

    /// <summary>The keys and cached state of one (symbol, timeframe).</summary>
    internal sealed class Series
    {
        public Series(string prefix, string symbol, Timeframe timeframe)
        {
            Symbol = symbol;
            TimeframeText = timeframe.ToString();
            TimeframeMs = timeframe.Milliseconds;
            Base = prefix + "feat:" + symbol + ":" + TimeframeText;
            LatestKey = Base + ":latest";
            InfoKey = Base + ":info";
            WriteKeys = [LatestKey, Base + ":bars", Base + ":revs", InfoKey];
            RangeKeys = [Base + ":bars", Base + ":revs", InfoKey];
        }

        public string Symbol { get; }

        public string TimeframeText { get; }

        public long TimeframeMs { get; }

        public string Base { get; }

        public RedisKey LatestKey { get; }

        public RedisKey InfoKey { get; }

        public RedisKey[] WriteKeys { get; }

        public RedisKey[] RangeKeys { get; }

        /// <summary>The names id this process last saw stored (a hint: the script checks and asks again when wrong).</summary>
        public volatile string? StoredNamesId;

        /// <summary>The definitions id this process last saw stored (a hint, as <see cref="StoredNamesId"/>).</summary>
        public volatile string? StoredDefinitionsId;
    }

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync().ConfigureAwait(false);
    }
}
