using Parquet;
using Parquet.Schema;
using QuantFeatures.Data;
using QuantFeatures.Storage.Contract;
using Xunit;
using static QuantFeatures.Storage.Contract.MarketStoreContract;

namespace QuantFeatures.Storage.Parquet.Tests;

/// <summary>The files the store writes: where, which columns and metadata, appends that keep the old bytes, range
/// reads that skip row groups, and clear errors for files that are not the store's.</summary>
public sealed class ParquetLayoutTests : IDisposable
{
    private static readonly Timeframe H1 = Timeframe.Parse("1h");
    private readonly TempDirectory _dir = new();

    private ParquetMarketStore NewStore(int rowGroupSize = 131_072, TimeProvider? clock = null) =>
        new(_dir.Path, new ParquetStoreOptions { RowGroupSize = rowGroupSize, Durable = false, TimeProvider = clock ?? new ManualClock(DateTimeOffset.UnixEpoch.AddYears(55)) });

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Files_sit_at_the_documented_paths_with_record_and_revision_columns()
    {
        var store = NewStore();
        await store.KlineSink(H1).WriteAsync("BTCUSDT", Records.Bars(10));
        await store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", Records.Liquidations(4));
        await store.Sink<FundingSettlement>().WriteAsync("BTCUSDT", Records.Funding(3));
        await store.WriteFeaturesAsync(FeatureMatrix.Create("BTCUSDT", H1, [1, 2], ["x"], [[1.5, 2.5]]));

        Assert.True(File.Exists(Path.Combine(_dir.Path, "BTCUSDT", "1h.parquet")));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "BTCUSDT", "liquidations.parquet")));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "BTCUSDT", "funding.parquet")));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "BTCUSDT", "1h.features.parquet")));
        Assert.Equal(store.RecordPath(RecordKind.OpenInterest, "BTCUSDT"), Path.Combine(_dir.Path, "BTCUSDT", "open_interest.parquet"));

        await using (var reader = await ParquetReader.CreateAsync(store.KlinePath("BTCUSDT", H1)))
        {
            Assert.Equal(
                ["time", "open", "high", "low", "close", "volume", "quote_volume", "trades", "taker_buy_volume", "taker_buy_quote_volume", "revision", "amended_from", "fetched_at"],
                reader.Schema.DataFields.Select(f => f.Name));
            Assert.Equal("kline", reader.CustomMetadata["quantfeatures.kind"]);
            Assert.Equal("1h", reader.CustomMetadata["quantfeatures.timeframe"]);

            // Any Parquet reader sees the values: the time column is the bars' open times.
            var time = new long[10];
            await reader.RowGroups[0].ReadAsync<long>(reader.Schema.DataFields[0], time);
            Assert.Equal(Records.Bars(10).Select(b => b.Time), time);
        }

        await using (var reader = await ParquetReader.CreateAsync(store.RecordPath(RecordKind.Liquidation, "BTCUSDT")))
        {
            Assert.Equal(["time", "side", "price", "quantity", "revision", "amended_from", "fetched_at"], reader.Schema.DataFields.Select(f => f.Name));
            var side = new string[4];
            await reader.RowGroups[0].ReadAsync(reader.Schema.DataFields[1], side);
            Assert.Equal(Records.Liquidations(4).Select(l => l.Side == LiquidationSide.Long ? "long" : "short"), side);
        }

        await using (var reader = await ParquetReader.CreateAsync(store.FeaturePath("BTCUSDT", H1)))
        {
            Assert.Equal(["time", "revision", "amended_from", "fetched_at", "x"], reader.Schema.DataFields.Select(f => f.Name));
            Assert.Equal(FeatureCatalog.CatalogVersion, reader.CustomMetadata["quantfeatures.catalog_version"]);
            Assert.Equal("{\"x\":\"\"}", reader.CustomMetadata["quantfeatures.definitions"]);
        }
    }

    [Fact]
    public async Task An_append_adds_row_groups_after_the_old_bytes_and_leaves_them_unchanged()
    {
        var store = NewStore(rowGroupSize: 100);
        var bars = Records.Bars(1_001);
        await store.KlineSink(H1).WriteAsync("BTCUSDT", bars[..1_000]);
        string path = store.KlinePath("BTCUSDT", H1);
        byte[] before = await File.ReadAllBytesAsync(path);
        int footer = BitConverter.ToInt32(before, before.Length - 8);
        long decoded = store.RowGroupsDecoded;

        Assert.Equal(1, await store.KlineSink(H1).WriteAsync("BTCUSDT", [bars[1_000]]));
        Assert.Equal(decoded, store.RowGroupsDecoded); // the new bar is later than every row group: nothing decoded to plan it

        byte[] after = await File.ReadAllBytesAsync(path);
        int dataBytes = before.Length - 8 - footer; // magic + the 10 row groups' column chunks
        Assert.True(after.AsSpan(0, dataBytes).SequenceEqual(before.AsSpan(0, dataBytes)), "the stored row groups' bytes changed");
        await using (var reader = await ParquetReader.CreateAsync(path))
        {
            Assert.Equal(11, reader.RowGroupCount);
            Assert.Equal(1, reader.RowGroups[10].RowCount);
        }

        Assert.Equal(bars, await ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public async Task A_range_read_decodes_only_the_row_groups_it_overlaps()
    {
        var store = NewStore(rowGroupSize: 100);
        var bars = Records.Bars(1_000);
        await store.KlineSink(H1).WriteAsync("BTCUSDT", bars);
        var source = await store.OpenKlinesAsync("BTCUSDT", H1);

        long before = store.RowGroupsDecoded;
        Assert.Equal(bars[210..290], await ReadAll(source, "BTCUSDT", new TimeRange(bars[210].Time, bars[290].Time)));
        Assert.Equal(1, store.RowGroupsDecoded - before); // the row group of bars 200–299 only

        before = store.RowGroupsDecoded;
        Assert.Equal(bars[250..350], await ReadAll(source, "BTCUSDT", new TimeRange(bars[250].Time, bars[350].Time)));
        Assert.Equal(2, store.RowGroupsDecoded - before);

        before = store.RowGroupsDecoded;
        Assert.Empty(await ReadAll(source, "BTCUSDT", new TimeRange(bars[^1].Time + 1, long.MaxValue)));
        Assert.Equal(0, store.RowGroupsDecoded - before);

        // A correction of bar 500 is a row group of its own, overlapping group 5: a read of 500–509 decodes both.
        await store.KlineSink(H1).WriteAsync("BTCUSDT", [bars[500] with { Close = 1 }]);
        before = store.RowGroupsDecoded;
        var part = await ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT", new TimeRange(bars[500].Time, bars[510].Time));
        Assert.Equal([bars[500] with { Close = 1 }, .. bars[501..510]], part);
        Assert.Equal(2, store.RowGroupsDecoded - before);

        // Features: the same skipping.
        int n = 1_000;
        long[] time = [.. bars.Select(b => b.Time)];
        var m = FeatureMatrix.Create("BTCUSDT", H1, time, ["a", "b"], [[.. Enumerable.Range(0, n).Select(i => i * 0.5)], [.. Enumerable.Range(0, n).Select(i => -i * 1.0)]]);
        await store.WriteFeaturesAsync(m);
        before = store.RowGroupsDecoded;
        var f = await store.ReadFeaturesAsync("BTCUSDT", H1, new TimeRange(time[610], time[640]), ["b"]);
        Assert.Equal(time[610..640], f.Time.ToArray());
        Assert.Equal(m["b"][610..640].ToArray(), f["b"].ToArray());
        Assert.Equal(1, store.RowGroupsDecoded - before);
    }

    [Fact]
    public async Task A_file_that_is_not_parquet_is_a_clear_error_and_is_left_alone()
    {
        var store = NewStore();
        string path = store.KlinePath("BTCUSDT", H1);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "open_time,open,high,low,close\n1,2,3,4,5\n");

        var read = await Assert.ThrowsAsync<InvalidDataException>(async () => await ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
        Assert.Contains(path, read.Message, StringComparison.Ordinal);
        Assert.Contains("not a readable Parquet file", read.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDataException>(() => store.KlineSink(H1).WriteAsync("BTCUSDT", Records.Bars(3)));
        Assert.Equal("open_time,open,high,low,close\n1,2,3,4,5\n", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_parquet_file_of_a_foreign_schema_is_a_clear_error()
    {
        var store = NewStore();
        string path = store.RecordPath(RecordKind.Funding, "BTCUSDT");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var a = new DataField<long>("ts", false);
        var b = new DataField<double>("funding_rate", false);
        await using (var fs = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(a, b), fs);
            using var g = writer.CreateRowGroup();
            await g.WriteAsync<long>(a, new long[] { 1, 2 });
            await g.WriteAsync<double>(b, new double[] { 0.1, 0.2 });
        }

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(store.Source<FundingSettlement>(), "BTCUSDT"));
        Assert.Contains("not one of this store's files", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);

        // A store file whose columns were changed by another tool: the message lists both column sets.
        File.Delete(path);
        await store.Sink<FundingSettlement>().WriteAsync("BTCUSDT", Records.Funding(2));
        File.Move(path, store.RecordPath(RecordKind.OpenInterest, "BTCUSDT"));
        var kind = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(store.Source<OpenInterestSnapshot>(), "BTCUSDT"));
        Assert.Contains("holds 'funding' records", kind.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bar_file_of_another_timeframe_or_symbol_is_refused()
    {
        var store = NewStore();
        await store.KlineSink(H1).WriteAsync("BTCUSDT", Records.Bars(5));
        Directory.CreateDirectory(Path.Combine(_dir.Path, "ETHUSDT"));
        File.Copy(store.KlinePath("BTCUSDT", H1), store.KlinePath("ETHUSDT", H1));
        File.Copy(store.KlinePath("BTCUSDT", H1), store.KlinePath("BTCUSDT", Timeframe.Parse("4h")));
        var sym = await Assert.ThrowsAsync<InvalidDataException>(async () => await ReadAll(await store.OpenKlinesAsync("ETHUSDT", H1), "ETHUSDT"));
        Assert.Contains("holds symbol 'BTCUSDT'", sym.Message, StringComparison.Ordinal);
        var tf = await Assert.ThrowsAsync<InvalidDataException>(async () => await ReadAll(await store.OpenKlinesAsync("BTCUSDT", Timeframe.Parse("4h")), "BTCUSDT"));
        Assert.Contains("holds 1h bars, not 4h", tf.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_marks_the_directory_and_refuses_a_foreign_marker()
    {
        var store = NewStore();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.MigrateAsync()));
        await store.MigrateAsync();
        string marker = Path.Combine(_dir.Path, ParquetMarketStore.MarkerFileName);
        Assert.StartsWith("quantfeatures parquet store", await File.ReadAllTextAsync(marker), StringComparison.Ordinal);
        await File.WriteAllTextAsync(marker, "something else");
        await Assert.ThrowsAsync<InvalidDataException>(() => store.MigrateAsync());
    }
}
