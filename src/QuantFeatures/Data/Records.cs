namespace QuantFeatures.Data;

/// <summary>
/// A record of market data with the time it refers to. Every record type states how its <see cref="Time"/> maps to
/// the moment the value became known (its availability), which is what point-in-time alignment uses.
/// </summary>
public interface IMarketRecord
{
    /// <summary>The record's time (Unix milliseconds, UTC); see each type for what it means.</summary>
    long Time { get; }
}

/// <summary>
/// One OHLCV bar (a kline). <see cref="Time"/> is the bar's OPEN time; the bar is known at its close (open + Δ).
/// Optional values are NaN when the source does not have them.
/// </summary>
/// <param name="Time">Bar open time (Unix ms, UTC).</param>
/// <param name="Open">First traded price.</param>
/// <param name="High">Highest traded price.</param>
/// <param name="Low">Lowest traded price.</param>
/// <param name="Close">Last traded price.</param>
/// <param name="Volume">Base-asset volume.</param>
/// <param name="QuoteVolume">Quote-asset volume (NaN when absent).</param>
/// <param name="Trades">Number of trades (NaN when absent).</param>
/// <param name="TakerBuyVolume">Base volume bought by takers (NaN when absent).</param>
/// <param name="TakerBuyQuoteVolume">Quote volume bought by takers (NaN when absent).</param>
public readonly record struct Kline(long Time, double Open, double High, double Low, double Close, double Volume,
    double QuoteVolume = double.NaN, double Trades = double.NaN, double TakerBuyVolume = double.NaN,
    double TakerBuyQuoteVolume = double.NaN) : IMarketRecord;

/// <summary>
/// A settled funding rate. <see cref="Time"/> is the settlement time (Binance <c>fundingTime</c>, which can carry a few
/// milliseconds of jitter, e.g. …000008); the rate is known from that moment.
/// </summary>
/// <param name="Time">Settlement time (Unix ms, UTC).</param>
/// <param name="Rate">Funding rate per interval (decimal: 0.0001 = 0.01 %).</param>
/// <param name="IntervalHours">The funding interval in force, in hours, when the source states it (Binance
/// fundingRate archives do); NaN when it must be inferred from the spacing of settlements.</param>
public readonly record struct FundingSettlement(long Time, double Rate, double IntervalHours = double.NaN) : IMarketRecord;

/// <summary>
/// An open-interest snapshot. <see cref="Time"/> is the snapshot time (Binance metrics <c>create_time</c>); the value is
/// known from that moment (plus the loader's publication delay for the kind, if set).
/// </summary>
/// <param name="Time">Snapshot time (Unix ms, UTC).</param>
/// <param name="OpenInterest">Open interest in base units / contracts (NaN when absent).</param>
/// <param name="OpenInterestValue">Open interest in the quote asset (NaN when absent).</param>
public readonly record struct OpenInterestSnapshot(long Time, double OpenInterest, double OpenInterestValue = double.NaN) : IMarketRecord;

/// <summary>
/// A snapshot of positioning ratios (Binance metrics). <see cref="Time"/> is the snapshot time; absent ratios are NaN.
/// </summary>
/// <param name="Time">Snapshot time (Unix ms, UTC).</param>
/// <param name="LongShortRatio">Global accounts long/short ratio.</param>
/// <param name="TopTraderLongShortRatio">Top traders' long/short ratio by accounts.</param>
/// <param name="TopTraderPositionRatio">Top traders' long/short ratio by positions.</param>
/// <param name="TakerLongShortVolRatio">Taker buy/sell volume ratio.</param>
public readonly record struct PositioningSnapshot(long Time, double LongShortRatio = double.NaN, double TopTraderLongShortRatio = double.NaN,
    double TopTraderPositionRatio = double.NaN, double TakerLongShortVolRatio = double.NaN) : IMarketRecord;

/// <summary>Which side was liquidated.</summary>
public enum LiquidationSide
{
    /// <summary>A long position was liquidated (Binance order side SELL).</summary>
    Long,

    /// <summary>A short position was liquidated (Binance order side BUY).</summary>
    Short,
}

/// <summary>
/// One liquidation order (Binance liquidationSnapshot). <see cref="Time"/> is the event time; the event belongs to the bar
/// whose [open, open + Δ) contains it. Two events with the same time, side, price and quantity are the same event
/// (archives overlap), and the loader counts it once.
/// </summary>
/// <param name="Time">Event time (Unix ms, UTC).</param>
/// <param name="Side">The liquidated side.</param>
/// <param name="Price">Average fill price (quote per base).</param>
/// <param name="Quantity">Filled quantity (base).</param>
public readonly record struct LiquidationEvent(long Time, LiquidationSide Side, double Price, double Quantity) : IMarketRecord
{
    /// <summary>Price × quantity, in the quote asset.</summary>
    public double Notional => Price * Quantity;
}

/// <summary>Which reference price a <see cref="ReferencePrice"/> carries.</summary>
public enum ReferencePriceKind
{
    /// <summary>The exchange mark price.</summary>
    Mark,

    /// <summary>The exchange index (spot composite) price.</summary>
    Index,
}

/// <summary>
/// A reference price observation. <see cref="Time"/> is the moment the price was observed; for a mark/index kline
/// that is the kline's CLOSE time (open + its interval) and the price is its close — a kline's close is not known at
/// its open.
/// </summary>
/// <param name="Time">Observation time (Unix ms, UTC).</param>
/// <param name="Kind">Mark or index.</param>
/// <param name="Price">The price.</param>
public readonly record struct ReferencePrice(long Time, ReferencePriceKind Kind, double Price) : IMarketRecord;
