using QuantFeatures.Data;
using QuantFeatures.Storage.Contract;
using QuantFeatures.Storage.Csv;
using QuantFeatures.Streaming;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace QuantFeatures.Storage.Redis.Tests;

/// <summary>Streaming replay through Redis equals batch; a killed connection leaves no partial write; concurrent
/// publishers leave exactly one row per (bar, revision).</summary>
[Collection(RedisCollection.Name)]
public sealed class PipelineTests(RedisServer redis, ITestOutputHelper output)
{
    private static readonly Timeframe H1 = Timeframe.Parse("1h");

    private static MarketFrame BtcSample()
    {
        var source = CsvSources.Klines(MarketStoreContract.Sample("1h", "BTCUSDT-1h.csv"));
        return new MarketDataLoader(source).LoadAsync("BTCUSDT", H1, TimeRange.All).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task Features_served_through_redis_from_a_replay_equal_the_batch_features_of_the_file()
    {
        var frame = BtcSample();
        Assert.True(frame.Length > 500);
        var batch = new FeatureEngineer().ComputeAll(frame);
        var store = new RedisFeatureStore(redis.Connection, new RedisFeatureStoreOptions { KeyPrefix = RedisServer.UniquePrefix(), HistoryLength = frame.Length });
        var engine = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, batch.Names);
        var publisher = new RedisFeaturePublisher(store, engine, "BTCUSDT");
        var bar = new StreamingBar();
        var pending = new List<Task<PublishOutcome>>();
        for (int t = 0; t < frame.Length; t++)
        {
            pending.Add(publisher.UpdateAsync(bar.Load(frame, t))); // pipelined: awaited together below
            if (t == 100)
            {
                // The live view mid-replay: the latest row is the batch row of the bar just published.
                await pending[^1];
                var live = await store.ReadLatestAsync("BTCUSDT", H1);
                Assert.Equal(frame.Time[100], live!.BarTime);
                var expected = new double[batch.ColumnCount];
                batch.CopyRow(100, expected);
                Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), live.Values.Select(BitConverter.DoubleToInt64Bits));
            }
        }

        var outcomes = await Task.WhenAll(pending);
        Assert.All(outcomes, o => Assert.Equal(PublishStatus.Created, o.Status));

        var latest = await store.ReadLatestAsync("BTCUSDT", H1);
        var last = new double[batch.ColumnCount];
        batch.CopyRow(batch.RowCount - 1, last);
        Assert.Equal(frame.Time[^1], latest!.BarTime);
        Assert.Equal(batch.Names, latest.Names);
        Assert.Equal(last.Select(BitConverter.DoubleToInt64Bits), latest.Values.Select(BitConverter.DoubleToInt64Bits));

        // Every row the replay published, read back from the history, is the batch matrix bit for bit.
        FeatureStoreContract.AssertSame(batch, await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All));
    }

    [Fact]
    public async Task A_connection_killed_mid_batch_leaves_no_partial_write()
    {
        string prefix = RedisServer.UniquePrefix();
        const int rows = 4_000;
        const int columns = 160;
        var time = Enumerable.Range(0, rows).Select(i => 1_700_000_000_000L + i * 3_600_000L).ToArray();
        var names = Enumerable.Range(0, columns).Select(j => "f" + j).ToArray();
        var data = Enumerable.Range(0, columns).Select(j => Enumerable.Range(0, rows).Select(i => i + j * 1e-3).ToArray()).ToArray();
        var matrix = FeatureMatrix.Create("BTCUSDT", H1, time, names, data); // ~5 MB of arguments in one script call
        var info = new FeatureSetInfo("t", names.ToDictionary(n => n, n => ""));

        int killedWhileSending = 0, outcomesSeen = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            string clientName = "qf-victim-" + attempt;
            using var victim = redis.Connect(name: clientName);
            var store = new RedisFeatureStore(victim, new RedisFeatureStoreOptions { KeyPrefix = prefix + attempt + ":", HistoryLength = rows });
            var server = redis.Admin.GetServers()[0];
            var write = store.WriteFeaturesAsync(matrix, info);

            // Kill the writer's connection as soon as the server shows it mid-command (a partly received query buffer).
            long? id = null;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            while (id is null && !write.IsCompleted && sw.ElapsedMilliseconds < 5_000)
            {
                var client = (await server.ClientListAsync()).FirstOrDefault(c => c.Name == clientName && c.Raw is { } raw
                    && raw.Contains("qbuf=", StringComparison.Ordinal) && !raw.Contains(" qbuf=0 ", StringComparison.Ordinal));
                if (client is not null)
                {
                    id = client.Id;
                    await server.ClientKillAsync(id);
                    killedWhileSending++;
                }
            }

            try
            {
                await write;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
            }

            // All or nothing: the series has every row (the script ran whole) or none (it never ran).
            var check = new RedisFeatureStore(redis.Connection, store.Options);
            var revisions = await check.ReadRevisionsAsync("BTCUSDT", H1, TimeRange.All);
            Assert.True(revisions.Count is 0 or rows, $"attempt {attempt}: {revisions.Count} of {rows} rows stored");
            var latest = await check.ReadLatestAsync("BTCUSDT", H1);
            Assert.Equal(revisions.Count == 0 ? null : time[^1], latest?.BarTime);
            if (revisions.Count == 0)
            {
                Assert.Empty(redis.Keys(store.Options.KeyPrefix));
            }

            output.WriteLine($"attempt {attempt}: killed mid-command {id is not null}, write {(write.IsCompletedSuccessfully ? "completed" : "failed")}, rows stored {revisions.Count}");
            outcomesSeen++;
        }

        Assert.Equal(5, outcomesSeen);
        Assert.True(killedWhileSending > 0, "the connection was never caught mid-command; the test proved nothing");
    }

    [Fact]
    public async Task Concurrent_publishers_of_the_same_and_overlapping_bars_leave_one_row_per_bar_and_revision()
    {
        string prefix = RedisServer.UniquePrefix();
        var layout = FeatureLayout.Create(["a", "b"], new FeatureSetInfo("t", new Dictionary<string, string> { ["a"] = "", ["b"] = "" }));
        long t0 = 1_700_000_000_000L, h = H1.Milliseconds;
        const int publishers = 6;
        var connections = Enumerable.Range(0, publishers).Select(_ => redis.Connect()).ToArray();
        try
        {
            var stores = connections.Select(c => new RedisFeatureStore(c, new RedisFeatureStoreOptions { KeyPrefix = prefix })).ToArray();

            // Phase 1: publisher p publishes bars p·5 … p·5 + 19 with the values every publisher gives a bar.
            using var start = new SemaphoreSlim(0);
            var tasks = stores.Select((s, p) => Task.Run(async () =>
            {
                await start.WaitAsync();
                var results = new List<PublishOutcome>();
                for (int i = p * 5; i < p * 5 + 20; i++)
                {
                    results.Add(await s.PublishAsync("BTCUSDT", H1, t0 + i * h, layout, new[] { i, i * 0.5 }));
                }

                return results;
            })).ToArray();
            start.Release(publishers);
            var all = (await Task.WhenAll(tasks)).SelectMany(r => r).ToList();
            int bars = (publishers - 1) * 5 + 20;

            // Published in parallel, bars interleave: a publisher may find a later bar stored, then its bar is rejected
            // unless another publisher stored it first. Either way every bar has exactly one row, revision 1.
            var revisions = await stores[0].ReadRevisionsAsync("BTCUSDT", H1, TimeRange.All);
            var byBar = revisions.GroupBy(r => r.BarTime).ToDictionary(g => g.Key, g => g.ToList());
            Assert.All(byBar.Values, g => Assert.Equal([1], g.Select(r => r.Revision.Revision)));
            Assert.Equal(byBar.Count, all.Count(o => o.Status == PublishStatus.Created));
            Assert.Equal(0, all.Count(o => o.Status == PublishStatus.Revised));
            Assert.Equal(t0 + (bars - 1) * h, (await stores[0].ReadLatestAsync("BTCUSDT", H1))!.BarTime);

            // Phase 2: every publisher corrects one stored bar with values of its own, at once: revisions 2 … publishers + 1,
            // each exactly once, each amending the one before.
            long target = byBar.Keys.Max();
            var corrections = await Task.WhenAll(stores.Select((s, p) => Task.Run(() => s.PublishAsync("BTCUSDT", H1, target, layout, new[] { 1000.0 + p, -p }))));
            Assert.All(corrections, c => Assert.Equal(PublishStatus.Revised, c.Status));
            Assert.Equal(Enumerable.Range(2, publishers), corrections.Select(c => c.Revision).Order());
            var chain = (await stores[0].ReadRevisionsAsync("BTCUSDT", H1, new TimeRange(target, target + 1))).ToList();
            Assert.Equal(Enumerable.Range(1, publishers + 1), chain.Select(r => r.Revision.Revision));
            Assert.All(chain.Skip(1), r => Assert.Equal(r.Revision.Revision - 1, r.Revision.AmendedFrom));
            Assert.Equal(publishers, chain.Skip(1).Select(r => r.Values[0]).Distinct().Count());
        }
        finally
        {
            foreach (var c in connections)
            {
                c.Dispose();
            }
        }
    }
}
