namespace QuantFeatures.Storage.Postgres.Internal;

/// <summary>How a schema's time-series tables are laid out; chosen once, by the first migration.</summary>
internal enum StoreLayout
{
    /// <summary>Declarative RANGE partitioning by <c>time</c>, one partition per calendar month (UTC), created on demand.</summary>
    Native,

    /// <summary>TimescaleDB hypertables on <c>time</c>, with compression and a compression policy.</summary>
    TimescaleDb,
}

/// <summary>One versioned migration: its statements (for a quoted schema and a layout) and the time tables it creates.</summary>
internal sealed record Migration(int Version, string Name, Func<string, StoreLayout, string[]> Statements, (string Table, string SegmentBy)[] TimeTables);

/// <summary>
/// The store's migrations, applied in order, each once, each in its own transaction that also records it in
/// <c>schema_migrations</c>. A migration is never edited once released: a change of the schema is a new migration.
/// </summary>
internal static class Migrations
{
    public static readonly Migration[] All =
    [
        new(1, "raw market data: ohlcv, funding_rate, open_interest, long_short_ratio, liquidations, reference_prices", RawTables,
            [("ohlcv", "symbol, timeframe_ms"), ("funding_rate", "symbol"), ("open_interest", "symbol"), ("long_short_ratio", "symbol"),
             ("liquidations", "symbol"), ("reference_prices", "symbol, kind")]),
        new(2, "feature store: feature_columns, feature_sets, features", FeatureTables, [("features", "feature_id")]),
    ];

    public static int Latest => All[^1].Version;

    private static string Partitioned(StoreLayout layout) => layout == StoreLayout.Native ? " PARTITION BY RANGE (time)" : string.Empty;

    private const string RevisionColumns = """
        revision integer NOT NULL CHECK (revision >= 1),
        amended_from integer NULL,
        fetched_at timestamptz NOT NULL,
        CHECK ((revision = 1 AND amended_from IS NULL) OR amended_from = revision - 1)
        """;

    private static string[] RawTables(string s, StoreLayout layout)
    {
        string p = Partitioned(layout);
        return
        [
            $"""
            CREATE TABLE {s}.store_settings (
                key text PRIMARY KEY,
                value text NOT NULL)
            """,
            $"""
            CREATE TABLE {s}.kline_series (
                symbol text NOT NULL,
                timeframe_ms bigint NOT NULL,
                has_quote_volume boolean NOT NULL,
                has_trades boolean NOT NULL,
                has_taker_buy_volume boolean NOT NULL,
                has_taker_buy_quote_volume boolean NOT NULL,
                PRIMARY KEY (symbol, timeframe_ms))
            """,
            $"""
            CREATE TABLE {s}.ohlcv (
                symbol text NOT NULL,
                timeframe_ms bigint NOT NULL CHECK (timeframe_ms > 0),
                time timestamptz NOT NULL,
                open double precision NOT NULL,
                high double precision NOT NULL,
                low double precision NOT NULL,
                close double precision NOT NULL,
                volume double precision NOT NULL,
                quote_volume double precision NOT NULL,
                trades double precision NOT NULL,
                taker_buy_volume double precision NOT NULL,
                taker_buy_quote_volume double precision NOT NULL,
                {RevisionColumns}){p}
            """,
            $"CREATE UNIQUE INDEX ohlcv_key ON {s}.ohlcv (symbol, timeframe_ms, time, revision DESC)",
            $"""
            CREATE TABLE {s}.funding_rate (
                symbol text NOT NULL,
                time timestamptz NOT NULL,
                funding_rate double precision NOT NULL,
                interval_hours double precision NOT NULL,
                {RevisionColumns}){p}
            """,
            $"CREATE UNIQUE INDEX funding_rate_key ON {s}.funding_rate (symbol, time, revision DESC)",
            $"""
            CREATE TABLE {s}.open_interest (
                symbol text NOT NULL,
                time timestamptz NOT NULL,
                open_interest double precision NOT NULL,
                open_interest_value double precision NOT NULL,
                {RevisionColumns}){p}
            """,
            $"CREATE UNIQUE INDEX open_interest_key ON {s}.open_interest (symbol, time, revision DESC)",
            $"""
            CREATE TABLE {s}.long_short_ratio (
                symbol text NOT NULL,
                time timestamptz NOT NULL,
                long_short_ratio double precision NOT NULL,
                top_trader_long_short_ratio double precision NOT NULL,
                top_trader_position_ratio double precision NOT NULL,
                taker_long_short_vol_ratio double precision NOT NULL,
                {RevisionColumns}){p}
            """,
            $"CREATE UNIQUE INDEX long_short_ratio_key ON {s}.long_short_ratio (symbol, time, revision DESC)",
            // The key of a liquidation is the whole event with its doubles compared bit for bit; a unique index would
            // compare them with float equality (0 = -0), so uniqueness is the writers' rule under the series lock.
            $"""
            CREATE TABLE {s}.liquidations (
                symbol text NOT NULL,
                time timestamptz NOT NULL,
                side smallint NOT NULL CHECK (side IN (0, 1)),
                price double precision NOT NULL,
                quantity double precision NOT NULL,
                {RevisionColumns},
                CHECK (revision = 1)){p}
            """,
            $"CREATE INDEX liquidations_time ON {s}.liquidations (symbol, time)",
            $"""
            CREATE TABLE {s}.reference_prices (
                symbol text NOT NULL,
                time timestamptz NOT NULL,
                kind smallint NOT NULL CHECK (kind IN (0, 1)),
                price double precision NOT NULL,
                {RevisionColumns}){p}
            """,
            $"CREATE UNIQUE INDEX reference_prices_key ON {s}.reference_prices (symbol, time, kind, revision DESC)",
        ];
    }

    private static string[] FeatureTables(string s, StoreLayout layout) =>
    [
        $"""
        CREATE TABLE {s}.feature_columns (
            id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            symbol text NOT NULL,
            timeframe_ms bigint NOT NULL CHECK (timeframe_ms > 0),
            name text NOT NULL,
            ordinal integer NOT NULL,
            definition text NOT NULL,
            first_fetched_at timestamptz NOT NULL,
            UNIQUE (symbol, timeframe_ms, name))
        """,
        $"""
        CREATE TABLE {s}.feature_sets (
            symbol text NOT NULL,
            timeframe_ms bigint NOT NULL,
            catalog_version text NOT NULL,
            fetched_at timestamptz NOT NULL,
            PRIMARY KEY (symbol, timeframe_ms))
        """,
        $"""
        CREATE TABLE {s}.features (
            feature_id integer NOT NULL REFERENCES {s}.feature_columns (id),
            time timestamptz NOT NULL,
            value double precision NOT NULL,
            {RevisionColumns}){Partitioned(layout)}
        """,
        $"CREATE UNIQUE INDEX features_key ON {s}.features (feature_id, time, revision DESC)",
    ];
}
