using Microsoft.Data.Sqlite;
using QuantFeatures.Data;
using QuantFeatures.Storage.Contract;
using Xunit;

namespace QuantFeatures.Storage.Sqlite.Tests;

/// <summary>Atomic batches under injected failures, cancellation and a second writer; the feature layout's revisions.</summary>
public sealed class BatchTests
{
    private static readonly Timeframe H1 = Timeframe.OneHour;

    private static async Task<(SqliteMarketStore Store, TempDir Dir)> StoreFailingAt(int row, Func<Exception>? failure = null)
    {
        var dir = new TempDir();
        await (await SqliteMarketStore.OpenAsync(dir.File())).DisposeAsync();
        var store = new SqliteMarketStore(dir.File(), new SqliteStoreOptions
        {
            AfterRowWritten = n =>
            {
                if (n == row)
                {
                    throw failure?.Invoke() ?? new InvalidOperationException("injected failure");
                }
            },
        });
        return (store, dir);
    }

    [Fact]
    public async Task A_failure_after_half_a_batch_leaves_nothing_of_it()
    {
        var (store, dir) = await StoreFailingAt(6_000);
        using var _ = dir;
        await using var __ = store;
        var first = MarketStoreContract.Records.Bars(5_000);
        Assert.Equal(5_000, await store.KlineSink(H1).WriteAsync("BTCUSDT", first)); // 5,000 rows: the hook never reaches 6,000
        var next = MarketStoreContract.Records.Bars(12_000).Select(b => b with { Volume = b.Volume + 1 }).ToArray();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.KlineSink(H1).WriteAsync("BTCUSDT", next));
        Assert.Equal("injected failure", ex.Message);
        Assert.Equal(5_000, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
        Assert.Equal(first, await MarketStoreContract.ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));

        var oi = MarketStoreContract.Records.OpenInterest(7_000);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.Sink<OpenInterestSnapshot>().WriteAsync("BTCUSDT", oi));
        Assert.Equal(0, await store.CountAsync(RecordKind.OpenInterest, "BTCUSDT"));
    }

    [Fact]
    public async Task Cancelling_mid_batch_rolls_it_back()
    {
        using var cts = new CancellationTokenSource();
        var (store, dir) = await StoreFailingAt(3_000, () =>
        {
            cts.Cancel();
            return new OperationCanceledException(cts.Token);
        });
        using var _ = dir;
        await using var __ = store;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.KlineSink(H1).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(8_000), cts.Token));
        Assert.Equal(0, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
    }

    [Fact]
    public async Task A_failed_feature_write_leaves_neither_values_nor_names_nor_info()
    {
        var (store, dir) = await StoreFailingAt(100);
        using var _ = dir;
        await using var __ = store;
        var features = FeatureStoreContract.SampleFeatures(300);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteFeaturesAsync(features));
        Assert.Null(await store.ReadFeatureInfoAsync("BTCUSDT", H1));
        var empty = await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All);
        Assert.Equal(0, empty.RowCount);
        Assert.Equal(0, empty.ColumnCount);
    }

    [Fact]
    public async Task An_open_batch_holds_off_other_writers_while_readers_see_the_last_commit()
    {
        using var dir = new TempDir();
        string file = dir.File();
        await using (var init = await SqliteMarketStore.OpenAsync(file))
        {
            await init.KlineSink(H1).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(100));
        }

        using var inside = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        await using var slow = new SqliteMarketStore(file, new SqliteStoreOptions
        {
            AfterRowWritten = n =>
            {
                if (n == 1_000)
                {
                    inside.Release();
                    release.Wait();
                }
            },
        });
        var writing = Task.Run(() => slow.KlineSink(H1).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(2_000)));
        Assert.True(await inside.WaitAsync(TimeSpan.FromMinutes(1)));

        await using var other = new SqliteMarketStore(file, new SqliteStoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(300) });
        Assert.Equal(100, await other.CountAsync(RecordKind.Kline, "BTCUSDT", H1)); // a snapshot of the last commit
        var busy = await Assert.ThrowsAsync<SqliteException>(() => other.Sink<FundingSettlement>().WriteAsync("BTCUSDT", MarketStoreContract.Records.Funding(3)));
        Assert.Equal(5, busy.SqliteErrorCode); // SQLITE_BUSY: BEGIN IMMEDIATE waited for the open batch, then gave up

        release.Release();
        Assert.Equal(1_900, await writing);
        Assert.Equal(2_000, await other.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
        Assert.Equal(0, await other.CountAsync(RecordKind.Funding, "BTCUSDT"));
    }

    [Fact]
    public async Task Feature_corrections_store_only_the_changed_values_and_later_features_extend_the_rows()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch.AddYears(50));
        await using var store = await TempDir.NewStoreAsync(clock);
        long[] time = [.. Enumerable.Range(0, 5).Select(i => 1_700_000_000_000L + i * 3_600_000L)];
        var m1 = FeatureMatrix.Create("BTCUSDT", H1, time, ["a", "b"], [[1, 2, 3, 4, 5], [10, 20, 30, 40, 50]]);
        var info = new FeatureSetInfo("v1", new Dictionary<string, string> { ["a"] = "A", ["b"] = "B", ["c"] = "C" });
        Assert.Equal(10, await store.WriteFeaturesAsync(m1, info));
        long t1 = clock.NowMs;
        clock.Advance(TimeSpan.FromMinutes(1));

        // A new feature c for the same bars, and one changed value of a.
        var m2 = FeatureMatrix.Create("BTCUSDT", H1, time, ["c", "a"], [[7, 7, 7, 7, 7], [1, 2, 3.5, 4, 5]]);
        Assert.Equal(6, await store.WriteFeaturesAsync(m2, info with { CatalogVersion = "v2" }));
        var all = await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All);
        Assert.Equal(["a", "b", "c"], all.Names);
        Assert.Equal([1, 2, 3.5, 4, 5], all["a"].ToArray());
        Assert.Equal([10, 20, 30, 40, 50], all["b"].ToArray());
        Assert.Equal([7, 7, 7, 7, 7], all["c"].ToArray());

        var old = await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All, options: new StoreReadOptions { AsOf = t1 });
        Assert.Equal([1, 2, 3, 4, 5], old["a"].ToArray());
        Assert.True(old["c"].ToArray().All(double.IsNaN)); // c was not known at t1
        var onlyC = await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All, ["c"], new StoreReadOptions { AsOf = t1 });
        Assert.Equal(0, onlyC.RowCount);

        Assert.Equal("v2", (await store.ReadFeatureInfoAsync("BTCUSDT", H1))!.CatalogVersion);
        using var c = new SqliteConnection($"Data Source={store.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT revision, length(vals) FROM feature_values WHERE time = $t ORDER BY revision;";
        cmd.Parameters.AddWithValue("$t", time[2]);
        using var r = cmd.ExecuteReader();
        var rows = new List<(long, long)>();
        while (r.Read())
        {
            rows.Add((r.GetInt64(0), r.GetInt64(1)));
        }

        Assert.Equal([(1L, 16L), (2L, 16L)], rows); // revision 2 holds c and the changed a, not b
    }
}
