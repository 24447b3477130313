using System.Collections.Concurrent;
using QuantFeatures.Data;
using QuantFeatures.Storage.Contract;
using QuantFeatures.Streaming;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;
using Xunit;

namespace QuantFeatures.Storage.Redis.Tests;

/// <summary>The live side of the Redis store: latest rows, ordering, revisions, expiry, notifications, round trips,
/// atomicity under a killed connection, concurrent publishers, hostile input.</summary>
[Collection(RedisCollection.Name)]
public sealed class LiveStoreTests(RedisServer redis)
{
    private static readonly Timeframe H1 = Timeframe.Parse("1h");
    private static readonly long T0 = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly FeatureLayout AB = FeatureLayout.Create(["a", "b"], new FeatureSetInfo("t1", new Dictionary<string, string> { ["a"] = "x", ["b"] = "y" }));

    private RedisFeatureStore Store(ManualClock? clock = null, TimeSpan? ttl = null, int history = 1_000, IConnectionMultiplexer? connection = null, string? prefix = null) =>
        new(connection ?? redis.Connection, new RedisFeatureStoreOptions
        {
            KeyPrefix = prefix ?? RedisServer.UniquePrefix(),
            Clock = clock ?? new ManualClock(DateTimeOffset.UnixEpoch.AddYears(56)),
            TimeToLive = ttl,
            HistoryLength = history,
        });

    private static void Bits(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]), $"value {i}: {expected[i]:R} written, {actual[i]:R} read");
        }
    }

    [Fact]
    public async Task Latest_row_round_trips_bit_exact_with_its_metadata()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = Store(clock);
        double nanPayload = BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF);
        double[] odd = [double.NaN, -0.0, 0.0, double.Epsilon, -double.Epsilon, double.MaxValue, 1e-310, Math.PI, double.NegativeInfinity, nanPayload];
        var layout = FeatureLayout.Create([.. odd.Select((_, i) => "f" + i)]);
        var outcome = await store.PublishAsync("BTCUSDT", H1, T0, layout, odd);
        Assert.Equal(new PublishOutcome(PublishStatus.Created, 1, odd.Length), outcome);

        var row = await store.ReadLatestAsync("BTCUSDT", H1);
        Assert.NotNull(row);
        Assert.Equal(T0, row!.BarTime);
        Assert.Equal(new RecordRevision(1, null, clock.NowMs), row.Revision);
        Assert.Equal(FeatureCatalog.CatalogVersion, row.CatalogVersion);
        Assert.Equal(layout.Names, row.Names);
        Bits(odd, row.Values);
        Assert.Null(await store.ReadLatestAsync("ETHUSDT", H1));
        Assert.Null(await store.ReadLatestAsync("BTCUSDT", Timeframe.Parse("4h")));

        // The stored layout is the documented one: a hash with the doubles as one little-endian blob.
        var hash = redis.Connection.GetDatabase().HashGetAll(store.LatestKey("BTCUSDT", H1)).ToDictionary(e => (string)e.Name!, e => e.Value);
        Assert.Equal(["amended", "bar", "catalog", "fetched", "names", "rev", "values"], hash.Keys.Order());
        Assert.Equal(odd.Length * 8, ((byte[])hash["values"]!).Length);
        Assert.Equal(BitConverter.DoubleToInt64Bits(nanPayload), BitConverter.ToInt64((byte[])hash["values"]!, 9 * 8));
    }

    [Fact]
    public async Task Republishing_the_same_bar_and_values_changes_nothing_and_notifies_nothing()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch.AddYears(55));
        var store = Store(clock);
        var messages = new ConcurrentQueue<FeatureUpdateNotification>();
        await using (await store.SubscribeAsync("BTCUSDT", H1, messages.Enqueue))
        {
            Assert.Equal(PublishStatus.Created, (await store.PublishAsync("BTCUSDT", H1, T0, AB, new[] { 1.0, double.NaN })).Status);
            var before = redis.Connection.GetDatabase().HashGetAll(store.LatestKey("BTCUSDT", H1));
            clock.Advance(TimeSpan.FromMinutes(5));
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(new PublishOutcome(PublishStatus.Unchanged, 0, 0), await store.PublishAsync("BTCUSDT", H1, T0, AB, new[] { 1.0, double.NaN }));
            }

            // Nothing was rewritten: the clock moved, so a rewrite would show in fetched.
            var after = redis.Connection.GetDatabase().HashGetAll(store.LatestKey("BTCUSDT", H1));
            Assert.Equal(Sorted(before), Sorted(after));

            // A sentinel update: once its message arrives, every earlier one would have (one connection keeps order).
            await store.PublishAsync("BTCUSDT", H1, T0 + H1.Milliseconds, AB, new[] { 2.0, 3.0 });
            await WaitFor(() => messages.Count >= 2);
            await Task.Delay(50);
            Assert.Equal([T0, T0 + H1.Milliseconds], messages.Select(m => m.BarTime));
            Assert.Single(await store.ReadRevisionsAsync("BTCUSDT", H1, new TimeRange(T0, T0 + 1)));
        }
    }

    [Fact]
    public async Task A_correction_is_a_new_revision_keeping_the_old_one_read_latest_and_as_of()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = Store(clock);
        await store.PublishAsync("BTCUSDT", H1, T0, AB, new[] { 1.0, 2.0 });
        long first = clock.NowMs;
        clock.Advance(TimeSpan.FromMinutes(1));
        var outcome = await store.PublishAsync("BTCUSDT", H1, T0, AB, new[] { 1.0, 2.5 });
        Assert.Equal(new PublishOutcome(PublishStatus.Revised, 2, 1), outcome);

        var latest = await store.ReadLatestAsync("BTCUSDT", H1);
        Assert.Equal(new RecordRevision(2, 1, clock.NowMs), latest!.Revision);
        Assert.Equal([1.0, 2.5], latest.Values);

        var revisions = await store.ReadRevisionsAsync("BTCUSDT", H1, TimeRange.All);
        Assert.Equal([new RecordRevision(1, null, first), new RecordRevision(2, 1, clock.NowMs)], revisions.Select(r => r.Revision));
        Assert.Equal([2.0, 2.5], revisions.Select(r => r.Values[1]));

        Assert.Equal(new[] { 2.5 }, (await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All, ["b"])).GetMemory(0).ToArray());
        Assert.Equal(new[] { 2.0 }, (await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All, ["b"], new StoreReadOptions { AsOf = first })).GetMemory(0).ToArray());
        Assert.Equal(0, (await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All, options: new StoreReadOptions { AsOf = first - 1 })).RowCount);
    }

    [Fact]
    public async Task An_older_bar_never_moves_the_latest_back_a_retained_one_is_corrected_in_the_history_only()
    {
        var store = Store(history: 3);
        var messages = new ConcurrentQueue<FeatureUpdateNotification>();
        await using var _ = await store.SubscribeAsync("BTCUSDT", H1, messages.Enqueue);
        long h = H1.Milliseconds;
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(PublishStatus.Created, (await store.PublishAsync("BTCUSDT", H1, T0 + i * h, AB, new[] { i, 0.0 })).Status);
        }

        // Bars 2, 3, 4 are retained (history 3); 0 and 1 were evicted with all their fields.
        Assert.Equal([T0 + 2 * h, T0 + 3 * h, T0 + 4 * h], (await store.ReadRevisionsAsync("BTCUSDT", H1, TimeRange.All)).Select(r => r.BarTime));
        var revs = redis.Connection.GetDatabase().HashKeys(store.LatestKey("BTCUSDT", H1).Replace(":latest", ":revs", StringComparison.Ordinal));
        Assert.Equal(9, revs.Length);

        // An evicted (or never seen) older bar is rejected; the latest row stays.
        Assert.Equal(new PublishOutcome(PublishStatus.Rejected, 0, 0), await store.PublishAsync("BTCUSDT", H1, T0 + h, AB, new[] { 9.0, 9.0 }));
        Assert.Equal(new PublishOutcome(PublishStatus.Rejected, 0, 0), await store.PublishAsync("BTCUSDT", H1, T0 + h / 2, AB, new[] { 9.0, 9.0 }));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteFeaturesAsync(
            FeatureMatrix.Create("BTCUSDT", H1, [T0 + h, T0 + 5 * h], ["a", "b"], [[1, 2], [3, 4]]), AB.Info));
        Assert.Contains("2025-03-01T01:00:00Z", ex.Message, StringComparison.Ordinal);
        Assert.Contains("older than the latest", ex.Message, StringComparison.Ordinal);
        Assert.Equal(T0 + 4 * h, (await store.ReadLatestAsync("BTCUSDT", H1))!.BarTime); // strict batch: nothing written, not even bar 5

        // A retained older bar is corrected: a new revision in the history, the latest row untouched, notified as not latest.
        Assert.Equal(new PublishOutcome(PublishStatus.Revised, 2, 1), await store.PublishAsync("BTCUSDT", H1, T0 + 3 * h, AB, new[] { 3.0, 7.0 }));
        var latest = await store.ReadLatestAsync("BTCUSDT", H1);
        Assert.Equal((T0 + 4 * h, 1, 4.0), (latest!.BarTime, latest.Revision.Revision, latest.Values[0]));
        await WaitFor(() => messages.Count >= 6);
        Assert.Equal(6, messages.Count);
        var last = messages.Last();
        Assert.Equal((T0 + 3 * h, 2, (int?)1, false), (last.BarTime, last.Revision, last.AmendedFrom, last.IsLatest));
        Assert.All(messages.Take(5), m => Assert.True(m.IsLatest));
    }

    [Fact]
    public async Task Another_set_of_names_for_a_stored_bar_keeps_the_stored_features()
    {
        var store = Store();
        await store.PublishAsync("BTCUSDT", H1, T0, AB, new[] { 1.0, 2.0 });
        var bc = FeatureLayout.Create(["b", "c"], AB.Info);
        Assert.Equal(new PublishOutcome(PublishStatus.Unchanged, 0, 0), await store.PublishAsync("BTCUSDT", H1, T0, FeatureLayout.Create(["b"], AB.Info), new[] { 2.0 }));
        Assert.Equal(new PublishOutcome(PublishStatus.Revised, 2, 1), await store.PublishAsync("BTCUSDT", H1, T0, bc, new[] { 2.0, 3.0 }));
        var row = await store.ReadLatestAsync("BTCUSDT", H1);
        Assert.Equal(["a", "b", "c"], row!.Names);
        Assert.Equal([1.0, 2.0, 3.0], row.Values);
        var m = await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All);
        Assert.Equal(["a", "b", "c"], m.Names);

        // A fresh store (another process) learns the merged names from the server.
        var other = new RedisFeatureStore(redis.Connection, store.Options);
        Assert.Equal(["a", "b", "c"], (await other.ReadLatestAsync("BTCUSDT", H1))!.Names);
    }

    [Fact]
    public async Task Keys_expire_after_the_ttl_and_a_write_refreshes_it()
    {
        var store = Store(ttl: TimeSpan.FromMilliseconds(400));
        string prefix = store.Options.KeyPrefix;
        await store.PublishAsync("BTCUSDT", H1, T0, AB, new[] { 1.0, 2.0 });
        var keys = redis.Keys(prefix);
        Assert.Equal(4, keys.Count);
        var db = redis.Connection.GetDatabase();
        Assert.All(keys, k => Assert.InRange(db.KeyTimeToLive(k)!.Value.TotalMilliseconds, 1, 400));
        await Task.Delay(250);
        await store.PublishAsync("BTCUSDT", H1, T0 + H1.Milliseconds, AB, new[] { 1.0, 2.0 }); // refreshes every key
        await Task.Delay(250);
        Assert.NotNull(await store.ReadLatestAsync("BTCUSDT", H1));
        await WaitFor(() => redis.Keys(prefix).Count == 0, 3_000);
        Assert.Null(await store.ReadLatestAsync("BTCUSDT", H1));
        Assert.Null(await store.ReadFeatureInfoAsync("BTCUSDT", H1));
        Assert.Equal(0, (await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All)).RowCount);

        // After expiry the series starts again (the names and definitions are sent again).
        Assert.Equal(PublishStatus.Created, (await store.PublishAsync("BTCUSDT", H1, T0, AB, new[] { 1.0, 2.0 })).Status);
        Assert.Equal(["a", "b"], (await store.ReadLatestAsync("BTCUSDT", H1))!.Names);
    }

    [Fact]
    public async Task Notifications_carry_symbol_timeframe_bar_and_revision_per_series_and_by_pattern()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = Store(clock);
        var one = new ConcurrentQueue<FeatureUpdateNotification>();
        var all = new ConcurrentQueue<FeatureUpdateNotification>();
        var symbol = new ConcurrentQueue<FeatureUpdateNotification>();
        await using (await store.SubscribeAsync("ETHUSDT", H1, one.Enqueue))
        await using (await store.SubscribeAsync(null, null, all.Enqueue))
        await using (await store.SubscribeAsync("ETHUSDT", null, symbol.Enqueue))
        {
            await store.PublishAsync("ETHUSDT", H1, T0, AB, new[] { 1.0, 2.0 });
            await store.PublishAsync("ETHUSDT", Timeframe.Parse("4h"), T0, AB, new[] { 1.0, 2.0 });
            await store.PublishAsync("BTCUSDT", H1, T0, AB, new[] { 1.0, 2.0 });
            await store.PublishAsync("ETHUSDT", H1, T0, AB, new[] { 1.0, 5.0 });
            await WaitFor(() => one.Count >= 2 && all.Count >= 4 && symbol.Count >= 3);
            await Task.Delay(50);
        }

        Assert.Equal([new FeatureUpdateNotification("ETHUSDT", "1h", T0, 1, null, clock.NowMs, true), new FeatureUpdateNotification("ETHUSDT", "1h", T0, 2, 1, clock.NowMs, true)], one);
        Assert.Equal(["ETHUSDT 1h", "ETHUSDT 4h", "BTCUSDT 1h", "ETHUSDT 1h"], all.Select(m => m.Symbol + " " + m.Timeframe));
        Assert.Equal(3, symbol.Count);
        Assert.Throws<FormatException>(() => FeatureUpdateNotification.Parse("{\"symbol\":1}"));
    }

    [Fact]
    public async Task A_hundred_symbols_are_read_in_one_round_trip()
    {
        var store = Store();
        string[] symbols = [.. Enumerable.Range(0, 100).Select(i => $"SYM{i:000}USDT")];
        var layout = FeatureLayout.Create([.. Enumerable.Range(0, 158).Select(i => "f" + i)]);
        var pending = symbols.Select((s, i) => store.PublishAsync(s, H1, T0 + i * H1.Milliseconds, layout, Enumerable.Range(0, 158).Select(k => i * 1000.0 + k).ToArray())).ToArray();
        await Task.WhenAll(pending);
        string[] asked = [.. symbols, "NOTSTORED"];
        await store.ReadLatestAsync(asked, H1); // the script is now cached by the server and the names by the store

        var session = new ProfilingSession();
        redis.Connection.RegisterProfiler(() => session);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var rows = await store.ReadLatestAsync(asked, H1);
        sw.Stop();
        redis.Connection.RegisterProfiler(() => null);
        var commands = session.FinishProfiling().ToList();
        Assert.Single(commands);
        Assert.StartsWith("EVAL", commands[0].Command, StringComparison.Ordinal);

        Assert.Equal(101, rows.Count);
        Assert.Null(rows[100]);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(symbols[i], rows[i]!.Symbol);
            Assert.Equal(T0 + i * H1.Milliseconds, rows[i]!.BarTime);
            Assert.Equal(Enumerable.Range(0, 158).Select(k => i * 1000.0 + k), rows[i]!.Values);
        }

        Console.WriteLine($"100-symbol latest read: 1 command, {sw.Elapsed.TotalMilliseconds:0.00} ms");
    }

    [Fact]
    public async Task A_hostile_symbol_is_rejected_by_every_method_before_any_io()
    {
        const string hostile = "BTC'; DROP TABLE ohlcv;--";
        var store = Store();
        var session = new ProfilingSession();
        redis.Connection.RegisterProfiler(() => session);
        try
        {
            var m = FeatureMatrix.Create(hostile, H1, [T0], ["a", "b"], [[1.0], [2.0]]);
            await Assert.ThrowsAsync<ArgumentException>(() => store.PublishAsync(hostile, H1, T0, AB, new[] { 1.0, 2.0 }));
            await Assert.ThrowsAsync<ArgumentException>(() => store.WriteFeaturesAsync(m));
            await Assert.ThrowsAsync<ArgumentException>(() => store.ReadLatestAsync(hostile, H1));
            await Assert.ThrowsAsync<ArgumentException>(() => store.ReadLatestAsync(["BTCUSDT", hostile], H1));
            await Assert.ThrowsAsync<ArgumentException>(() => store.ReadFeaturesAsync(hostile, H1, TimeRange.All));
            await Assert.ThrowsAsync<ArgumentException>(() => store.ReadFeatureInfoAsync(hostile, H1));
            await Assert.ThrowsAsync<ArgumentException>(() => store.ReadRevisionsAsync(hostile, H1, TimeRange.All));
            await Assert.ThrowsAsync<ArgumentException>(() => store.SubscribeAsync(hostile, H1, _ => { }));
            await Assert.ThrowsAsync<ArgumentException>(() => store.SubscribeAsync("BTC*", null, _ => { }));
            Assert.Throws<ArgumentException>(() => store.LatestKey("a b", H1));
            var engine = new StreamingFeatureEngine(H1, MarketColumns.Required);
            var ex = Assert.Throws<ArgumentException>(() => new RedisFeaturePublisher(store, engine, hostile));
            Assert.Contains("Invalid symbol", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            redis.Connection.RegisterProfiler(() => null);
        }

        Assert.Empty(session.FinishProfiling());
        Assert.Empty(redis.Keys(store.Options.KeyPrefix));
    }

    [Fact]
    public async Task Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => Store(prefix: "qf "));
        Assert.Throws<ArgumentException>(() => Store(prefix: "qf:*"));
        Assert.Throws<ArgumentException>(() => Store(prefix: ""));
        Assert.Throws<ArgumentException>(() => Store(prefix: new string('a', 65)));
        Assert.Throws<ArgumentException>(() => Store(history: 0));
        Assert.Throws<ArgumentException>(() => Store(ttl: TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => FeatureLayout.Create(["a", "a"]));
        Assert.Throws<ArgumentException>(() => FeatureLayout.Create(["a\nb"]));
        Assert.Throws<ArgumentException>(() => FeatureLayout.Create([]));
        var store = Store();
        await Assert.ThrowsAsync<ArgumentException>(() => store.PublishAsync("BTCUSDT", H1, T0, AB, new[] { 1.0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.PublishAsync("BTCUSDT", H1, long.MaxValue, AB, new[] { 1.0, 2.0 }));
    }

    private static string[] Sorted(HashEntry[] entries) => [.. entries.Select(e => e.Name + "=" + Convert.ToHexString((byte[])e.Value!)).Order()];

    private static async Task WaitFor(Func<bool> condition, int timeoutMs = 5_000)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.ElapsedMilliseconds < timeoutMs, "timed out waiting for the condition");
            await Task.Delay(10);
        }
    }
}
