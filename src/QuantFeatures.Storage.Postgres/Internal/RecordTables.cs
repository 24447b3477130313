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
        Tag = _ => 0,
        Floats = static (k, f) =>
        {
            f[0] = k.Open;
            f[1] = k.High;
            f[2] = k.Low;
            f[3] = k.Close;
            f[4] = k.Volume;
            f[5] = k.QuoteVolume;
            f[6] = k.Trades;
            f[7] = k.TakerBuyVolume;
            f[8] = k.TakerBuyQuoteVolume;
        },
        Build = static (t, _, f) => new Kline(t, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]),
    };

    public static readonly RecordTable<FundingSettlement> Funding = new()
    {
        Name = "funding_rate",
        PerTimeframe = false,
        FloatColumns = ["funding_rate", "interval_hours"],
        KeyCount = 1,
        Tag = _ => 0,
        Floats = static (r, f) =>
        {
            f[0] = r.Rate;
            f[1] = r.IntervalHours;
        },
        Build = static (t, _, f) => new FundingSettlement(t, f[0], f[1]),
    };

    public static readonly RecordTable<OpenInterestSnapshot> OpenInterest = new()
    {
        Name = "open_interest",
        PerTimeframe = false,
        FloatColumns = ["open_interest", "open_interest_value"],
        KeyCount = 1,
        Tag = _ => 0,
        Floats = static (r, f) =>
        {
            f[0] = r.OpenInterest;
            f[1] = r.OpenInterestValue;
        },
        Build = static (t, _, f) => new OpenInterestSnapshot(t, f[0], f[1]),
    };

    public static readonly RecordTable<PositioningSnapshot> Positioning = new()
    {
        Name = "long_short_ratio",
        PerTimeframe = false,
        FloatColumns = ["long_short_ratio", "top_trader_long_short_ratio", "top_trader_position_ratio", "taker_long_short_vol_ratio"],
        KeyCount = 1,
        Tag = _ => 0,
        Floats = static (r, f) =>
        {
            f[0] = r.LongShortRatio;
            f[1] = r.TopTraderLongShortRatio;
            f[2] = r.TopTraderPositionRatio;
            f[3] = r.TakerLongShortVolRatio;
        },
        Build = static (t, _, f) => new PositioningSnapshot(t, f[0], f[1], f[2], f[3]),
    };

    /// <summary>Liquidations: the whole event is the key (time, side, price bits, quantity bits); never amended.</summary>
    public static readonly RecordTable<LiquidationEvent> Liquidations = new()
    {
        Name = "liquidations",
        PerTimeframe = false,
        TagColumn = "side",
        FloatColumns = ["price", "quantity"],
        KeyCount = 4,
        Tag = static r => (short)r.Side,
        Floats = static (r, f) =>
        {
            f[0] = r.Price;
            f[1] = r.Quantity;
        },
        Build = static (t, tag, f) => new LiquidationEvent(t, (LiquidationSide)tag, f[0], f[1]),
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
        Tag = static r => (short)r.Kind,
        Floats = static (r, f) => f[0] = r.Price,
        Build = static (t, tag, f) => new ReferencePrice(t, (ReferencePriceKind)tag, f[0]),
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
