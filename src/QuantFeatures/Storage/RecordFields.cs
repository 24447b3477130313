using System.Runtime.CompilerServices;
using QuantFeatures.Data;

namespace QuantFeatures.Storage;

/// <summary>
/// The fields of the record types as the columnar adapters lay them out: the time, a small integer tag (the liquidation
/// side or the reference price kind; 0 for the other types) and the double fields in declaration order — for bars
/// open, high, low, close, volume, quote volume, trades, taker buy volume, taker buy quote volume. One description,
/// so that every store splits and rebuilds a record the same way (the column names stay each store's own).
/// </summary>
public static class RecordFields
{
    /// <summary>The number of double fields of <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException">Not a record kind a market data store keeps.</exception>
    public static int DoubleCount<T>()
        where T : struct, IMarketRecord => RecordKeys.KindOf<T>() switch
        {
            RecordKind.Kline => 9,
            RecordKind.Funding or RecordKind.OpenInterest or RecordKind.Liquidation => 2,
            RecordKind.Positioning => 4,
            _ => 1,
        };

    /// <summary>The tag of a record: <c>(int)Side</c> of a liquidation, <c>(int)Kind</c> of a reference price, else 0.</summary>
    public static int Tag<T>(in T record)
        where T : struct, IMarketRecord
    {
        if (typeof(T) == typeof(LiquidationEvent))
        {
            return (int)Unsafe.As<T, LiquidationEvent>(ref Unsafe.AsRef(in record)).Side;
        }

        return typeof(T) == typeof(ReferencePrice) ? (int)Unsafe.As<T, ReferencePrice>(ref Unsafe.AsRef(in record)).Kind : 0;
    }

    /// <summary>Writes the double fields of <paramref name="record"/> into <paramref name="values"/> (at least
    /// <see cref="DoubleCount{T}"/> long).</summary>
    public static void Write<T>(in T record, Span<double> values)
        where T : struct, IMarketRecord
    {
        ref T r = ref Unsafe.AsRef(in record);
        if (typeof(T) == typeof(Kline))
        {
            ref var k = ref Unsafe.As<T, Kline>(ref r);
            values[8] = k.TakerBuyQuoteVolume;
            values[0] = k.Open;
            values[1] = k.High;
            values[2] = k.Low;
            values[3] = k.Close;
            values[4] = k.Volume;
            values[5] = k.QuoteVolume;
            values[6] = k.Trades;
            values[7] = k.TakerBuyVolume;
        }
        else if (typeof(T) == typeof(FundingSettlement))
        {
            ref var f = ref Unsafe.As<T, FundingSettlement>(ref r);
            values[1] = f.IntervalHours;
            values[0] = f.Rate;
        }
        else if (typeof(T) == typeof(OpenInterestSnapshot))
        {
            ref var o = ref Unsafe.As<T, OpenInterestSnapshot>(ref r);
            values[1] = o.OpenInterestValue;
            values[0] = o.OpenInterest;
        }
        else if (typeof(T) == typeof(PositioningSnapshot))
        {
            ref var p = ref Unsafe.As<T, PositioningSnapshot>(ref r);
            values[3] = p.TakerLongShortVolRatio;
            values[0] = p.LongShortRatio;
            values[1] = p.TopTraderLongShortRatio;
            values[2] = p.TopTraderPositionRatio;
        }
        else if (typeof(T) == typeof(LiquidationEvent))
        {
            ref var e = ref Unsafe.As<T, LiquidationEvent>(ref r);
            values[1] = e.Quantity;
            values[0] = e.Price;
        }
        else if (typeof(T) == typeof(ReferencePrice))
        {
            values[0] = Unsafe.As<T, ReferencePrice>(ref r).Price;
        }
        else
        {
            throw new NotSupportedException($"{typeof(T).Name} is not a record kind a market data store keeps.");
        }
    }

    /// <summary>The record of a stored row: its time, tag and double fields.</summary>
    /// <exception cref="NotSupportedException">Not a record kind a market data store keeps.</exception>
    public static T Read<T>(long time, int tag, ReadOnlySpan<double> values)
        where T : struct, IMarketRecord
    {
        if (typeof(T) == typeof(Kline))
        {
            var k = new Kline(time, values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8]);
            return Unsafe.As<Kline, T>(ref k);
        }

        if (typeof(T) == typeof(FundingSettlement))
        {
            var f = new FundingSettlement(time, values[0], values[1]);
            return Unsafe.As<FundingSettlement, T>(ref f);
        }

        if (typeof(T) == typeof(OpenInterestSnapshot))
        {
            var o = new OpenInterestSnapshot(time, values[0], values[1]);
            return Unsafe.As<OpenInterestSnapshot, T>(ref o);
        }

        if (typeof(T) == typeof(PositioningSnapshot))
        {
            var p = new PositioningSnapshot(time, values[0], values[1], values[2], values[3]);
            return Unsafe.As<PositioningSnapshot, T>(ref p);
        }

        if (typeof(T) == typeof(LiquidationEvent))
        {
            var e = new LiquidationEvent(time, (LiquidationSide)tag, values[0], values[1]);
            return Unsafe.As<LiquidationEvent, T>(ref e);
        }

        if (typeof(T) == typeof(ReferencePrice))
        {
            var r = new ReferencePrice(time, (ReferencePriceKind)tag, values[0]);
            return Unsafe.As<ReferencePrice, T>(ref r);
        }

        throw new NotSupportedException($"{typeof(T).Name} is not a record kind a market data store keeps.");
    }
}
