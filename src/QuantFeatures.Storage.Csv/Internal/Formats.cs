using System.Text;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>The Binance archive column layouts (positional names, used for headerless files and by the writers).</summary>
internal static class BinanceColumns
{
    public static readonly string[] Klines =
    [
        "open_time", "open", "high", "low", "close", "volume", "close_time", "quote_volume", "count", "taker_buy_volume",
        "taker_buy_quote_volume", "ignore",
    ];

    public static readonly string[] FundingRate = ["calc_time", "funding_interval_hours", "last_funding_rate"];

    public static readonly string[] Metrics =
    [
        "create_time", "symbol", "sum_open_interest", "sum_open_interest_value", "count_toptrader_long_short_ratio",
        "sum_toptrader_long_short_ratio", "count_long_short_ratio", "sum_taker_long_short_vol_ratio",
    ];

    public static readonly string[] LiquidationSnapshot =
    [
        "time", "side", "order_type", "time_in_force", "original_quantity", "price", "average_price", "order_status",
        "last_fill_quantity", "accumulated_fill_quantity",
    ];

    public static readonly string[] AggTrades =
    [
        "agg_trade_id", "price", "quantity", "first_trade_id", "last_trade_id", "transact_time", "is_buyer_maker",
    ];

    public static readonly string[] SpotAggTrades = [.. AggTrades, "is_best_match"];
}

/// <summary>Klines: Binance 12 columns (header optional) or named columns (time + open, high, low, close, optional
/// volume, quote_volume, trades/count, taker_buy_volume, taker_buy_quote_volume). With <c>priceOnly</c> (premium
/// index klines) only the OHLC are read and the volumes are NaN.</summary>
internal sealed class KlineFormat(bool priceOnly) : CsvFormat<Kline>
{
    public static readonly string[] TimeNames = ["open_time", "time", "timestamp", "date", "datetime"];

    public override string Description => priceOnly ? "premium index klines" : "klines";

    public override CsvLayout<Kline> FromHeader(HeaderMap h, CsvContext context)
    {
        int t = h.RequireTime(TimeNames);
        int o = h.Require("open", "open");
        int hi = h.Require("high", "high");
        int lo = h.Require("low", "low");
        int c = h.Require("close", "close");
        int v = -1, qv = -1, n = -1, tb = -1, tbq = -1;
        if (!priceOnly)
        {
            v = h.Find("volume");
            qv = h.Find("quote_volume", "quote_asset_volume");
            n = h.Find("trades", "count", "number_of_trades");
            tb = h.Find("taker_buy_volume", "taker_buy_base_asset_volume");
            tbq = h.Find("taker_buy_quote_volume", "taker_buy_quote_asset_volume");
        }

        var provides = new List<MarketColumn>();
        AddIf(provides, v, MarketColumn.Volume);
        AddIf(provides, qv, MarketColumn.QuoteVolume);
        AddIf(provides, n, MarketColumn.Trades);
        AddIf(provides, tb, MarketColumn.TakerBuyVolume);
        AddIf(provides, tbq, MarketColumn.TakerBuyQuoteVolume);
        return new CsvLayout<Kline>(new Mapper(t, o, hi, lo, c, v, qv, n, tb, tbq), h.Names.Length, h.Names, h.Find("symbol"), provides);
    }

    public override CsvLayout<Kline> Positional(int fieldCount, CsvContext context)
    {
        if (fieldCount != BinanceColumns.Klines.Length)
        {
            throw NoHeaderShape(fieldCount, BinanceColumns.Klines);
        }

        return priceOnly
            ? new CsvLayout<Kline>(new Mapper(0, 1, 2, 3, 4, -1, -1, -1, -1, -1), fieldCount, BinanceColumns.Klines)
            : new CsvLayout<Kline>(new Mapper(0, 1, 2, 3, 4, 5, 7, 8, 9, 10), fieldCount, BinanceColumns.Klines, -1,
                [MarketColumn.Volume, MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume]);
    }

    private static void AddIf(List<MarketColumn> list, int field, MarketColumn column)
    {
        if (field >= 0)
        {
            list.Add(column);
        }
    }

    private sealed class Mapper(int t, int o, int h, int l, int c, int v, int qv, int n, int tb, int tbq) : IRowMapper<Kline>
    {
        public Kline Map(in CsvRow row) => new(row.Time(t), row.Number(o), row.Number(h), row.Number(l), row.Number(c),
            row.OptionalNumber(v), row.OptionalNumber(qv), row.OptionalNumber(n), row.OptionalNumber(tb), row.OptionalNumber(tbq));
    }
}

/// <summary>Mark or index prices. A kline-shaped file (a <c>close</c> column, e.g. Binance markPriceKlines or the
/// samples' <c>mark-8h</c> files) gives one observation per kline at its CLOSE time (open + interval) with the close
/// price; the interval is the caller's or the file name's timeframe, else close_time + 1 ms. A file with a
/// <c>mark_price</c> / <c>index_price</c> / <c>price</c> column gives observations at its time column as they are.</summary>
internal sealed class ReferenceFormat(ReferencePriceKind kind) : CsvFormat<ReferencePrice>
{
    public override string Description => kind == ReferencePriceKind.Mark ? "mark price klines" : "index price klines";

    public override CsvLayout<ReferencePrice> FromHeader(HeaderMap h, CsvContext context)
    {
        int t = h.RequireTime(KlineFormat.TimeNames);
        int close = h.Find("close");
        int sym = h.Find("symbol");
        if (close >= 0)
        {
            return new CsvLayout<ReferencePrice>(KlineShaped(t, close, h.Find("close_time"), h.Names, context), h.Names.Length, h.Names, sym);
        }

        int price = h.Require(kind == ReferencePriceKind.Mark ? "mark price" : "index price",
            kind == ReferencePriceKind.Mark ? "mark_price" : "index_price", "price", "close");
        return new CsvLayout<ReferencePrice>(new Mapper(kind, t, price, -1, 0), h.Names.Length, h.Names, sym);
    }

    public override CsvLayout<ReferencePrice> Positional(int fieldCount, CsvContext context)
    {
        if (fieldCount != BinanceColumns.Klines.Length)
        {
            throw NoHeaderShape(fieldCount, BinanceColumns.Klines);
        }

        return new CsvLayout<ReferencePrice>(KlineShaped(0, 4, 6, BinanceColumns.Klines, context), fieldCount, BinanceColumns.Klines);
    }

    private Mapper KlineShaped(int time, int close, int closeTime, string[] names, CsvContext context)
    {
        if (context.Timeframe is { } tf)
        {
            return new Mapper(kind, time, close, -1, tf.Milliseconds);
        }

        if (closeTime >= 0)
        {
            return new Mapper(kind, time, close, closeTime, 0);
        }

        throw new FormatException($"cannot tell the interval of these {Description} ({string.Join(",", names)}): a kline's price is known at its close, "
            + "so pass the interval, or name the file <SYMBOL>-<interval>-mark.csv / put it in a folder named after the interval, or add a close_time column");
    }

    /// <summary>Time = open + shift, or close_time + 1 ms when <paramref name="closeTime"/> ≥ 0.</summary>
    private sealed class Mapper(ReferencePriceKind kind, int time, int price, int closeTime, long shift) : IRowMapper<ReferencePrice>
    {
        public ReferencePrice Map(in CsvRow row)
        {
            long t = closeTime >= 0 ? row.Time(closeTime) + 1 : row.Time(time) + shift;
            return new ReferencePrice(t, kind, row.Number(price));
        }
    }
}

/// <summary>Funding settlements: Binance fundingRate (calc_time, funding_interval_hours, last_funding_rate) or named
/// columns (funding_time[_ms] / calc_time / time …, funding_rate, optional funding_interval_hours).</summary>
internal sealed class FundingFormat : CsvFormat<FundingSettlement>
{
    public override string Description => "fundingRate";

    public override CsvLayout<FundingSettlement> FromHeader(HeaderMap h, CsvContext context)
    {
        int t = h.RequireTime("funding_time", "calc_time", "fundingtime", "time", "timestamp", "date", "datetime");
        int rate = h.Require("funding rate", "funding_rate", "last_funding_rate", "fundingrate");
        int hours = h.Find("funding_interval_hours");
        return new CsvLayout<FundingSettlement>(new Mapper(t, rate, hours), h.Names.Length, h.Names, h.Find("symbol"));
    }

    public override CsvLayout<FundingSettlement> Positional(int fieldCount, CsvContext context) =>
        fieldCount == BinanceColumns.FundingRate.Length
            ? new CsvLayout<FundingSettlement>(new Mapper(0, 2, 1), fieldCount, BinanceColumns.FundingRate)
            : throw NoHeaderShape(fieldCount, BinanceColumns.FundingRate);

    private sealed class Mapper(int t, int rate, int hours) : IRowMapper<FundingSettlement>
    {
        public FundingSettlement Map(in CsvRow row) => new(row.Time(t), row.Number(rate), row.OptionalNumber(hours));
    }
}

/// <summary>One row of a Binance metrics file (open interest and positioning ratios at one snapshot time).</summary>
internal readonly record struct MetricsRow(long Time, double OpenInterest, double OpenInterestValue, double LongShortRatio,
    double TopTraderLongShortRatio, double TopTraderPositionRatio, double TakerLongShortVolRatio) : IMarketRecord;

/// <summary>Binance metrics, or named columns. Mapping (by what Binance means):
/// sum_open_interest → open_interest; sum_open_interest_value → open_interest_value;
/// count_toptrader_long_short_ratio (top traders by ACCOUNTS) → top_trader_long_short_ratio;
/// sum_toptrader_long_short_ratio (top traders by POSITIONS) → top_trader_position_ratio;
/// count_long_short_ratio (all accounts) → long_short_ratio; sum_taker_long_short_vol_ratio → taker_long_short_vol_ratio.</summary>
internal sealed class MetricsFormat(MetricsFormat.Need need) : CsvFormat<MetricsRow>
{
    /// <summary>Which values the reading source needs: a file without any of them is an error, not silently NaN.</summary>
    public enum Need
    {
        Any,
        OpenInterest,
        Positioning,
    }

    public override string Description => "metrics";

    public override CsvLayout<MetricsRow> FromHeader(HeaderMap h, CsvContext context)
    {
        int t = h.RequireTime("create_time", "time", "timestamp", "date", "datetime");
        int oi = h.Find("open_interest", "sum_open_interest");
        int oiv = h.Find("open_interest_value", "sum_open_interest_value");
        int ls = h.Find("long_short_ratio", "count_long_short_ratio");
        int top = h.Find("top_trader_long_short_ratio", "count_toptrader_long_short_ratio");
        int topPos = h.Find("top_trader_position_ratio", "sum_toptrader_long_short_ratio");
        int taker = h.Find("taker_long_short_vol_ratio", "sum_taker_long_short_vol_ratio");
        if (oi < 0 && oiv < 0 && ls < 0 && top < 0 && topPos < 0 && taker < 0)
        {
            throw new FormatException("the header has none of the metrics columns (open_interest, open_interest_value, long_short_ratio, "
                + $"top_trader_long_short_ratio, top_trader_position_ratio, taker_long_short_vol_ratio, or Binance's {string.Join(",", BinanceColumns.Metrics[2..])}); "
                + $"found {string.Join(",", h.Names)}");
        }

        if (need == Need.OpenInterest && oi < 0 && oiv < 0)
        {
            throw new FormatException($"the header has no open interest column (open_interest, open_interest_value, sum_open_interest or sum_open_interest_value); found {string.Join(",", h.Names)}");
        }

        if (need == Need.Positioning && ls < 0 && top < 0 && topPos < 0 && taker < 0)
        {
            throw new FormatException("the header has no positioning ratio column (long_short_ratio, top_trader_long_short_ratio, top_trader_position_ratio, "
                + $"taker_long_short_vol_ratio, or Binance's {string.Join(",", BinanceColumns.Metrics[4..])}); found {string.Join(",", h.Names)}");
        }

        return new CsvLayout<MetricsRow>(new Mapper(t, oi, oiv, ls, top, topPos, taker), h.Names.Length, h.Names, h.Find("symbol"));
    }

    public override CsvLayout<MetricsRow> Positional(int fieldCount, CsvContext context) =>
        fieldCount == BinanceColumns.Metrics.Length
            ? new CsvLayout<MetricsRow>(new Mapper(0, 2, 3, 6, 4, 5, 7), fieldCount, BinanceColumns.Metrics, 1)
            : throw NoHeaderShape(fieldCount, BinanceColumns.Metrics);

    private sealed class Mapper(int t, int oi, int oiv, int ls, int top, int topPos, int taker) : IRowMapper<MetricsRow>
    {
        public MetricsRow Map(in CsvRow row) => new(row.Time(t), row.OptionalNumber(oi), row.OptionalNumber(oiv), row.OptionalNumber(ls),
            row.OptionalNumber(top), row.OptionalNumber(topPos), row.OptionalNumber(taker));
    }
}

/// <summary>Binance liquidationSnapshot, or named columns (time, side, price, quantity). Side SELL (or LONG) = a long
/// position liquidated, BUY (or SHORT) = a short. Price = average_price (the fill price; <c>price</c> when the file has
/// no average_price); Quantity = accumulated_fill_quantity (else quantity, else original_quantity).</summary>
internal sealed class LiquidationFormat : CsvFormat<LiquidationEvent>
{
    public override string Description => "liquidationSnapshot";

    public override CsvLayout<LiquidationEvent> FromHeader(HeaderMap h, CsvContext context)
    {
        int t = h.RequireTime("time", "event_time", "timestamp", "date", "datetime");
        int side = h.Require("side", "side");
        int price = h.Require("price", "average_price", "price");
        int qty = h.Require("quantity", "accumulated_fill_quantity", "quantity", "qty", "original_quantity");
        return new CsvLayout<LiquidationEvent>(new Mapper(t, side, price, qty), h.Names.Length, h.Names, h.Find("symbol"));
    }

    public override CsvLayout<LiquidationEvent> Positional(int fieldCount, CsvContext context) =>
        fieldCount == BinanceColumns.LiquidationSnapshot.Length
            ? new CsvLayout<LiquidationEvent>(new Mapper(0, 1, 6, 9), fieldCount, BinanceColumns.LiquidationSnapshot)
            : throw NoHeaderShape(fieldCount, BinanceColumns.LiquidationSnapshot);

    private sealed class Mapper(int t, int side, int price, int qty) : IRowMapper<LiquidationEvent>
    {
        public LiquidationEvent Map(in CsvRow row)
        {
            long time = row.Time(t);
            var s = row[side];
            LiquidationSide liquidated = Ascii.EqualsIgnoreCase(s, "SELL"u8) || Ascii.EqualsIgnoreCase(s, "LONG"u8) ? LiquidationSide.Long
                : Ascii.EqualsIgnoreCase(s, "BUY"u8) || Ascii.EqualsIgnoreCase(s, "SHORT"u8) ? LiquidationSide.Short
                : throw row.Error(side, "invalid side (expected SELL = long liquidated, or BUY = short liquidated)");
            return new LiquidationEvent(time, liquidated, row.Number(price), row.Number(qty));
        }
    }
}

/// <summary>One aggregated trade (Binance aggTrades row) with the line it came from.</summary>
internal readonly record struct AggTrade(long Time, long Id, double Price, double Quantity, long Trades, bool BuyerMaker, long Line) : IMarketRecord;

/// <summary>Binance aggTrades (7 columns; spot files add is_best_match) or named columns (transact_time / time, price,
/// quantity, is_buyer_maker, optional agg_trade_id, first_trade_id, last_trade_id).</summary>
internal sealed class AggTradeFormat : CsvFormat<AggTrade>
{
    public override string Description => "aggTrades";

    public override CsvLayout<AggTrade> FromHeader(HeaderMap h, CsvContext context)
    {
        int t = h.RequireTime("transact_time", "time", "timestamp");
        int price = h.Require("price", "price");
        int qty = h.Require("quantity", "quantity", "qty");
        int maker = h.Require("is_buyer_maker", "is_buyer_maker");
        int first = h.Find("first_trade_id");
        int last = h.Find("last_trade_id");
        return new CsvLayout<AggTrade>(new Mapper(t, h.Find("agg_trade_id"), price, qty, first < 0 || last < 0 ? -1 : first, last, maker),
            h.Names.Length, h.Names, h.Find("symbol"), null, t);
    }

    public override CsvLayout<AggTrade> Positional(int fieldCount, CsvContext context) =>
        fieldCount == BinanceColumns.AggTrades.Length || fieldCount == BinanceColumns.SpotAggTrades.Length
            ? new CsvLayout<AggTrade>(new Mapper(5, 0, 1, 2, 3, 4, 6), fieldCount, BinanceColumns.SpotAggTrades, -1, null, 5)
            : throw NoHeaderShape(fieldCount, BinanceColumns.AggTrades);

    private sealed class Mapper(int t, int id, int price, int qty, int first, int last, int maker) : IRowMapper<AggTrade>
    {
        public AggTrade Map(in CsvRow row)
        {
            long time = row.Time(t);
            long aggId = id >= 0 ? row.Integer(id) : long.MinValue;
            double p = row.Number(price);
            double q = row.Number(qty);
            long trades = 1;
            if (first >= 0)
            {
                long f = row.Integer(first);
                long l = row.Integer(last);
                if (l < f)
                {
                    throw row.Error(last, $"last_trade_id is below first_trade_id ({f.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
                }

                trades = l - f + 1;
            }

            var m = row[maker];
            bool buyerMaker = Ascii.EqualsIgnoreCase(m, "true"u8) || m.SequenceEqual("1"u8) ? true
                : Ascii.EqualsIgnoreCase(m, "false"u8) || m.SequenceEqual("0"u8) ? false
                : throw row.Error(maker, "invalid boolean (expected true or false)");
            return new AggTrade(time, aggId, p, q, trades, buyerMaker, row.LineNumber);
        }
    }
}
