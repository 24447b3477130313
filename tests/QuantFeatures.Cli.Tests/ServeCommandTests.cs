using System.Globalization;
using QuantFeatures.Cli.Tests.Support;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv;
using QuantFeatures.Storage.Redis;
using QuantFeatures.Storage.Redis.Tests;

namespace QuantFeatures.Cli.Tests;

/// <summary>serve: the BTCUSDT sample replayed into a private Redis; the latest row equals the batch engine's last row.</summary>
[Collection(RedisCollection.Name)]
public class ServeCommandTests(RedisServer redis)
{
    private static readonly Timeframe H1 = Timeframe.Parse("1h");

    [Fact]
    public async Task Serving_the_btc_sample_publishes_the_batch_engines_last_row_and_reserving_changes_nothing()
    {
        string prefix = RedisServer.UniquePrefix();
        redis.Connection.GetDatabase().Ping(); // the server is up (or the fixture says why not)
        string[] args = ["serve", "--input", Repo.BtcHourly, "--symbol", "BTCUSDT", "--store", "redis:" + redis.Endpoint, "--key-prefix", prefix, "--warm-up", "300"];
        var first = CliRunner.Ok(args);

        var frame = await new MarketDataLoader(CsvSources.Klines(Repo.BtcHourly)).LoadAsync("BTCUSDT", H1, TimeRange.All);
        var batch = new FeatureEngineer().ComputeAll(frame);
        int published = frame.Length - 300;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"serve: {frame.Length} bars of BTCUSDT 1h"), first.Stdout, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{published} created, 0 revised, 0 unchanged, 0 rejected"), first.Stdout, StringComparison.Ordinal);
        Assert.Contains("updates/s", first.Stdout, StringComparison.Ordinal);

        var store = new RedisFeatureStore(redis.Connection, new RedisFeatureStoreOptions { KeyPrefix = prefix });
        var latest = await store.ReadLatestAsync("BTCUSDT", H1);
        Assert.NotNull(latest);
        Assert.Equal(frame.Time[^1], latest!.BarTime);
        Assert.Equal(batch.Names, latest.Names);
        var last = new double[batch.ColumnCount];
        batch.CopyRow(batch.RowCount - 1, last);
        Assert.Equal(last.Select(BitConverter.DoubleToInt64Bits), latest.Values.Select(BitConverter.DoubleToInt64Bits));

        // The warm-up bars were not published; the published ones are retained with revision 1.
        var revisions = await store.ReadRevisionsAsync("BTCUSDT", H1, TimeRange.All);
        Assert.Equal(published, revisions.Count);
        Assert.Equal(frame.Time[300], revisions[0].BarTime);

        var again = CliRunner.Ok(args);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"0 created, 0 revised, {published} unchanged, 0 rejected"), again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_store_options_are_one_line_errors()
    {
        Assert.Contains("--store must be redis:HOST:PORT", CliRunner.Run("serve", "--store", "postgres:x").AssertSingleLineError(2), StringComparison.Ordinal);
        Assert.Contains("a redis store is redis:HOST:PORT", CliRunner.Run("serve", "--store", "redis:localhost").AssertSingleLineError(2), StringComparison.Ordinal);
        Assert.Contains("needs --store", CliRunner.Run("serve").AssertSingleLineError(2), StringComparison.Ordinal);
        Assert.Contains("Invalid symbol", CliRunner.Run("serve", "--store", "redis:127.0.0.1:1", "--symbol", "BTC'; DROP TABLE ohlcv;--").AssertSingleLineError(1), StringComparison.Ordinal);
        Assert.Contains("Cannot reach Redis", CliRunner.Run("serve", "--store", "redis:127.0.0.1:1").AssertSingleLineError(1), StringComparison.Ordinal);
    }
}
