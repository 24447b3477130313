using System.Diagnostics;
using Microsoft.Data.Sqlite;
using QuantFeatures.Data;
using QuantFeatures.Storage.Contract;
using Xunit;

namespace QuantFeatures.Storage.Sqlite.Tests;

/// <summary>
/// A process killed in the middle of a batch leaves nothing of it: a child process (this test assembly, run through its
/// own entry point) starts a 300,000-bar batch that corrects 1,000 stored bars and adds new ones, stops after 250,000
/// inserted rows (by then SQLite has spilled uncommitted pages into the WAL file), and is killed with SIGKILL.
/// </summary>
public sealed class KillTests
{
    private const int Committed = 1_000;
    private const int BatchBars = 300_000;
    private const int KillAfterRows = 250_000;
    private static readonly Timeframe H1 = Timeframe.OneHour;

    [Fact]
    public async Task A_process_killed_mid_batch_leaves_no_part_of_the_batch()
    {
        using var dir = new TempDir();
        string file = dir.File();
        var first = MarketStoreContract.Records.Bars(Committed);
        await using (var store = await SqliteMarketStore.OpenAsync(file))
        {
            Assert.Equal(Committed, await store.KlineSink(H1).WriteAsync("BTCUSDT", first));
        }

        using var child = ChildProcesses.Start(typeof(KillTests).Assembly, "write-and-hang", file, BatchBars.ToString(), KillAfterRows.ToString());
        var line = await ReadLineAsync(child, TimeSpan.FromMinutes(3));
        if (line != "MID")
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"the child did not reach the middle of its batch: '{line}'; stderr: {await child.StandardError.ReadToEndAsync()}");
        }

        long walBytes = new FileInfo(file + "-wal").Length;
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        // The uncommitted half-batch did reach the disk (so the test is not vacuous) …
        Assert.True(walBytes > 4 << 20, $"the WAL holds only {walBytes} bytes: the batch's pages were not spilled before the kill");

        // … and a new connection sees exactly the committed state.
        await using (var store = new SqliteMarketStore(file))
        {
            Assert.Equal(Committed, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
            Assert.Equal(first, await MarketStoreContract.ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
            await foreach (var r in store.ReadRevisionsAsync<Kline>("BTCUSDT", TimeRange.All, H1))
            {
                Assert.Equal(1, r.Revision.Revision);
            }

            Assert.Equal("ok", IntegrityCheck(file));

            // The store still takes the whole batch afterwards.
            var batch = ChildBatch(BatchBars);
            Assert.Equal(BatchBars, await store.KlineSink(H1).WriteAsync("BTCUSDT", batch));
            Assert.Equal(BatchBars + Committed, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
        }
    }

    /// <summary>The child's batch: the committed bars with a changed close (1,000 revisions 2) and new bars after them.</summary>
    private static Kline[] ChildBatch(int n) => [.. MarketStoreContract.Records.Bars(n).Select(b => b with { Close = b.Close + 0.5 })];

    /// <summary>The child side: <c>write-and-hang FILE BARS ROWS</c> writes one batch and stops for good after ROWS rows.</summary>
    public static int RunChild(string[] args)
    {
        if (args is not ["write-and-hang", var file, var bars, var rows])
        {
            Console.Error.WriteLine("usage: write-and-hang FILE BARS ROWS");
            return 2;
        }

        int stopAt = int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture);
        var options = new SqliteStoreOptions
        {
            AfterRowWritten = n =>
            {
                if (n == stopAt)
                {
                    Console.Out.WriteLine("MID");
                    Console.Out.Flush();
                    Thread.Sleep(Timeout.Infinite);
                }
            },
        };
        var store = new SqliteMarketStore(file, options);
        store.KlineSink(H1).WriteAsync("BTCUSDT", ChildBatch(int.Parse(bars, System.Globalization.CultureInfo.InvariantCulture))).GetAwaiter().GetResult();
        Console.Out.WriteLine("DONE");
        return 0;
    }

    private static async Task<string?> ReadLineAsync(Process child, TimeSpan timeout)
    {
        var read = child.StandardOutput.ReadLineAsync();
        var done = await Task.WhenAny(read, Task.Delay(timeout));
        if (done != read)
        {
            child.Kill(entireProcessTree: true);
            return "(timed out)";
        }

        return await read;
    }

    internal static string IntegrityCheck(string file)
    {
        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check;";
        return (string)cmd.ExecuteScalar()!;
    }
}
