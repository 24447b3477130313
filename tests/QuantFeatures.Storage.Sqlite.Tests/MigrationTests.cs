using Microsoft.Data.Sqlite;
using QuantFeatures.Storage.Contract;
using QuantFeatures.Storage.Sqlite.Internal;
using Xunit;

namespace QuantFeatures.Storage.Sqlite.Tests;

public sealed class MigrationTests
{
    private static readonly Timeframe H1 = Timeframe.OneHour;

    internal static List<(long Version, long AppliedAt)> Versions(string file)
    {
        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT version, applied_at FROM schema_version ORDER BY version;";
        using var r = cmd.ExecuteReader();
        var list = new List<(long, long)>();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), r.GetInt64(1)));
        }

        return list;
    }

    internal static void Exec(string file, string sql)
    {
        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    internal static bool TableExists(string file, string table)
    {
        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $n;";
        cmd.Parameters.AddWithValue("$n", table);
        return (long)cmd.ExecuteScalar()! == 1;
    }

    [Fact]
    public async Task A_fresh_file_reaches_the_current_version_in_WAL_mode()
    {
        using var dir = new TempDir();
        string file = dir.File();
        Assert.False(File.Exists(file));
        await using var store = await SqliteMarketStore.OpenAsync(file);
        Assert.Equal(SqliteMarketStore.SchemaVersion, await store.GetSchemaVersionAsync());
        Assert.Equal(Enumerable.Range(1, SqliteMarketStore.SchemaVersion).Select(v => (long)v), Versions(file).Select(v => v.Version));
        foreach (var table in SqliteSchema.Tables)
        {
            Assert.True(TableExists(file, table), $"table {table} missing");
        }

        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string)cmd.ExecuteScalar()!);
    }

    [Fact]
    public async Task Migrating_again_changes_nothing()
    {
        using var dir = new TempDir();
        string file = dir.File();
        await using var store = await SqliteMarketStore.OpenAsync(file, new SqliteStoreOptions { TimeProvider = new ManualClock(DateTimeOffset.UnixEpoch.AddDays(1)) });
        var bars = MarketStoreContract.Records.Bars(100);
        await store.KlineSink(H1).WriteAsync("BTCUSDT", bars);
        var before = Versions(file);

        await using var later = new SqliteMarketStore(file, new SqliteStoreOptions { TimeProvider = new ManualClock(DateTimeOffset.UnixEpoch.AddDays(9)) });
        await later.MigrateAsync();
        await later.MigrateAsync();
        Assert.Equal(before, Versions(file)); // same rows, same applied_at: nothing re-applied
        Assert.Equal(bars, await MarketStoreContract.ReadAll(await later.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
    }

    [Fact]
    public async Task Concurrent_migrations_apply_each_version_once()
    {
        using var dir = new TempDir();
        string file = dir.File();
        var stores = Enumerable.Range(0, 6).Select(_ => new SqliteMarketStore(file)).ToArray();
        await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));
        Assert.Equal(Enumerable.Range(1, SqliteMarketStore.SchemaVersion).Select(v => (long)v), Versions(file).Select(v => v.Version));
        foreach (var s in stores)
        {
            Assert.Equal(0, await s.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
            await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_file_from_a_future_version_is_refused_and_left_unchanged()
    {
        using var dir = new TempDir();
        string file = dir.File();
        await using (var store = await SqliteMarketStore.OpenAsync(file))
        {
            await store.KlineSink(H1).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(10));
        }

        int future = SqliteMarketStore.SchemaVersion + 1;
        Exec(file, $"INSERT INTO schema_version (version, description, applied_at) VALUES ({future}, 'from a later library', 0);");
        Exec(file, "PRAGMA wal_checkpoint(TRUNCATE);");
        var before = Versions(file);
        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(file);

        await using var newer = new SqliteMarketStore(file);
        var migrate = await Assert.ThrowsAsync<NotSupportedException>(() => newer.MigrateAsync());
        Assert.Contains($"schema version {future}", migrate.Message, StringComparison.Ordinal);
        Assert.Contains("newer", migrate.Message, StringComparison.Ordinal);
        Assert.Contains(file, migrate.Message, StringComparison.Ordinal);
        var read = await Assert.ThrowsAsync<NotSupportedException>(() => newer.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
        Assert.Contains($"schema version {future}", read.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(() => newer.KlineSink(H1).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(20)));
        SqliteConnection.ClearAllPools();
        Assert.Equal(bytes, await File.ReadAllBytesAsync(file)); // not a byte changed, not even the journal mode
        Assert.Equal(before, Versions(file));
        Assert.Equal(10, new SqliteConnectionProbe(file).Count("klines"));
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_whole_and_earlier_ones_stay()
    {
        using var dir = new TempDir();
        string file = dir.File();
        await using var store = new SqliteMarketStore(file);
        var broken = new Migration(SqliteMarketStore.SchemaVersion + 1, "half good", "CREATE TABLE extra (x INTEGER) STRICT; CREATE TABLE broken (;");
        await Assert.ThrowsAsync<SqliteException>(() => store.MigrateAsync([.. SqliteSchema.Migrations, broken], default));
        Assert.Equal(SqliteMarketStore.SchemaVersion, await store.GetSchemaVersionAsync());
        Assert.False(TableExists(file, "extra"));
        Assert.True(TableExists(file, "klines"));
    }

    [Fact]
    public async Task A_file_without_schema_asks_for_MigrateAsync()
    {
        using var dir = new TempDir();
        string file = dir.File();
        Exec(file, "PRAGMA user_version = 0;"); // an empty SQLite file
        await using var store = new SqliteMarketStore(file);
        Assert.Equal(0, await store.GetSchemaVersionAsync());
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CountAsync(RecordKind.Funding, "BTCUSDT"));
        Assert.Contains("MigrateAsync", ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>Row counts by plain SQL, outside the store.</summary>
internal sealed class SqliteConnectionProbe(string file)
{
    public long Count(string table)
    {
        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {StoreIdentifiers.ValidateSqlName(table)};";
        return (long)cmd.ExecuteScalar()!;
    }
}
