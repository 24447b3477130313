using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using QuantFeatures.Data;
using QuantFeatures.Storage.Contract;
using Xunit;
using Xunit.Abstractions;

namespace QuantFeatures.Storage.Parquet.Tests;

/// <summary>
/// A process killed with SIGKILL in the middle of a write leaves nothing of it: a child process (this test assembly, run
/// through its own entry point, with the store's production write path and default options — durable, no hooks) appends
/// a 300,000 × 100 feature batch (10 corrected rows, the rest new) to a stored 1,000-row feature file; the parent
/// watches the write's temporary file and kills the child once that file holds the copy of the old file and more than
/// 64 MB of new row groups, but not the whole batch.
/// </summary>
public sealed class ParquetKillTests(ITestOutputHelper output) : IDisposable
{
    private const string Symbol = "BTCUSDT";
    private const int Stored = 1_000;
    private const int Corrected = 10;
    private const int New = 300_000;
    private const int Features = 100;
    private const long KillPastCopyBytes = 64L << 20;
    private static readonly Timeframe H1 = Timeframe.OneHour;
    private static readonly DateTimeOffset FirstWrite = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string[] Names => [.. Enumerable.Range(0, Features).Select(j => $"f{j:D3}")];

    private static long TimeOf(int row) => 1_700_000_000_000L + row * 3_600_000L;

    /// <summary>Row <paramref name="row"/> of feature <paramref name="col"/>, as first stored or as the child's batch has it.</summary>
    private static double Value(int row, int col, bool batch) => row * 1e-3 + col + (batch ? 0.5 : 0);

    /// <summary>Rows [from, to) of the first state (<paramref name="batch"/> false) or of the child's batch.</summary>
    private static FeatureMatrix Matrix(int from, int to, bool batch)
    {
        var columns = new double[Features][];
        for (int c = 0; c < Features; c++)
        {
            var col = columns[c] = new double[to - from];
            for (int i = 0; i < col.Length; i++)
            {
                col[i] = Value(from + i, c, batch);
            }
        }

        return FeatureMatrix.Create(Symbol, H1, [.. Enumerable.Range(from, to - from).Select(TimeOf)], Names, columns);
    }

    /// <summary>The child's batch: the last <see cref="Corrected"/> stored rows with new values, then <see cref="New"/> new rows.</summary>
    private static FeatureMatrix Batch() => Matrix(Stored - Corrected, Stored + New, batch: true);

    private static FeatureSetInfo Info(string version) => new(version, Names.ToDictionary(n => n, n => "def of " + n, StringComparer.Ordinal));

    [Fact]
    public async Task A_process_killed_mid_write_leaves_the_previous_file_and_the_next_write_takes_the_whole_batch()
    {
        var clock = new ManualClock(FirstWrite);
        var store = new ParquetMarketStore(_dir.Path, new ParquetStoreOptions { TimeProvider = clock });
        var first = Matrix(0, Stored, batch: false);
        Assert.Equal((long)Stored * Features, await store.WriteFeaturesAsync(first, Info("v1")));
        string path = store.FeaturePath(Symbol, H1);
        byte[] before = await File.ReadAllBytesAsync(path);
        string folder = Path.GetDirectoryName(path)!;
        string tempPattern = Path.GetFileName(path) + ".*.tmp";

        // The child appends the batch; the kill comes when its temporary file is well into the new row groups.
        var sw = Stopwatch.StartNew();
        using var child = ChildProcesses.Start(typeof(ParquetKillTests).Assembly, "append-features", _dir.Path);
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEndAsync();
        string? temp = null;
        long seen = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(30) && !child.HasExited)
        {
            temp = Directory.GetFiles(folder, tempPattern).SingleOrDefault();
            seen = temp is null ? 0 : SizeOf(temp);
            if (seen > before.Length + KillPastCopyBytes)
            {
                break;
            }

            Thread.Sleep(1);
        }

        bool wasRunning = !child.HasExited;
        child.Kill();
        await child.WaitForExitAsync();
        var killedAt = sw.Elapsed;
        string childOut = await stdout;
        Assert.True(wasRunning && temp is not null && seen > before.Length + KillPastCopyBytes,
            $"the child was not caught mid-write: running {wasRunning}, temp file {temp ?? "(none)"} of {seen:N0} bytes after {killedAt}; stdout '{childOut}'; stderr '{await stderr}'");
        Assert.DoesNotContain("DONE", childOut, StringComparison.Ordinal);
        Assert.Equal(128 + 9, child.ExitCode); // SIGKILL, not an exit of its own

        // The write was demonstrably under way and unfinished: the orphaned temp file holds the copy and part of the
        // new row groups (the page cache outlives the process), and the old file was never touched.
        Assert.True(File.Exists(temp));
        long orphan = new FileInfo(temp).Length;
        Assert.True(orphan >= seen, $"orphan of {orphan:N0} bytes, {seen:N0} seen before the kill");
        Assert.Equal(before, await File.ReadAllBytesAsync(path));

        // Readers see exactly the state before the batch, the orphan notwithstanding.
        Assert.Equal(first, await store.ReadFeaturesAsync(Symbol, H1, TimeRange.All), MatrixComparer.Instance);
        Assert.Equal("v1", (await store.ReadFeatureInfoAsync(Symbol, H1))!.CatalogVersion);

        // The same batch is then taken whole (the dead child's lock is gone with it), and the orphan is removed.
        clock.Advance(TimeSpan.FromHours(1));
        var sw2 = Stopwatch.StartNew();
        Assert.Equal((long)(New + Corrected) * Features, await store.WriteFeaturesAsync(Batch(), Info("v2")));
        var rewrite = sw2.Elapsed;
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
        long full = new FileInfo(path).Length;
        Assert.True(orphan < full, $"the orphan ({orphan:N0} bytes) is not smaller than the whole file ({full:N0} bytes): the kill came too late");

        var expected = Matrix(0, Stored + New, batch: true);
        var all = await store.ReadFeaturesAsync(Symbol, H1, TimeRange.All);
        Assert.Equal(Names, all.Names);
        Assert.Equal(expected.Time.ToArray(), all.Time.ToArray());
        for (int c = 0; c < Features; c++)
        {
            var want = new double[Stored + New];
            for (int i = 0; i < want.Length; i++)
            {
                want[i] = Value(i, c, batch: i >= Stored - Corrected);
            }

            Assert.True(MemoryMarshal.AsBytes(want.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(all[c])), $"column {c} differs");
        }

        Assert.Equal("v2", (await store.ReadFeatureInfoAsync(Symbol, H1))!.CatalogVersion);
        Assert.Equal(first, await store.ReadFeaturesAsync(Symbol, H1, TimeRange.All, options: new StoreReadOptions { AsOf = FirstWrite.ToUnixTimeMilliseconds() }),
            MatrixComparer.Instance);
        output.WriteLine($"killed after {killedAt.TotalMilliseconds:F0} ms with {seen:N0} bytes in the temp file ({before.Length:N0} copied); " +
            $"orphan {orphan:N0} of {full:N0} bytes; the batch again: {rewrite.TotalMilliseconds:F0} ms");
    }

    private static long SizeOf(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>The child side: <c>append-features ROOT</c> writes the batch into the store at ROOT with default options.</summary>
    public static int RunChild(string[] args)
    {
        if (args is not ["append-features", var root])
        {
            Console.Error.WriteLine("usage: append-features ROOT");
            return 2;
        }

        var store = new ParquetMarketStore(root);
        long n = store.WriteFeaturesAsync(Batch(), Info("v2")).GetAwaiter().GetResult();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DONE {n}"));
        return 0;
    }

    /// <summary>Feature matrices equal in series, times, names and every value bit for bit.</summary>
    private sealed class MatrixComparer : IEqualityComparer<FeatureMatrix>
    {
        public static readonly MatrixComparer Instance = new();

        public bool Equals(FeatureMatrix? x, FeatureMatrix? y)
        {
            if (x is null || y is null)
            {
                return x is null && y is null;
            }

            if (x.Symbol != y.Symbol || x.Timeframe != y.Timeframe || !x.Names.SequenceEqual(y.Names) || !x.Time.SequenceEqual(y.Time))
            {
                return false;
            }

            for (int c = 0; c < x.ColumnCount; c++)
            {
                if (!MemoryMarshal.AsBytes(x[c]).SequenceEqual(MemoryMarshal.AsBytes(y[c])))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(FeatureMatrix obj) => obj.RowCount;
    }
}
