using System.Globalization;
using QuantFeatures.Cli.CommandLine;
using QuantFeatures.Storage;
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
                throw NotBuiltIn();

            case StoreScheme.Postgres:
                throw NotBuiltIn();

            case StoreScheme.Redis:
                throw NotBuiltIn();

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

    private UsageException NotBuiltIn() =>
        new($"{Scheme.ToString().ToLowerInvariant()} stores are not built into this CLI yet ({this}); use sqlite:PATH.");
}
