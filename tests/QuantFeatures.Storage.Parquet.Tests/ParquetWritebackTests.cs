using System.Runtime.InteropServices;
using QuantFeatures.Data;
using QuantFeatures.Storage.Parquet.Internal;
using Xunit;

namespace QuantFeatures.Storage.Parquet.Tests;

/// <summary>A durable write starts the disk's write-back while it writes (Linux); a non-durable one leaves the page
/// cache alone. Either way the file holds exactly what was written.</summary>
public sealed class ParquetWritebackTests : IDisposable
{
    private static readonly Timeframe H1 = Timeframe.OneHour;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static FeatureMatrix Matrix(int rows, int features)
    {
        var columns = new double[features][];
        for (int c = 0; c < features; c++)
        {
            var col = columns[c] = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                col[i] = Math.Sin(i * 1e-3 + c);
            }
        }

        return FeatureMatrix.Create("BTCUSDT", H1, [.. Enumerable.Range(0, rows).Select(i => 1_700_000_000_000L + i * 3_600_000L)],
            [.. Enumerable.Range(0, features).Select(c => $"f{c}")], columns);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_durable_write_starts_the_write_back_every_32_MB_and_the_file_reads_back_exactly(bool durable)
    {
        var streams = new List<Stream>();
        var store = new ParquetMarketStore(_dir.Path, new ParquetStoreOptions
        {
            Durable = durable,
            RowGroupSize = 50_000,
            Hooks = new StoreHooks { WrapTempStream = s => { streams.Add(s); return s; } },
        });
        var m = Matrix(200_000, 40); // 64 MB of doubles: two 32 MB chunks or more
        Assert.Equal(200_000L * 40, await store.WriteFeaturesAsync(m));

        var stream = Assert.Single(streams);
        if (durable)
        {
            var writeback = Assert.IsType<WritebackStream>(stream);
            if (OperatingSystem.IsLinux())
            {
                Assert.InRange(writeback.Requests, 2, 3);
            }
            else
            {
                Assert.Equal(0, writeback.Requests);
            }
        }
        else
        {
            Assert.IsType<FileStream>(stream);
        }

        var back = await store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All);
        Assert.Equal(m.Time.ToArray(), back.Time.ToArray());
        for (int c = 0; c < m.ColumnCount; c++)
        {
            Assert.True(MemoryMarshal.AsBytes(m[c]).SequenceEqual(MemoryMarshal.AsBytes(back[c])), $"column {c} differs");
        }
    }
}
