using QuantFeatures.Storage.Contract;
using QuantFeatures.Storage.Postgres.Tests.Support;
using Xunit;

namespace QuantFeatures.Storage.Postgres.Tests;

public sealed class MigrationTests
{
    private static readonly string[] RawTables = ["ohlcv", "funding_rate", "open_interest", "long_short_ratio", "liquidations", "reference_prices"];
    private static readonly string[] FeatureTables = ["feature_columns", "feature_sets", "features"];

    private static ManualClock Clock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static async Task<List<int>> AppliedAsync(string schema) =>
        [.. (await TestStores.RowsAsync($"SELECT version FROM \"{schema}\".schema_migrations ORDER BY version")).Select(r => (int)r[0])];

    private static async Task<HashSet<string>> TablesAsync(string schema) =>
        [.. (await TestStores.RowsAsync("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = @s AND c.relkind IN ('r', 'p') AND NOT c.relispartition", ("s", schema))).Select(r => (string)r[0])];

    [Fact]
    public async Task A_fresh_schema_is_migrated_to_the_current_version_with_every_table_and_reruns_are_no_ops()
    {
        string schema = TestStores.NewSchema();
        Assert.Empty(await TablesAsync(schema));
        await using var store = await TestStores.NewAsync(Clock(), schema: schema);

        Assert.Equal([1, 2], await AppliedAsync(schema));
        var tables = await TablesAsync(schema);
        Assert.Superset(new HashSet<string>([.. RawTables, .. FeatureTables, "schema_migrations", "store_settings", "kline_series"]), tables);

        // Every time table carries the revision columns.
        foreach (var table in RawTables.Append("features"))
        {
            var columns = (await TestStores.RowsAsync(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = @s AND table_name = @t", ("s", schema), ("t", table)))
                .Select(r => (string)r[0]).ToHashSet();
            Assert.Superset(new HashSet<string>(["time", "revision", "amended_from", "fetched_at"]), columns);
        }

        var appliedAt = await TestStores.RowsAsync($"SELECT version, applied_at FROM \"{schema}\".schema_migrations ORDER BY version");
        await store.MigrateAsync();
        await store.MigrateAsync();
        Assert.Equal(appliedAt.Select(r => (r[0], r[1])), (await TestStores.RowsAsync($"SELECT version, applied_at FROM \"{schema}\".schema_migrations ORDER BY version")).Select(r => (r[0], r[1])));
        Assert.Equal(tables, await TablesAsync(schema));
    }

    [Fact]
    public async Task Without_TimescaleDB_the_tables_are_natively_range_partitioned_by_time()
    {
        // The test server is Debian's PostgreSQL, which has no TimescaleDB: the store must have fallen back to native.
        Assert.Equal(0L, await TestStores.ScalarAsync<long>("SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'"));
        string schema = TestStores.NewSchema();
        await using var store = await TestStores.NewAsync(Clock(), schema: schema);
        Assert.Equal("native", await TestStores.ScalarAsync<string>($"SELECT value FROM \"{schema}\".store_settings WHERE key = 'layout'"));
        foreach (var table in RawTables.Append("features"))
        {
            var strategy = await TestStores.ScalarAsync<string>(
                "SELECT p.partstrat::text || ':' || a.attname FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] " +
                "WHERE p.partrelid = @rel::regclass", ("rel", $"{schema}.{table}"));
            Assert.Equal("r:time", strategy);
        }
    }

    [Fact]
    public async Task An_older_schema_is_upgraded_and_a_store_refuses_a_schema_that_is_not_current()
    {
        string schema = TestStores.NewSchema();
        await using var store = await TestStores.NewAsync(Clock(), migrate: false, schema: schema);
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => store.KlineSink(Timeframe.OneHour).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(3)));
        Assert.Contains("MigrateAsync", missing.Message, StringComparison.Ordinal);

        await store.MigrateToAsync(1, CancellationToken.None);
        Assert.Equal([1], await AppliedAsync(schema));
        Assert.DoesNotContain("features", await TablesAsync(schema));
        var old = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CountAsync(RecordKind.Kline, "BTCUSDT", Timeframe.OneHour));
        Assert.Contains("migration 1", old.Message, StringComparison.Ordinal);

        await store.MigrateAsync();
        Assert.Equal([1, 2], await AppliedAsync(schema));
        Assert.Contains("features", await TablesAsync(schema));
        Assert.Equal(3, await store.KlineSink(Timeframe.OneHour).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(3)));
    }

    [Fact]
    public async Task Concurrent_migrations_of_one_schema_apply_each_migration_once()
    {
        string schema = TestStores.NewSchema();
        var stores = new List<PostgresMarketStore>();
        for (int i = 0; i < 8; i++)
        {
            stores.Add(await TestStores.NewAsync(Clock(), migrate: false, schema: schema));
        }

        using var start = new ManualResetEventSlim();
        var runs = stores.Select(s => Task.Run(async () =>
        {
            start.Wait();
            await s.MigrateAsync();
        })).ToArray();
        start.Set();
        await Task.WhenAll(runs);

        Assert.Equal([1, 2], await AppliedAsync(schema));
        foreach (var s in stores)
        {
            Assert.Equal(0, await s.CountAsync(RecordKind.Kline, "BTCUSDT", Timeframe.OneHour));
            await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_schema_newer_than_the_library_is_refused()
    {
        string schema = TestStores.NewSchema();
        await using var store = await TestStores.NewAsync(Clock(), schema: schema);
        await TestStores.ScalarAsync<int>($"INSERT INTO \"{schema}\".schema_migrations (version, name) VALUES (99, 'future') RETURNING version");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync());
        Assert.Contains("99", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Public")]
    [InlineData("x\"; DROP SCHEMA public CASCADE; --")]
    [InlineData("")]
    [InlineData("1abc")]
    public void Invalid_schema_names_are_rejected(string schema)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new PostgresMarketStore("Host=127.0.0.1", new PostgresStoreOptions { Schema = schema }));
        Assert.Contains("schema", e.Message, StringComparison.Ordinal);
    }
}
