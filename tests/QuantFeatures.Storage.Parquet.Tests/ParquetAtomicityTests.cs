using System.Diagnostics;
using QuantFeatures.Data;
using QuantFeatures.Storage.Contract;
using Xunit;
using Xunit.Abstractions;
using static QuantFeatures.Storage.Contract.MarketStoreContract;

namespace QuantFeatures.Storage.Parquet.Tests;

/// <summary>Crashes mid-write leave the previous file; writers wait for each other's lock; a 1M-bar append.</summary>
public sealed class ParquetAtomicityTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Timeframe H1 = Timeframe.Parse("1h");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ParquetMarketStore NewStore(StoreHooks? hooks = null, int rowGroupSize = 131_072, TimeSpan? lockTimeout = null, TimeProvider? clock = null) =>
        new(_dir.Path, new ParquetStoreOptions
        {
            Durable = false,
            RowGroupSize = rowGroupSize,
            Hooks = hooks,
            LockTimeout = lockTimeout ?? TimeSpan.FromMinutes(1),
            TimeProvider = clock ?? new ManualClock(DateTimeOffset.UnixEpoch.AddYears(55)),
        });

    /// <summary>A stream that fails like a dying process once <paramref name="limit"/> bytes have been written.</summary>
    private sealed class FailingStream(Stream inner, long limit) : Stream
    {
        private long _written;

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => inner.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > limit)
            {
                int part = (int)Math.Max(0, limit - _written);
                inner.Write(buffer[..part]);
                inner.Flush();
                _written += part;
                throw new IOException($"simulated crash after {_written} bytes");
            }

            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            await Task.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    [Theory]
    [InlineData(100)]       // inside the copy of the old file
    [InlineData(60_000)]    // inside the new row groups
    public async Task A_crash_mid_write_leaves_the_previous_file_intact_and_nothing_of_the_batch(long failAfter)
    {
        var bars = Records.Bars(3_000);
        var good = NewStore(rowGroupSize: 500);
        await good.KlineSink(H1).WriteAsync("BTCUSDT", bars[..2_000]);
        string path = good.KlinePath("BTCUSDT", H1);
        byte[] before = await File.ReadAllBytesAsync(path);
        Assert.True(before.Length > failAfter + 1_000, $"file of {before.Length} bytes");

        // The copy + new row groups stream dies after failAfter bytes.
        var crashing = NewStore(new StoreHooks { WrapTempStream = s => new FailingStream(s, before.Length > failAfter ? failAfter : before.Length + failAfter) }, 500);
        var corrected = bars[1_990..3_000].ToArray();
        corrected[0] = corrected[0] with { Close = -1 };
        var e = await Assert.ThrowsAsync<IOException>(() => crashing.KlineSink(H1).WriteAsync("BTCUSDT", corrected));
        Assert.Contains("simulated crash", e.Message, StringComparison.Ordinal);

        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.Equal(bars[..2_000], await ReadAll(await good.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
        Assert.Equal(2_000, await good.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));

        // The same batch then succeeds in full.
        Assert.Equal(1_001, await good.KlineSink(H1).WriteAsync("BTCUSDT", corrected));
        Assert.Equal([.. bars[..1_990], .. corrected], await ReadAll(await good.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
    }

    [Fact]
    public async Task A_crash_just_before_the_rename_leaves_the_previous_file_and_the_next_writer_removes_the_orphan()
    {
        var bars = Records.Bars(200);
        var good = NewStore();
        await good.KlineSink(H1).WriteAsync("BTCUSDT", bars[..100]);
        string path = good.KlinePath("BTCUSDT", H1);
        byte[] before = await File.ReadAllBytesAsync(path);

        // The temp file is complete, but the process "dies" before the rename: simulate by copying it aside first (a
        // killed process would leave it behind; the exception path deletes it).
        string? orphan = null;
        var dying = NewStore(new StoreHooks
        {
            BeforeRename = temp =>
            {
                orphan = temp + ".copy";
                File.Copy(temp, path + ".dead0000.tmp");
                throw new IOException("simulated crash before rename");
            },
        });
        await Assert.ThrowsAsync<IOException>(() => dying.KlineSink(H1).WriteAsync("BTCUSDT", bars));
        Assert.NotNull(orphan);
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.True(File.Exists(path + ".dead0000.tmp"));
        Assert.Equal(bars[..100], await ReadAll(await good.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));

        Assert.Equal(100, await good.KlineSink(H1).WriteAsync("BTCUSDT", bars));
        Assert.False(File.Exists(path + ".dead0000.tmp"));
        Assert.Equal(bars, await ReadAll(await good.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
    }

    [Fact]
    public async Task A_cancelled_write_leaves_nothing()
    {
        var store = NewStore();
        await store.KlineSink(H1).WriteAsync("BTCUSDT", Records.Bars(10));
        string path = store.KlinePath("BTCUSDT", H1);
        byte[] before = await File.ReadAllBytesAsync(path);
        using var cts = new CancellationTokenSource();
        var cancelling = NewStore(new StoreHooks { BeforeRename = _ => cts.Cancel() });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelling.KlineSink(H1).WriteAsync("BTCUSDT", Records.Bars(20), cts.Token));
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public async Task A_writer_waits_for_the_lock_file_held_by_another_process()
    {
        var store = NewStore(lockTimeout: TimeSpan.FromMilliseconds(300));
        await store.KlineSink(H1).WriteAsync("BTCUSDT", Records.Bars(5));
        string lockPath = store.KlinePath("BTCUSDT", H1) + ".lock";

        // Another process's writer holds the lock (an exclusive open, which is an flock on Unix).
        var held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var e = await Assert.ThrowsAsync<TimeoutException>(() => store.KlineSink(H1).WriteAsync("BTCUSDT", Records.Bars(8)));
        Assert.Contains(lockPath, e.Message, StringComparison.Ordinal);
        Assert.Equal(5, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));

        // Released while a writer waits: the writer goes on.
        var patient = NewStore(lockTimeout: TimeSpan.FromSeconds(30));
        var write = patient.KlineSink(H1).WriteAsync("BTCUSDT", Records.Bars(8));
        await Task.Delay(100);
        Assert.False(write.IsCompleted);
        await held.DisposeAsync();
        Assert.Equal(3, await write);
    }

    [Fact]
    public async Task Two_store_instances_on_one_directory_never_lose_a_batch()
    {
        var a = NewStore();
        var b = NewStore();
        var bars = Records.Bars(400);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(k => Task.Run(() =>
            (k % 2 == 0 ? a : b).KlineSink(H1).WriteAsync("BTCUSDT", bars[(k * 50)..(k * 50 + 50)]))));
        Assert.Equal(bars, await ReadAll(await a.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
    }

    [Fact]
    public async Task Appending_one_bar_to_a_million_bar_file_decodes_nothing_and_copies_the_file_once()
    {
        const int n = 1_000_000;
        var store = NewStore();
        var bars = new Kline[n + 1];
        long t0 = Records.T0;
        for (int i = 0; i <= n; i++)
        {
            double c = 100 + (i % 1000) * 0.01;
            bars[i] = new Kline(t0 + i * 60_000L, c, c + 0.5, c - 0.5, c + 0.1, i % 97, c * 3, i % 13, 1.5, c);
        }

        var m1 = Timeframe.OneMinute;
        var sw = Stopwatch.StartNew();
        Assert.Equal(n, await store.KlineSink(m1).WriteAsync("BTCUSDT", bars[..n]));
        var ingest = sw.Elapsed;
        string path = store.KlinePath("BTCUSDT", m1);
        long size = new FileInfo(path).Length;

        long decoded = store.RowGroupsDecoded;
        sw.Restart();
        Assert.Equal(1, await store.KlineSink(m1).WriteAsync("BTCUSDT", [bars[n]]));
        var append = sw.Elapsed;
        Assert.Equal(decoded, store.RowGroupsDecoded);
        Assert.Equal(n + 1L, await store.CountAsync(RecordKind.Kline, "BTCUSDT", m1));

        var tail = await ReadAll(await store.OpenKlinesAsync("BTCUSDT", m1), "BTCUSDT", new TimeRange(bars[n - 2].Time, long.MaxValue));
        Assert.Equal(bars[(n - 2)..], tail);
        Assert.Equal(2, store.RowGroupsDecoded - decoded); // the last full row group and the 1-bar one
        output.WriteLine($"ingest of {n:N0} bars: {ingest.TotalMilliseconds:F0} ms; file {size / 1e6:F1} MB; append of 1 bar: {append.TotalMilliseconds:F0} ms");
    }
}
