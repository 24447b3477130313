using Microsoft.Data.Sqlite;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Sqlite.Internal;

/// <summary>
/// The table of one record kind: its name, its record columns (the key columns first) and how a record is bound to
/// parameters and read back. Every table also has symbol (and timeframe for bars) before the record columns and
/// revision, amended_from, fetched_at after them; its primary key is (symbol[, timeframe], key columns…, revision).
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
internal abstract class RecordTable<T>
    where T : struct, IMarketRecord
{
    /// <summary>The record kind.</summary>
    public abstract RecordKind Kind { get; }

    /// <summary>The table name (a code constant, checked by <see cref="StoreIdentifiers.ValidateSqlName"/>).</summary>
    public abstract string Table { get; }

    /// <summary>Whether rows carry a timeframe (bars).</summary>
    public bool HasTimeframe => Kind == RecordKind.Kline;

    /// <summary>The record's columns, key columns first.</summary>
    public abstract string[] Columns { get; }

    /// <summary>How many leading <see cref="Columns"/> form the record's key.</summary>
    public virtual int KeyCount => 1;

    /// <summary>Sets <paramref name="p"/> (one parameter per column) to the fields of <paramref name="r"/>.</summary>
    public abstract void Bind(SqliteParameter[] p, in T r);

    /// <summary>The record in the columns starting at <paramref name="offset"/>.</summary>
    public abstract T Read(SqliteDataReader reader, int offset);

    /// <summary>Checks what the type system cannot (enum values in range).</summary>
    /// <exception cref="ArgumentException">A field out of range; the message names the record.</exception>
    public virtual void Validate(in T record)
    {
    }

    /// <summary>The comma-separated record columns.</summary>
    public string ColumnList => string.Join(", ", Columns);

    /// <summary>The comma-separated key columns.</summary>
    public string KeyList => string.Join(", ", Columns[..KeyCount]);

    /// <summary>The WHERE clause of a series: symbol (and timeframe) equality.</summary>
    public string SeriesFilter => HasTimeframe ? "symbol = $symbol AND timeframe = $timeframe" : "symbol = $symbol";

    /// <summary>The key equality clause, with parameters $k0, $k1, ….</summary>
    public string KeyFilter => string.Join(" AND ", Columns[..KeyCount].Select((c, i) => $"{c} = $k{i}"));

    /// <summary>Sets the key parameters $k0… to <paramref name="key"/>, encoded as <see cref="Bind"/> encodes the key columns.</summary>
    public virtual void BindKey(SqliteParameter[] keyParameters, RecordKey key) => keyParameters[0].Value = key.Time;

    protected static object V(double v) => ValueCodec.Value(v);

    protected static double D(SqliteDataReader r, int i) => ValueCodec.Read(r, i);
}

internal sealed class KlineTable : RecordTable<Kline>
{
    public static KlineTable Instance { get; } = new();

    public override RecordKind Kind => RecordKind.Kline;

    public override string Table => "klines";

    public override string[] Columns { get; } =
        ["time", "open", "high", "low", "close", "volume", "quote_volume", "trades", "taker_buy_volume", "taker_buy_quote_volume"];

    public override void Bind(SqliteParameter[] p, in Kline r)
    {
        p[0].Value = r.Time;
        p[1].Value = V(r.Open);
        p[2].Value = V(r.High);
        p[3].Value = V(r.Low);
        p[4].Value = V(r.Close);
        p[5].Value = V(r.Volume);
        p[6].Value = V(r.QuoteVolume);
        p[7].Value = V(r.Trades);
        p[8].Value = V(r.TakerBuyVolume);
        p[9].Value = V(r.TakerBuyQuoteVolume);
    }

    public override Kline Read(SqliteDataReader r, int o) =>
        new(r.GetInt64(o), D(r, o + 1), D(r, o + 2), D(r, o + 3), D(r, o + 4), D(r, o + 5), D(r, o + 6), D(r, o + 7), D(r, o + 8), D(r, o + 9));
}

internal sealed class FundingTable : RecordTable<FundingSettlement>
{
    public static FundingTable Instance { get; } = new();

    public override RecordKind Kind => RecordKind.Funding;

    public override string Table => "funding";

    public override string[] Columns { get; } = ["time", "rate", "interval_hours"];

    public override void Bind(SqliteParameter[] p, in FundingSettlement r)
    {
        p[0].Value = r.Time;
        p[1].Value = V(r.Rate);
        p[2].Value = V(r.IntervalHours);
    }

    public override FundingSettlement Read(SqliteDataReader r, int o) => new(r.GetInt64(o), D(r, o + 1), D(r, o + 2));
}

internal sealed class OpenInterestTable : RecordTable<OpenInterestSnapshot>
{
    public static OpenInterestTable Instance { get; } = new();

    public override RecordKind Kind => RecordKind.OpenInterest;

    public override string Table => "open_interest";

    public override string[] Columns { get; } = ["time", "open_interest", "open_interest_value"];

    public override void Bind(SqliteParameter[] p, in OpenInterestSnapshot r)
    {
        p[0].Value = r.Time;
        p[1].Value = V(r.OpenInterest);
        p[2].Value = V(r.OpenInterestValue);
    }

    public override OpenInterestSnapshot Read(SqliteDataReader r, int o) => new(r.GetInt64(o), D(r, o + 1), D(r, o + 2));
}

internal sealed class PositioningTable : RecordTable<PositioningSnapshot>
{
    public static PositioningTable Instance { get; } = new();

    public override RecordKind Kind => RecordKind.Positioning;

    public override string Table => "positioning";

    public override string[] Columns { get; } =
        ["time", "long_short_ratio", "top_trader_long_short_ratio", "top_trader_position_ratio", "taker_long_short_vol_ratio"];

    public override void Bind(SqliteParameter[] p, in PositioningSnapshot r)
    {
        p[0].Value = r.Time;
        p[1].Value = V(r.LongShortRatio);
        p[2].Value = V(r.TopTraderLongShortRatio);
        p[3].Value = V(r.TopTraderPositionRatio);
        p[4].Value = V(r.TakerLongShortVolRatio);
    }

    public override PositioningSnapshot Read(SqliteDataReader r, int o) => new(r.GetInt64(o), D(r, o + 1), D(r, o + 2), D(r, o + 3), D(r, o + 4));
}

internal sealed class LiquidationTable : RecordTable<LiquidationEvent>
{
    public static LiquidationTable Instance { get; } = new();

    public override RecordKind Kind => RecordKind.Liquidation;

    public override string Table => "liquidations";

    /// <summary>The whole event is the key (0 = long, 1 = short).</summary>
    public override string[] Columns { get; } = ["time", "side", "price", "quantity"];

    public override int KeyCount => 4;

    public override void Bind(SqliteParameter[] p, in LiquidationEvent r)
    {
        p[0].Value = r.Time;
        p[1].Value = (long)r.Side;
        p[2].Value = ValueCodec.Key(r.Price);
        p[3].Value = ValueCodec.Key(r.Quantity);
    }

    public override void BindKey(SqliteParameter[] keyParameters, RecordKey key)
    {
        keyParameters[0].Value = key.Time;
        keyParameters[1].Value = (long)key.Tag;
        keyParameters[2].Value = ValueCodec.Key(BitConverter.Int64BitsToDouble(key.A));
        keyParameters[3].Value = ValueCodec.Key(BitConverter.Int64BitsToDouble(key.B));
    }

    public override LiquidationEvent Read(SqliteDataReader r, int o) => new(r.GetInt64(o), (LiquidationSide)r.GetInt64(o + 1), D(r, o + 2), D(r, o + 3));

    public override void Validate(in LiquidationEvent record)
    {
        if (!Enum.IsDefined(record.Side))
        {
            throw new ArgumentException($"Liquidation at {record.Time} has side {(int)record.Side}, which is neither Long nor Short.", "records");
        }
    }
}

internal sealed class ReferencePriceTable : RecordTable<ReferencePrice>
{
    public static ReferencePriceTable Instance { get; } = new();

    public override RecordKind Kind => RecordKind.ReferencePrice;

    public override string Table => "reference_prices";

    /// <summary>Key (time, kind); kind 0 = mark, 1 = index.</summary>
    public override string[] Columns { get; } = ["time", "kind", "price"];

    public override int KeyCount => 2;

    public override void Bind(SqliteParameter[] p, in ReferencePrice r)
    {
        p[0].Value = r.Time;
        p[1].Value = (long)r.Kind;
        p[2].Value = V(r.Price);
    }

    public override void BindKey(SqliteParameter[] keyParameters, RecordKey key)
    {
        keyParameters[0].Value = key.Time;
        keyParameters[1].Value = (long)key.Tag;
    }

    public override ReferencePrice Read(SqliteDataReader r, int o) => new(r.GetInt64(o), (ReferencePriceKind)r.GetInt64(o + 1), D(r, o + 2));

    public override void Validate(in ReferencePrice record)
    {
        if (!Enum.IsDefined(record.Kind))
        {
            throw new ArgumentException($"Reference price at {record.Time} has kind {(int)record.Kind}, which is neither Mark nor Index.", "records");
        }
    }
}
