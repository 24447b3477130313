using QuantFeatures.Data;
using Xunit;

namespace QuantFeatures.Storage.Contract;

/// <summary>The rules every feature store keeps: exact round trip (NaN, ±0, subnormals), idempotent rewrites, revisions
/// with latest and as-of reads, column and range selection, the catalogue version and definitions stored with the values.</summary>
public abstract class FeatureStoreContract
{
    protected static readonly Timeframe H1 = Timeframe.Parse("1h");

    /// <summary>A fresh, empty feature store whose writes take their fetched_at from <paramref name="clock"/>.</summary>
    protected abstract Task<IFeatureStore> CreateFeatureStoreAsync(TimeProvider clock);

    /// <summary>The features of the real BTCUSDT 1h sample, computed by the batch engine.</summary>
    public static FeatureMatrix SampleFeatures(int rows = 600)
    {
        var source = QuantFeatures.Storage.Csv.CsvSources.Klines(MarketStoreContract.Sample("1h", "BTCUSDT-1h.csv"));
        var frame = new MarketDataLoader(source).LoadAsync("BTCUSDT", H1, TimeRange.All).GetAwaiter().GetResult();
        return new FeatureEngineer().ComputeAll(frame.Slice(0, Math.Min(rows, frame.Length)));
    }

    public static void AssertSame(FeatureMatrix expected, FeatureMatrix actual)
    {
        Assert.Equal(expected.Symbol, actual.Symbol);
        Assert.Equal(expected.Timeframe, actual.Timeframe);
        Assert.Equal(expected.Time.ToArray(), actual.Time.ToArray());
        Assert.Equal(expected.Names, actual.Names);
        for (int j = 0; j < expected.ColumnCount; j++)
        {
            var e = expected[j];
            var a = actual[j];
            for (int i = 0; i < e.Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(a[i]),
                    $"{expected.Names[j]} row {i}: {e[i]:R} stored, {a[i]:R} read");
            }
        }
    }

    [Fact]
    public async Task Feature_round_trip_is_bit_exact_and_carries_the_catalogue_version()
    {
        var store = await CreateFeatureStoreAsync(new ManualClock(DateTimeOffset.UnixEpoch.AddYears(56)));
        var features = SampleFeatures();
        Assert.Equal((long)features.RowCount * features.ColumnCount, await store.WriteFeaturesAsync(features));
        AssertSame(features, await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All));

        var info = await store.ReadFeatureInfoAsync("BTCUSDT", H1);
        Assert.NotNull(info);
        Assert.Equal(FeatureCatalog.CatalogVersion, info!.CatalogVersion);
        Assert.Equal(features.Names.Order(), info.Definitions.Keys.Order());
        // Every definition comes back exactly as FeatureSetInfo.For wrote it (the RSI's is its formula, which does not name it).
        var written = FeatureSetInfo.For(features).Definitions;
        Assert.All(features.Names, name => Assert.Equal(written[name], info.Definitions[name]));
        Assert.Contains("Wilder", info.Definitions["rsi_14"], StringComparison.Ordinal);
        Assert.Null(await store.ReadFeatureInfoAsync("ETHUSDT", H1));
    }

    [Fact]
    public async Task Special_values_survive()
    {
        var store = await CreateFeatureStoreAsync(new ManualClock(DateTimeOffset.UnixEpoch));
        double[] odd = [double.NaN, -0.0, 0.0, double.Epsilon, -double.Epsilon, double.MaxValue, 1e-310, Math.PI, double.PositiveInfinity];
        long[] time = [.. Enumerable.Range(0, odd.Length).Select(i => 1_700_000_000_000L + i * 3_600_000L)];
        var m = FeatureMatrix.Create("ETHUSDT", H1, time, ["a", "b"], [odd, [.. odd.Reverse()]]);
        await store.WriteFeaturesAsync(m, new FeatureSetInfo("test", new Dictionary<string, string> { ["a"] = "x", ["b"] = "y" }));
        AssertSame(m, await store.ReadFeaturesAsync("ETHUSDT", H1, TimeRange.All));
    }

    [Fact]
    public async Task Rewriting_the_same_features_changes_nothing_and_a_changed_value_is_a_revision()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = await CreateFeatureStoreAsync(clock);
        var features = SampleFeatures(200);
        await store.WriteFeaturesAsync(features);
        long first = clock.NowMs;
        Assert.Equal(0, await store.WriteFeaturesAsync(features));

        clock.Advance(TimeSpan.FromMinutes(1));
        var columns = Enumerable.Range(0, features.ColumnCount).Select(j => features[j].ToArray()).ToArray();
        int rsi = features.IndexOf("rsi_14");
        columns[rsi][150] += 1;
        var changed = FeatureMatrix.Create("BTCUSDT", H1, features.Time.ToArray(), features.Names, columns);
        Assert.Equal(1, await store.WriteFeaturesAsync(changed));

        AssertSame(changed, await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All));
        AssertSame(features, await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All, options: new StoreReadOptions { AsOf = first }));
    }

    [Fact]
    public async Task Reads_select_columns_and_a_time_range()
    {
        var store = await CreateFeatureStoreAsync(new ManualClock(DateTimeOffset.UnixEpoch));
        var features = SampleFeatures(300);
        await store.WriteFeaturesAsync(features);
        var range = new TimeRange(features.Time[100], features.Time[150]);
        var part = await store.ReadFeaturesAsync("BTCUSDT", H1, range, ["rsi_14", "log_return_1"]);
        Assert.Equal(["rsi_14", "log_return_1"], part.Names);
        Assert.Equal(features.Time[100..150].ToArray(), part.Time.ToArray());
        Assert.True(features["rsi_14"][100..150].SequenceEqual(part["rsi_14"]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ReadFeaturesAsync("BTCUSDT", H1, range, ["no_such_feature"]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ReadFeaturesAsync("BTC'; DROP TABLE features;--", H1, range));
    }

    [Fact]
    public async Task Appending_later_rows_keeps_the_earlier_ones()
    {
        var store = await CreateFeatureStoreAsync(new ManualClock(DateTimeOffset.UnixEpoch));
        var all = SampleFeatures(400);
        Matrix(all, 0, 250, out var head);
        Matrix(all, 200, 400, out var tail);
        await store.WriteFeaturesAsync(head);
        Assert.Equal(150L * all.ColumnCount, await store.WriteFeaturesAsync(tail));
        AssertSame(all, await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All));
    }

    private static void Matrix(FeatureMatrix m, int from, int to, out FeatureMatrix part) =>
        part = FeatureMatrix.Create(m.Symbol, m.Timeframe, m.Time[from..to].ToArray(), m.Names,
            [.. Enumerable.Range(0, m.ColumnCount).Select(j => m[j][from..to].ToArray())]);
}
