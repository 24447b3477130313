using QuantFeatures.Data;
using QuantFeatures.Storage.Contract;
using Xunit;

namespace QuantFeatures.Storage.Parquet.Tests;

/// <summary>Feature files beyond the shared contract: new features widen the file, partial writes keep the other
/// features, as-of reads across revisions, names that cannot be columns.</summary>
public sealed class ParquetFeatureTests : IDisposable
{
    private static readonly Timeframe H1 = Timeframe.Parse("1h");
    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private ParquetMarketStore NewStore(int rowGroupSize = 4) =>
        new(_dir.Path, new ParquetStoreOptions { RowGroupSize = rowGroupSize, Durable = false, TimeProvider = _clock });

    private static long[] Times(int from, int to) => [.. Enumerable.Range(from, to - from).Select(i => 1_700_000_000_000L + i * 3_600_000L)];

    private static double[] Col(int from, int to, double scale) => [.. Enumerable.Range(from, to - from).Select(i => i * scale)];

    [Fact]
    public async Task A_new_feature_widens_the_file_and_old_rows_read_it_as_NaN()
    {
        var store = NewStore();
        var ab = FeatureMatrix.Create("BTCUSDT", H1, Times(0, 10), ["a", "b"], [Col(0, 10, 1), Col(0, 10, 2)]);
        Assert.Equal(20, await store.WriteFeaturesAsync(ab, new FeatureSetInfo("v1", new Dictionary<string, string> { ["a"] = "A", ["b"] = "B" })));
        long first = _clock.NowMs;
        _clock.Advance(TimeSpan.FromMinutes(1));

        // c for rows 5–14: rows 5–9 gain one new value each, rows 10–14 are new (a and b absent: NaN).
        var c = FeatureMatrix.Create("BTCUSDT", H1, Times(5, 15), ["c"], [Col(5, 15, 3)]);
        Assert.Equal(10, await store.WriteFeaturesAsync(c, new FeatureSetInfo("v2", new Dictionary<string, string> { ["c"] = "C" })));

        var all = await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All);
        Assert.Equal(["a", "b", "c"], all.Names);
        Assert.Equal(Times(0, 15), all.Time.ToArray());
        double[] expectA = [.. Col(0, 10, 1), .. Enumerable.Repeat(double.NaN, 5)];
        double[] expectC = [.. Enumerable.Repeat(double.NaN, 5), .. Col(5, 15, 3)];
        Assert.Equal(expectA, all["a"].ToArray());
        Assert.Equal(expectC, all["c"].ToArray());

        var info = await store.ReadFeatureInfoAsync("BTCUSDT", H1);
        Assert.Equal("v2", info!.CatalogVersion);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "A", ["b"] = "B", ["c"] = "C" }, info.Definitions);

        // As of the first write: the first state (c absent then: NaN), rows 10–14 unknown.
        var old = await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All, ["a", "c"], new StoreReadOptions { AsOf = first });
        Assert.Equal(Times(0, 10), old.Time.ToArray());
        Assert.Equal(Col(0, 10, 1), old["a"].ToArray());
        Assert.All(old["c"].ToArray(), v => Assert.True(double.IsNaN(v)));

        // Writing the same c again changes nothing.
        Assert.Equal(0, await store.WriteFeaturesAsync(c, new FeatureSetInfo("v2", new Dictionary<string, string> { ["c"] = "C" })));
    }

    [Fact]
    public async Task A_write_of_some_features_keeps_the_others_and_counts_only_changed_values()
    {
        var store = NewStore();
        var ab = FeatureMatrix.Create("ETHUSDT", H1, Times(0, 6), ["a", "b"], [Col(0, 6, 1), Col(0, 6, 2)]);
        await store.WriteFeaturesAsync(ab);
        long first = _clock.NowMs;
        _clock.Advance(TimeSpan.FromHours(1));
        double[] b2 = Col(0, 6, 2);
        b2[1] = -1;
        b2[4] = double.NaN;
        Assert.Equal(2, await store.WriteFeaturesAsync(FeatureMatrix.Create("ETHUSDT", H1, Times(0, 6), ["b"], [b2])));
        var now = await store.ReadFeaturesAsync("ETHUSDT", H1, TimeRange.All);
        Assert.Equal(Col(0, 6, 1), now["a"].ToArray());
        Assert.Equal(b2, now["b"].ToArray());
        var then = await store.ReadFeaturesAsync("ETHUSDT", H1, TimeRange.All, options: new StoreReadOptions { AsOf = first });
        Assert.Equal(Col(0, 6, 2), then["b"].ToArray());

        // The revisions are rows: 6 of revision 1 and 2 of revision 2 amending 1.
        await using var reader = await global::Parquet.ParquetReader.CreateAsync(store.FeaturePath("ETHUSDT", H1));
        var revisions = new List<int>();
        foreach (var g in reader.RowGroups)
        {
            var r = new int[g.RowCount];
            await g.ReadAsync<int>(reader.Schema.DataFields[1], r);
            revisions.AddRange(r);
        }

        Assert.Equal([1, 1, 1, 1, 1, 1, 2, 2], revisions);
    }

    [Theory]
    [InlineData("time")]
    [InlineData("fetched_at")]
    [InlineData("a b")]
    [InlineData("../x")]
    [InlineData("")]
    public async Task A_feature_name_that_cannot_be_a_column_is_rejected_before_anything_is_written(string name)
    {
        var store = NewStore();
        var m = FeatureMatrix.Create("BTCUSDT", H1, Times(0, 2), [name], [Col(0, 2, 1)]);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.WriteFeaturesAsync(m));
        Assert.Contains("cannot be a column", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(store.FeaturePath("BTCUSDT", H1)));
    }

    [Fact]
    public async Task Reading_features_that_were_never_stored_is_empty_or_names_the_missing_feature()
    {
        var store = NewStore();
        var empty = await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All);
        Assert.Equal(0, empty.RowCount);
        Assert.Empty(empty.Names);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All, ["rsi_14"]));
        Assert.Contains("rsi_14", e.Message, StringComparison.Ordinal);
    }
}
