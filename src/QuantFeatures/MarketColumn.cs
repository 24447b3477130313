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
    /// <summary>
    /// <c>intrabar_coverage</c>: share of the bar's time covered by the finer sub-bars it was resampled from, in (0, 1];
    /// 1 = every sub-bar present. Produced by <see cref="Data.Resampler"/>: <c>Σ sub-bar durations present / Δ</c>.
    /// </summary>
    IntrabarCoverage,
    /// <summary>
    /// <c>intrabar_vwap</c>: volume-weighted average price of the bar's sub-bars, <c>Σ TP_i·V_i / Σ V_i</c> with the sub-bar
    /// typical price <c>TP = (H + L + C) / 3</c>. Produced by <see cref="Data.Resampler"/>; NaN when a sub-bar value is NaN or
    /// Σ V = 0.
    /// </summary>
    IntrabarVwap,
    /// <summary>
    /// <c>intrabar_realized_vol</c>: sample standard deviation (n − 1) of the sub-bar log returns
    /// <c>ln(C_i / C_(i−1))</c> × √(sub-bars per bar). Each sub-bar's return uses the close of the sub-bar just before it,
    /// so the bar's first return starts from the previous bar's last close. Produced by <see cref="Data.Resampler"/>.
    /// </summary>
    IntrabarRealizedVol,
    /// <summary>
    /// <c>intrabar_volume_cv</c>: coefficient of variation of the sub-bar volumes, sample std (n − 1) / mean.
    /// Produced by <see cref="Data.Resampler"/>; NaN when a sub-bar volume is NaN, fewer than 2 sub-bars, or the mean is 0.
    /// </summary>
    IntrabarVolumeCv,
    /// <summary>
    /// <c>funding_time</c>: settlement time (Unix ms, UTC, as a double — exact) of the <c>funding_rate</c> in force at the
    /// bar's decision time. Produced by <see cref="Data.MarketDataLoader"/> so that event-time funding features (the next
    /// scheduled settlement, windows in days of settlements) know when each rate was settled.
    /// </summary>
    FundingTime,
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
        "intrabar_coverage", "intrabar_vwap", "intrabar_realized_vol", "intrabar_volume_cv", "funding_time",
    ];

    private static readonly Dictionary<string, MarketColumn> ByName = CreateLookup();

    /// <summary>Every column, in declaration order.</summary>
    public static IReadOnlyList<MarketColumn> All { get; } = Enum.GetValues<MarketColumn>();

    /// <summary>The columns every frame has: open, high, low, close.</summary>
    public static IReadOnlyList<MarketColumn> Required { get; } = [MarketColumn.Open, MarketColumn.High, MarketColumn.Low, MarketColumn.Close];

    /// <summary>
    /// The sub-bar statistics that <see cref="Data.Resampler"/> adds to a resampled frame (coverage, VWAP, realized
    /// volatility, volume CV). They are derived from other data, not raw inputs: <c>data_completeness</c> does not count them.
    /// </summary>
    public static IReadOnlyList<MarketColumn> Intrabar { get; } =
        [MarketColumn.IntrabarCoverage, MarketColumn.IntrabarVwap, MarketColumn.IntrabarRealizedVol, MarketColumn.IntrabarVolumeCv];

    /// <summary>Whether the column is one of the resampler's sub-bar statistics (<see cref="Intrabar"/>).</summary>
    public static bool IsIntrabar(this MarketColumn column) => column >= MarketColumn.IntrabarCoverage && column <= MarketColumn.IntrabarVolumeCv;

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
