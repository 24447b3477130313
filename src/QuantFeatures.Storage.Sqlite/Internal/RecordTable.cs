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

    /// <summary>Whether the second column is the record's tag (liquidation side, reference price kind: <see cref="RecordFields.Tag"/>).</summary>
    private bool HasTag => Kind is RecordKind.Liquidation or RecordKind.ReferencePrice;

    /// <summary>Sets <paramref name="p"/> (one parameter per column) to the fields of <paramref name="r"/>: the time, the
    /// tag, then the double fields (<see cref="RecordFields"/>) — key doubles encoded by <see cref="ValueCodec.Key"/>, the
    /// others by <see cref="ValueCodec.Value"/>.</summary>
    public void Bind(SqliteParameter[] p, in T r)
    {
        Span<double> values = stackalloc double[MaxDoubles];
        RecordFields.Write(r, values);
        int c = 0;
        p[c++].Value = r.Time;
        if (HasTag)
        {
            p[c++].Value = (long)RecordFields.Tag(r);
        }

        for (int i = 0; c < Columns.Length; i++, c++)
        {
            p[c].Value = c < KeyCount ? ValueCodec.Key(values[i]) : V(values[i]);
        }
    }

    /// <summary>The record in the columns starting at <paramref name="offset"/>.</summary>
    public T Read(SqliteDataReader reader, int offset)
    {
        Span<double> values = stackalloc double[MaxDoubles];
        int c = offset + 1;
        int tag = HasTag ? (int)reader.GetInt64(c++) : 0;
        for (int i = 0; c < offset + Columns.Length; i++, c++)
        {
            values[i] = D(reader, c);
        }

        return RecordFields.Read<T>(reader.GetInt64(offset), tag, values);
    }

    /// <summary>The most double fields of a record type (bars).</summary>
    private const int MaxDoubles = 9;

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
}

internal sealed class FundingTable : RecordTable<FundingSettlement>
{
    public static FundingTable Instance { get; } = new();

    public override RecordKind Kind => RecordKind.Funding;

    public override string Table => "funding";

    public override string[] Columns { get; } = ["time", "rate", "interval_hours"];
}

internal sealed class OpenInterestTable : RecordTable<OpenInterestSnapshot>
{
    public static OpenInterestTable Instance { get; } = new();

    public override RecordKind Kind => RecordKind.OpenInterest;

    public override string Table => "open_interest";

    public override string[] Columns { get; } = ["time", "open_interest", "open_interest_value"];
}

internal sealed class PositioningTable : RecordTable<PositioningSnapshot>
{
    public static PositioningTable Instance { get; } = new();

    public override RecordKind Kind => RecordKind.Positioning;

    public override string Table => "positioning";

    public override string[] Columns { get; } =
        ["time", "long_short_ratio", "top_trader_long_short_ratio", "top_trader_position_ratio", "taker_long_short_vol_ratio"];
}

internal sealed class LiquidationTable : RecordTable<LiquidationEvent>
{
    public static LiquidationTable Instance { get; } = new();

    public override RecordKind Kind => RecordKind.Liquidation;

    public override string Table => "liquidations";

    /// <summary>The whole event is the key (0 = long, 1 = short).</summary>
    public override string[] Columns { get; } = ["time", "side", "price", "quantity"];

    public override int KeyCount => 4;

    public override void BindKey(SqliteParameter[] keyParameters, RecordKey key)
    {
        keyParameters[0].Value = key.Time;
        keyParameters[1].Value = (long)key.Tag;
        keyParameters[2].Value = ValueCodec.Key(BitConverter.Int64BitsToDouble(key.A));
        keyParameters[3].Value = ValueCodec.Key(BitConverter.Int64BitsToDouble(key.B));
    }

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

    public override void BindKey(SqliteParameter[] keyParameters, RecordKey key)
    {
        keyParameters[0].Value = key.Time;
        keyParameters[1].Value = (long)key.Tag;
    }

    public override void Validate(in ReferencePrice record)
    {
        if (!Enum.IsDefined(record.Kind))
        {
            throw new ArgumentException($"Reference price at {record.Time} has kind {(int)record.Kind}, which is neither Mark nor Index.", "records");
        }
    }
}
