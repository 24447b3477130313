using Microsoft.Data.Sqlite;
using QuantFeatures.Storage.Contract;
using Xunit;

namespace QuantFeatures.Storage.Sqlite.Tests;

public sealed class CorruptionTests
{
    private static readonly Timeframe H1 = Timeframe.OneHour;

    [Fact]
    public async Task A_file_that_is_not_a_database_gives_a_clear_error()
    {
        using var dir = new TempDir();
        string file = dir.File("notes.db");
        await File.WriteAllTextAsync(file, string.Concat(Enumerable.Repeat("time,open,high,low,close\n1,2,3,4,5\n", 200)));
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => SqliteMarketStore.OpenAsync(file));
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Contains("not a usable SQLite database", ex.Message, StringComparison.Ordinal);
        var read = await Assert.ThrowsAsync<InvalidDataException>(() => new SqliteMarketStore(file).CountAsync(RecordKind.Funding, "BTCUSDT"));
        Assert.Contains(file, read.Message, StringComparison.Ordinal);
        Assert.StartsWith("time,open", await File.ReadAllTextAsync(file), StringComparison.Ordinal); // left as it was
    }

    [Fact]
    public async Task A_database_with_destroyed_pages_gives_a_clear_error()
    {
        using var dir = new TempDir();
        string file = dir.File();
        await using (var store = await SqliteMarketStore.OpenAsync(file))
        {
            await store.KlineSink(H1).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(20_000));
        }

        MigrationTests.Exec(file, "PRAGMA wal_checkpoint(TRUNCATE);");
        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(file);
        var rng = new Random(7);
        var garbage = new byte[bytes.Length - 8192];
        rng.NextBytes(garbage);
        garbage.CopyTo(bytes, 8192); // keep the header page and one more, destroy every page after them
        await File.WriteAllBytesAsync(file, bytes);

        await using var damaged = new SqliteMarketStore(file);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await MarketStoreContract.ReadAll(await damaged.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_sqlite_database_of_something_else_is_refused()
    {
        using var dir = new TempDir();
        string file = dir.File("app.db");
        MigrationTests.Exec(file, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ann');");
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => SqliteMarketStore.OpenAsync(file));
        Assert.Contains("users", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not a QuantFeatures store", ex.Message, StringComparison.Ordinal);
        Assert.False(MigrationTests.TableExists(file, "klines"));
        Assert.False(MigrationTests.TableExists(file, "schema_version"));
    }

    [Fact]
    public async Task A_missing_folder_or_file_is_an_io_error_naming_it()
    {
        using var dir = new TempDir();
        string inMissingFolder = Path.Combine(dir.Path, "no", "such", "store.db");
        var open = await Assert.ThrowsAnyAsync<IOException>(() => SqliteMarketStore.OpenAsync(inMissingFolder));
        Assert.Contains(inMissingFolder, open.Message, StringComparison.Ordinal);

        string missing = dir.File("missing.db");
        var read = await Assert.ThrowsAsync<FileNotFoundException>(() => new SqliteMarketStore(missing).CountAsync(RecordKind.Funding, "BTCUSDT"));
        Assert.Contains(missing, read.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(missing)); // a read does not create the file
    }

    [Fact]
    public void In_memory_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new SqliteMarketStore(":memory:"));
        Assert.Throws<ArgumentException>(() => new SqliteMarketStore("file::memory:?cache=shared"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteMarketStore("x.db", new SqliteStoreOptions { BusyTimeout = TimeSpan.Zero }));
    }
}
