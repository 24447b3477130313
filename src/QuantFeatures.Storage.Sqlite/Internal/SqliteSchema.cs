namespace QuantFeatures.Storage.Sqlite.Internal;

/// <summary>One schema migration: version N, applied once, in its own transaction.</summary>
/// <param name="Version">1, 2, 3, … without gaps.</param>
/// <param name="Description">What it does (stored in schema_version).</param>
/// <param name="Sql">The statements (frozen once released: a change of schema is a new migration).</param>
internal sealed record Migration(int Version, string Description, string Sql);

/// <summary>The store's schema as a list of migrations.</summary>
internal static class SqliteSchema
{
    /// <summary>The table of applied migrations.</summary>
    public const string VersionTable = "schema_version";

    /// <summary>
    /// Value columns are declared ANY, not REAL (see <see cref="ValueCodec"/>): a REAL column stores −0.0 as the integer 0.
    /// Tables are STRICT (no silent type coercion of keys) and WITHOUT ROWID where rows are small (the primary key is the
    /// table's order: range reads by symbol, timeframe and time walk it directly).
    /// </summary>
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "raw market data tables, kline series, feature store", """
            CREATE TABLE klines (
                symbol TEXT NOT NULL, timeframe INTEGER NOT NULL, time INTEGER NOT NULL,
                open ANY, high ANY, low ANY, close ANY, volume ANY,
                quote_volume ANY, trades ANY, taker_buy_volume ANY, taker_buy_quote_volume ANY,
                revision INTEGER NOT NULL CHECK (revision >= 1), amended_from INTEGER, fetched_at INTEGER NOT NULL,
                PRIMARY KEY (symbol, timeframe, time, revision)) STRICT, WITHOUT ROWID;
            CREATE TABLE funding (
                symbol TEXT NOT NULL, time INTEGER NOT NULL, rate ANY, interval_hours ANY,
                revision INTEGER NOT NULL CHECK (revision >= 1), amended_from INTEGER, fetched_at INTEGER NOT NULL,
                PRIMARY KEY (symbol, time, revision)) STRICT, WITHOUT ROWID;
            CREATE TABLE open_interest (
                symbol TEXT NOT NULL, time INTEGER NOT NULL, open_interest ANY, open_interest_value ANY,
                revision INTEGER NOT NULL CHECK (revision >= 1), amended_from INTEGER, fetched_at INTEGER NOT NULL,
                PRIMARY KEY (symbol, time, revision)) STRICT, WITHOUT ROWID;
            CREATE TABLE positioning (
                symbol TEXT NOT NULL, time INTEGER NOT NULL,
                long_short_ratio ANY, top_trader_long_short_ratio ANY, top_trader_position_ratio ANY, taker_long_short_vol_ratio ANY,
                revision INTEGER NOT NULL CHECK (revision >= 1), amended_from INTEGER, fetched_at INTEGER NOT NULL,
                PRIMARY KEY (symbol, time, revision)) STRICT, WITHOUT ROWID;
            CREATE TABLE liquidations (
                symbol TEXT NOT NULL, time INTEGER NOT NULL, side INTEGER NOT NULL CHECK (side IN (0, 1)),
                price ANY NOT NULL, quantity ANY NOT NULL,
                revision INTEGER NOT NULL CHECK (revision >= 1), amended_from INTEGER, fetched_at INTEGER NOT NULL,
                PRIMARY KEY (symbol, time, side, price, quantity, revision)) STRICT, WITHOUT ROWID;
            CREATE TABLE reference_prices (
                symbol TEXT NOT NULL, time INTEGER NOT NULL, kind INTEGER NOT NULL CHECK (kind IN (0, 1)), price ANY,
                revision INTEGER NOT NULL CHECK (revision >= 1), amended_from INTEGER, fetched_at INTEGER NOT NULL,
                PRIMARY KEY (symbol, time, kind, revision)) STRICT, WITHOUT ROWID;
            CREATE TABLE kline_series (
                symbol TEXT NOT NULL, timeframe INTEGER NOT NULL,
                quote_volume_since INTEGER, trades_since INTEGER, taker_buy_volume_since INTEGER, taker_buy_quote_volume_since INTEGER,
                PRIMARY KEY (symbol, timeframe)) STRICT, WITHOUT ROWID;
            CREATE TABLE feature_names (
                symbol TEXT NOT NULL, timeframe INTEGER NOT NULL, ordinal INTEGER NOT NULL, name TEXT NOT NULL,
                PRIMARY KEY (symbol, timeframe, ordinal), UNIQUE (symbol, timeframe, name)) STRICT, WITHOUT ROWID;
            CREATE TABLE feature_layouts (id INTEGER PRIMARY KEY, ordinals BLOB NOT NULL UNIQUE) STRICT;
            CREATE TABLE feature_values (
                symbol TEXT NOT NULL, timeframe INTEGER NOT NULL, time INTEGER NOT NULL,
                revision INTEGER NOT NULL CHECK (revision >= 1), fetched_at INTEGER NOT NULL,
                layout INTEGER NOT NULL REFERENCES feature_layouts (id), vals BLOB NOT NULL,
                PRIMARY KEY (symbol, timeframe, time, revision)) STRICT;
            CREATE TABLE feature_sets (
                symbol TEXT NOT NULL, timeframe INTEGER NOT NULL, revision INTEGER NOT NULL,
                catalog_version TEXT NOT NULL, definitions TEXT NOT NULL, fetched_at INTEGER NOT NULL,
                PRIMARY KEY (symbol, timeframe, revision)) STRICT, WITHOUT ROWID;
            """),
    ];

    /// <summary>The schema version this library writes and reads.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>The table names the store uses, each a validated SQL identifier.</summary>
    public static IReadOnlyList<string> Tables { get; } =
    [
        .. new[]
        {
            VersionTable, "klines", "funding", "open_interest", "positioning", "liquidations", "reference_prices", "kline_series",
            "feature_names", "feature_layouts", "feature_values", "feature_sets",
        }.Select(t => StoreIdentifiers.ValidateSqlName(t, "table name")),
    ];
}
