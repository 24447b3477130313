using QuantFeatures.Data;

namespace QuantFeatures.Storage.Postgres.Internal;

/// <summary>The table of every record kind (the seeds' table names).</summary>
internal static class RecordTables
{
    public static readonly RecordTable<Kline> Klines = new()
    {
        Name = "ohlcv",
        PerTimeframe = true,
        FloatColumns = ["open", "high", "low", "close", "volume", "quote_volume", "trades", "taker_buy_volume", "taker_buy_quote_volume"],
        KeyCount = 1,
    };

    public static readonly RecordTable<FundingSettlement> Funding = new()
    {
        Name = "funding_rate",
        PerTimeframe = false,
        FloatColumns = ["funding_rate", "interval_hours"],
        KeyCount = 1,
    };

    public static readonly RecordTable<OpenInterestSnapshot> OpenInterest = new()
    {
        Name = "open_interest",
        PerTimeframe = false,
        FloatColumns = ["open_interest", "open_interest_value"],
        KeyCount = 1,
    };

    public static readonly RecordTable<PositioningSnapshot> Positioning = new()
    {
        Name = "long_short_ratio",
        PerTimeframe = false,
        FloatColumns = ["long_short_ratio", "top_trader_long_short_ratio", "top_trader_position_ratio", "taker_long_short_vol_ratio"],
        KeyCount = 1,
    };

    /// <summary>Liquidations: the whole event is the key (time, side, price bits, quantity bits); never amended.</summary>
    public static readonly RecordTable<LiquidationEvent> Liquidations = new()
    {
        Name = "liquidations",
        PerTimeframe = false,
        TagColumn = "side",
        FloatColumns = ["price", "quantity"],
        KeyCount = 4,
        Check = static (r, i) =>
        {
            if (!Enum.IsDefined(r.Side))
            {
                throw new ArgumentException($"Liquidation {i} has an unknown side {(int)r.Side}.", "records");
            }
        },
    };

    /// <summary>Mark and index prices: key (time, kind).</summary>
    public static readonly RecordTable<ReferencePrice> References = new()
    {
        Name = "reference_prices",
        PerTimeframe = false,
        TagColumn = "kind",
        FloatColumns = ["price"],
        KeyCount = 2,
        Check = static (r, i) =>
        {
            if (!Enum.IsDefined(r.Kind))
            {
                throw new ArgumentException($"Reference price {i} has an unknown kind {(int)r.Kind}.", "records");
            }
        },
    };

    /// <summary>The table of a record type.</summary>
    /// <exception cref="NotSupportedException">Not a record type of a market data store.</exception>
    public static RecordTable<T> For<T>()
        where T : struct, IMarketRecord => RecordKeys.KindOf<T>() switch
        {
            RecordKind.Kline => (RecordTable<T>)(object)Klines,
            RecordKind.Funding => (RecordTable<T>)(object)Funding,
            RecordKind.OpenInterest => (RecordTable<T>)(object)OpenInterest,
            RecordKind.Positioning => (RecordTable<T>)(object)Positioning,
            RecordKind.Liquidation => (RecordTable<T>)(object)Liquidations,
            RecordKind.ReferencePrice => (RecordTable<T>)(object)References,
            var k => throw new NotSupportedException($"No table for record kind {k}."),
        };

    /// <summary>The table name of a kind.</summary>
    public static string NameOf(RecordKind kind) => kind switch
    {
        RecordKind.Kline => Klines.Name,
        RecordKind.Funding => Funding.Name,
        RecordKind.OpenInterest => OpenInterest.Name,
        RecordKind.Positioning => Positioning.Name,
        RecordKind.Liquidation => Liquidations.Name,
        RecordKind.ReferencePrice => References.Name,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown record kind."),
    };

    /// <summary>Every time-partitioned table (raw kinds and features).</summary>
    public static readonly string[] TimeTables = ["ohlcv", "funding_rate", "open_interest", "long_short_ratio", "liquidations", "reference_prices", "features"];
}
