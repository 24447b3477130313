using QuantFeatures.Data;

namespace QuantFeatures.Storage.Parquet.Internal;

/// <summary>
/// How one record type maps to Parquet columns: <c>time</c> (int64), an optional tag column (a string naming an enum
/// value: liquidation side, reference price kind), then its double fields in declaration order. The revision columns
/// (<c>revision</c>, <c>amended_from</c>, <c>fetched_at</c>) follow, added by <see cref="RecordColumns{T}"/>.
/// </summary>
internal abstract class RecordLayout<T>
    where T : struct, IMarketRecord
{
    public static RecordLayout<T> Instance { get; } = Create();

    /// <summary>The kind's name in file names and metadata.</summary>
    public abstract string KindName { get; }

    /// <summary>The tag column's name (null: the type has no tag).</summary>
    public virtual string? TagColumn => null;

    /// <summary>The tag's stored strings, indexed by the enum's integer value.</summary>
    public virtual string[] TagValues => [];

    /// <summary>The double columns, in order.</summary>
    public abstract string[] ValueColumns { get; }

    /// <summary>The tag of a record (0 when the type has none).</summary>
    public virtual int Tag(in T record) => 0;

    /// <summary>Writes the record's double fields into <paramref name="values"/> (length <see cref="ValueColumns"/>;
    /// <see cref="RecordFields.Write"/>).</summary>
    public void Values(in T record, Span<double> values) => RecordFields.Write(record, values);

    /// <summary>The record of a stored row (<see cref="RecordFields.Read"/>).</summary>
    public T Make(long time, int tag, ReadOnlySpan<double> values) => RecordFields.Read<T>(time, tag, values);

    /// <summary>Bit i set: optional kline column i (quote volume, trades, taker buy volume, taker buy quote volume)
    /// is present (not NaN) in the record; 0 for other kinds.</summary>
    public virtual int OptionalFlags(in T record) => 0;

    private static RecordLayout<T> Create()
    {
        object layout = RecordKeys.KindOf<T>() switch
        {
            RecordKind.Kline => new KlineLayout(),
            RecordKind.Funding => new FundingLayout(),
            RecordKind.OpenInterest => new OpenInterestLayout(),
            RecordKind.Positioning => new PositioningLayout(),
            RecordKind.Liquidation => new LiquidationLayout(),
            RecordKind.ReferencePrice => new ReferencePriceLayout(),
            var k => throw new NotSupportedException($"No Parquet layout for {k}."),
        };
        return (RecordLayout<T>)layout;
    }
}

internal static class KindNames
{
    public static string Of(RecordKind kind) => kind switch
    {
        RecordKind.Kline => "kline",
        RecordKind.Funding => "funding",
        RecordKind.OpenInterest => "open_interest",
        RecordKind.Positioning => "positioning",
        RecordKind.Liquidation => "liquidations",
        RecordKind.ReferencePrice => "reference_prices",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown record kind."),
    };
}

internal sealed class KlineLayout : RecordLayout<Kline>
{
    public static readonly MarketColumn[] Optional = [MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume];

    public override string KindName => "kline";

    public override string[] ValueColumns { get; } =
        ["open", "high", "low", "close", "volume", "quote_volume", "trades", "taker_buy_volume", "taker_buy_quote_volume"];

    public override int OptionalFlags(in Kline r) =>
        (double.IsNaN(r.QuoteVolume) ? 0 : 1) | (double.IsNaN(r.Trades) ? 0 : 2) | (double.IsNaN(r.TakerBuyVolume) ? 0 : 4) | (double.IsNaN(r.TakerBuyQuoteVolume) ? 0 : 8);
}

internal sealed class FundingLayout : RecordLayout<FundingSettlement>
{
    public override string KindName => "funding";

    public override string[] ValueColumns { get; } = ["rate", "interval_hours"];
}

internal sealed class OpenInterestLayout : RecordLayout<OpenInterestSnapshot>
{
    public override string KindName => "open_interest";

    public override string[] ValueColumns { get; } = ["open_interest", "open_interest_value"];
}

internal sealed class PositioningLayout : RecordLayout<PositioningSnapshot>
{
    public override string KindName => "positioning";

    public override string[] ValueColumns { get; } =
        ["long_short_ratio", "top_trader_long_short_ratio", "top_trader_position_ratio", "taker_long_short_vol_ratio"];
}

internal sealed class LiquidationLayout : RecordLayout<LiquidationEvent>
{
    public override string KindName => "liquidations";

    public override string? TagColumn => "side";

    public override string[] TagValues { get; } = ["long", "short"];

    public override string[] ValueColumns { get; } = ["price", "quantity"];

    public override int Tag(in LiquidationEvent r) => r.Side switch
    {
        LiquidationSide.Long => 0,
        LiquidationSide.Short => 1,
        var s => throw new ArgumentException($"Liquidation at {r.Time} has an unknown side ({(int)s}).", nameof(r)),
    };
}

internal sealed class ReferencePriceLayout : RecordLayout<ReferencePrice>
{
    public override string KindName => "reference_prices";

    public override string? TagColumn => "kind";

    public override string[] TagValues { get; } = ["mark", "index"];

    public override string[] ValueColumns { get; } = ["price"];

    public override int Tag(in ReferencePrice r) => r.Kind switch
    {
        ReferencePriceKind.Mark => 0,
        ReferencePriceKind.Index => 1,
        var k => throw new ArgumentException($"Reference price at {r.Time} has an unknown kind ({(int)k}).", nameof(r)),
    };
}
