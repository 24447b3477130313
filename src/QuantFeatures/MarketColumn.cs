namespace QuantFeatures;

/// <summary>
/// The input columns a <see cref="MarketFrame"/> can hold. <c>time</c> and OHLC are always present;
/// every other column is optional. Each has a fixed snake_case name (see <see cref="MarketColumns.Name"/>)
/// used in files, error messages and the feature catalogue.
/// </summary>
public enum MarketColumn
{
    /// <summary><c>open</c>: first traded price of the bar.</summary>
    Open,
    /// <summary><c>high</c>: highest traded price of the bar.</summary>
    High,
    /// <summary><c>low</c>: lowest traded price of the bar.</summary>
    Low,
    /// <summary><c>close</c>: last traded price of the bar.</summary>
    Close,
    /// <summary><c>volume</c>: traded volume in the base asset (contracts for coin-margined futures).</summary>
    Volume,
    /// <summary><c>quote_volume</c>: traded volume in the quote asset (notional).</summary>
    QuoteVolume,
    /// <summary><c>trades</c>: number of trades in the bar.</summary>
    Trades,
    /// <summary><c>taker_buy_volume</c>: base volume of trades whose taker was the buyer.</summary>
    TakerBuyVolume,
    /// <summary><c>taker_buy_quote_volume</c>: quote volume of trades whose taker was the buyer.</summary>
    TakerBuyQuoteVolume,
    /// <summary><c>open_interest</c>: open interest in base units or contracts, as of the bar's decision time.</summary>
    OpenInterest,
    /// <summary><c>open_interest_value</c>: open interest in the quote asset.</summary>
    OpenInterestValue,
    /// <summary><c>funding_rate</c>: last settled funding rate (decimal, per interval) as of the decision time.</summary>
    FundingRate,
    /// <summary><c>funding_interval_hours</c>: the funding interval in force, in hours.</summary>
    FundingIntervalHours,
    /// <summary><c>mark_price</c>: exchange mark price.</summary>
    MarkPrice,
    /// <summary><c>index_price</c>: exchange index (spot composite) price.</summary>
    IndexPrice,
    /// <summary><c>long_liquidation_notional</c>: notional of long positions liquidated in the bar (side SELL).</summary>
    LongLiquidationNotional,
    /// <summary><c>short_liquidation_notional</c>: notional of short positions liquidated in the bar (side BUY).</summary>
    ShortLiquidationNotional,
    /// <summary><c>liquidation_count</c>: number of liquidation orders in the bar.</summary>
    LiquidationCount,
    /// <summary><c>long_short_ratio</c>: global accounts long/short ratio.</summary>
    LongShortRatio,
    /// <summary><c>top_trader_long_short_ratio</c>: top traders' long/short ratio by accounts.</summary>
    TopTraderLongShortRatio,
    /// <summary><c>top_trader_position_ratio</c>: top traders' long/short ratio by positions.</summary>
    TopTraderPositionRatio,
    /// <summary><c>taker_long_short_vol_ratio</c>: taker buy/sell volume ratio.</summary>
    TakerLongShortVolRatio,
}

/// <summary>Names and lookups for <see cref="MarketColumn"/>.</summary>
public static class MarketColumns
{
    private static readonly string[] Names =
    [
        "open", "high", "low", "close", "volume", "quote_volume", "trades", "taker_buy_volume", "taker_buy_quote_volume",
        "open_interest", "open_interest_value", "funding_rate", "funding_interval_hours", "mark_price", "index_price",
        "long_liquidation_notional", "short_liquidation_notional", "liquidation_count", "long_short_ratio",
        "top_trader_long_short_ratio", "top_trader_position_ratio", "taker_long_short_vol_ratio",
    ];

    private static readonly Dictionary<string, MarketColumn> ByName = CreateLookup();

    /// <summary>Every column, in declaration order.</summary>
    public static IReadOnlyList<MarketColumn> All { get; } = Enum.GetValues<MarketColumn>();

    /// <summary>The columns every frame has: open, high, low, close.</summary>
    public static IReadOnlyList<MarketColumn> Required { get; } = [MarketColumn.Open, MarketColumn.High, MarketColumn.Low, MarketColumn.Close];

    /// <summary>The snake_case name of a column, e.g. <c>taker_buy_volume</c>.</summary>
    public static string Name(this MarketColumn column) =>
        (uint)column < (uint)Names.Length ? Names[(int)column] : throw new ArgumentOutOfRangeException(nameof(column), column, "Unknown market column.");

    /// <summary>Looks a column up by its snake_case name (case-insensitive).</summary>
    public static bool TryParse(string? name, out MarketColumn column)
    {
        column = default;
        return name is not null && ByName.TryGetValue(name.Trim(), out column);
    }

    /// <summary>Looks a column up by its snake_case name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No column has that name; the message lists the valid names.</exception>
    public static MarketColumn Parse(string name) =>
        TryParse(name, out var c) ? c : throw new ArgumentException($"Unknown market column '{name}'. Known columns: {string.Join(", ", Names)}.", nameof(name));

    private static Dictionary<string, MarketColumn> CreateLookup()
    {
        var d = new Dictionary<string, MarketColumn>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < Names.Length; i++)
        {
            d[Names[i]] = (MarketColumn)i;
        }

        return d;
    }
}
