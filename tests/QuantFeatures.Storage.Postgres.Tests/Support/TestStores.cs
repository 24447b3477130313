using Npgsql;
using QuantFeatures.Storage.Postgres.Testing;

namespace QuantFeatures.Storage.Postgres.Tests.Support;

/// <summary>Fresh stores, each in a schema of its own on the run's server.</summary>
public static class TestStores
{
    private static int _counter;

    /// <summary>A schema name no other test uses.</summary>
    public static string NewSchema() => $"t{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}"[..30];

    /// <summary>A store on a fresh schema, migrated unless <paramref name="migrate"/> is false.</summary>
    public static async Task<PostgresMarketStore> NewAsync(TimeProvider clock, bool migrate = true, string? schema = null, string? applicationName = null)
    {
        string cs = await PostgresServer.ConnectionStringAsync();
        if (applicationName is not null)
        {
            cs = new NpgsqlConnectionStringBuilder(cs) { ApplicationName = applicationName }.ConnectionString;
        }

        var store = new PostgresMarketStore(cs, new PostgresStoreOptions { Schema = schema ?? NewSchema(), TimeProvider = clock });
        if (migrate)
        {
            await store.MigrateAsync();
        }

        return store;
    }

    /// <summary>A plain connection to the run's server (inspection, killing backends).</summary>
    public static async Task<NpgsqlConnection> ConnectAsync()
    {
        var conn = new NpgsqlConnection(await PostgresServer.ConnectionStringAsync());
        await conn.OpenAsync();
        return conn;
    }

    public static async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = await ConnectAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (n, v) in parameters)
        {
            cmd.Parameters.AddWithValue(n, v);
        }

        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<List<object[]>> RowsAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = await ConnectAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (n, v) in parameters)
        {
            cmd.Parameters.AddWithValue(n, v);
        }

        var rows = new List<object[]>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }
}
