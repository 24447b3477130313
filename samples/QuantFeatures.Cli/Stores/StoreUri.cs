using System.Globalization;
using QuantFeatures.Cli.CommandLine;
using QuantFeatures.Storage;
using QuantFeatures.Storage.Parquet;
using QuantFeatures.Storage.Postgres;
using QuantFeatures.Storage.Redis;
using QuantFeatures.Storage.Sqlite;

namespace QuantFeatures.Cli.Stores;

/// <summary>The storage back-ends a <c>--store</c> URI can name.</summary>
public enum StoreScheme
{
    /// <summary><c>sqlite:PATH</c>: one SQLite file (created when missing).</summary>
    Sqlite,

    /// <summary><c>parquet:DIR</c>: a folder of Parquet files.</summary>
    Parquet,

    /// <summary><c>postgres:CONNSTRING</c> or <c>postgres://user@host/db</c>: a PostgreSQL database.</summary>
    Postgres,

    /// <summary><c>redis:HOST:PORT</c>: a Redis server.</summary>
    Redis,
}

/// <summary>
/// A parsed <c>--store</c> / <c>--out-store</c> value: <c>sqlite:PATH</c>, <c>parquet:DIR</c>,
/// <c>postgres:CONNSTRING</c> (or a <c>postgres://</c> URL), <c>redis:HOST:PORT</c>.
/// </summary>
/// <param name="Scheme">The back-end.</param>
/// <param name="Target">What follows the scheme: the path, folder, connection string (or the whole postgres:// URL), host:port.</param>
public sealed record StoreUri(StoreScheme Scheme, string Target)
{
    /// <summary>The accepted forms, for help and error messages.</summary>
    public const string Forms = "sqlite:PATH, parquet:DIR, postgres:CONNSTRING (or postgres://user@host/db), redis:HOST:PORT";

    /// <summary>Parses the value of option <paramref name="option"/>.</summary>
    /// <exception cref="UsageException">Not one of <see cref="Forms"/>; the message names the option and the value.</exception>
    public static StoreUri Parse(string text, string option = "store")
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string scheme = colon > 0 ? text[..colon] : "";
        string rest = colon > 0 ? text[(colon + 1)..] : "";
        var uri = scheme switch
        {
            "sqlite" => new StoreUri(StoreScheme.Sqlite, rest),
            "parquet" => new StoreUri(StoreScheme.Parquet, rest),
            "postgres" or "postgresql" => new StoreUri(StoreScheme.Postgres, rest.StartsWith("//", StringComparison.Ordinal) ? text : rest),
            "redis" => new StoreUri(StoreScheme.Redis, rest),
            _ => throw new UsageException($"--{option} must be one of {Forms}, not '{text}'."),
        };
        if (string.IsNullOrWhiteSpace(uri.Target) || uri.Target == "//")
        {
            throw new UsageException($"--{option} {scheme}: needs what to open after '{scheme}:' ({Forms}).");
        }

        if (uri.Scheme == StoreScheme.Redis)
        {
            int at = rest.LastIndexOf(':');
            if (at <= 0 || !int.TryParse(rest[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            {
                throw new UsageException($"--{option} {uri}: a redis store is redis:HOST:PORT with a port 1–65535.");
            }
        }

        return uri;
    }

    /// <summary>The URI as shown in messages (a postgres connection string, which may hold a password, is not shown).</summary>
    public override string ToString() => Scheme switch
    {
        StoreScheme.Postgres => "postgres:(connection string)",
        _ => $"{Scheme.ToString().ToLowerInvariant()}:{Target}",
    };

    /// <summary>
    /// Opens the store. A store being written (<paramref name="create"/>) is created or migrated; one being read must exist.
    /// The result implements <see cref="IMarketDataStore"/>, <see cref="IFeatureStore"/> or both (see <see cref="MarketData"/>, <see cref="Features"/>).
    /// </summary>
    /// <exception cref="UsageException">A back-end this CLI does not include yet, or a store to read that does not exist.</exception>
    public async Task<IAsyncDisposable> OpenAsync(bool create, CancellationToken cancellationToken = default)
    {
        switch (Scheme)
        {
            case StoreScheme.Sqlite:
            {
                if (!create && !File.Exists(Target))
                {
                    throw new UsageException($"--store {this}: no such file (write one with `quantfeatures ingest`).");
                }

                return create
                    ? await SqliteMarketStore.OpenAsync(Target, cancellationToken: cancellationToken).ConfigureAwait(false)
                    : new SqliteMarketStore(Target);
            }

            case StoreScheme.Parquet:
            {
                if (!create && !Directory.Exists(Target))
                {
                    throw new UsageException($"--store {this}: no such folder (write one with `quantfeatures ingest`).");
                }

                var parquet = new ParquetMarketStore(Target);
                if (create)
                {
                    await parquet.MigrateAsync(cancellationToken).ConfigureAwait(false);
                }

                return parquet;
            }

            case StoreScheme.Postgres:
            {
                var (connection, schema) = PostgresTarget();
                var postgres = new PostgresMarketStore(connection, schema is null ? null : new PostgresStoreOptions { Schema = schema });
                try
                {
                    // Idempotent: creates the schema on a fresh database, so reading one gives "no bars" rather than "no table".
                    await postgres.MigrateAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (System.Data.Common.DbException ex)
                {
                    await postgres.DisposeAsync().ConfigureAwait(false);
                    throw new IOException($"--store {this}: cannot use the database: {ex.Message}", ex);
                }

                return postgres;
            }

            case StoreScheme.Redis:
            {
                try
                {
                    return await RedisFeatureStore.ConnectAsync(Target).ConfigureAwait(false);
                }
                catch (StackExchange.Redis.RedisConnectionException ex)
                {
                    throw new IOException($"--store {this}: cannot connect: {ex.Message}", ex);
                }
            }

            default:
                throw new UsageException($"Unknown store scheme {Scheme}.");
        }
    }

    /// <summary>The raw-data side of an opened store.</summary>
    /// <exception cref="UsageException">The store keeps no raw market data.</exception>
    public IMarketDataStore MarketData(IAsyncDisposable store) =>
        store as IMarketDataStore ?? throw new UsageException($"{this} does not keep raw market data.");

    /// <summary>The feature side of an opened store.</summary>
    /// <exception cref="UsageException">The store keeps no feature matrices.</exception>
    public IFeatureStore Features(IAsyncDisposable store) =>
        store as IFeatureStore ?? throw new UsageException($"{this} does not keep feature matrices.");

    /// <summary>
    /// The Npgsql connection string of a postgres store — given as is (<c>Host=…;Database=…</c>) or converted from a
    /// <c>postgres://user:password@host:port/database?key=value</c> URL — and the store's schema when the string or the
    /// URL names one with the key <c>schema</c> (taken out of the connection string; default: the store's own).
    /// </summary>
    /// <exception cref="UsageException">A URL or connection string that does not parse.</exception>
    public (string ConnectionString, string? Schema) PostgresTarget()
    {
        System.Data.Common.DbConnectionStringBuilder b;
        try
        {
            b = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = ToConnectionString() };
        }
        catch (ArgumentException)
        {
            throw new UsageException("--store postgres:…: not a valid connection string (Host=…;Port=…;Username=…;Database=…).");
        }

        string? schema = null;
        if (b.TryGetValue("schema", out var value))
        {
            schema = Convert.ToString(value, CultureInfo.InvariantCulture);
            b.Remove("schema");
        }

        return (b.ConnectionString, schema);
    }

    private string ToConnectionString()
    {
        if (!Target.StartsWith("postgres", StringComparison.Ordinal) || !Target.Contains("://", StringComparison.Ordinal))
        {
            return Target;
        }

        if (!Uri.TryCreate(Target, UriKind.Absolute, out var url) || url.Host.Length == 0)
        {
            throw new UsageException("--store postgres://…: not a valid URL (postgres://user:password@host:port/database).");
        }

        var b = new System.Data.Common.DbConnectionStringBuilder { ["Host"] = url.Host };
        if (url.Port > 0)
        {
            b["Port"] = url.Port.ToString(CultureInfo.InvariantCulture);
        }

        if (url.UserInfo.Length > 0)
        {
            string[] user = url.UserInfo.Split(':', 2);
            b["Username"] = Uri.UnescapeDataString(user[0]);
            if (user.Length == 2)
            {
                b["Password"] = Uri.UnescapeDataString(user[1]);
            }
        }

        string database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            b["Database"] = database;
        }

        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            b[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
        }

        return b.ConnectionString;
    }
}
