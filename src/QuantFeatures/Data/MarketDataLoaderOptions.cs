namespace QuantFeatures.Data;

/// <summary>How one kind of sparse record becomes available and how long its value stays usable.</summary>
/// <param name="PublicationDelay">Added to a record's time to get its availability (e.g. an exchange that publishes a
/// snapshot a minute after it was taken). Zero by default: the record's time is its availability.</param>
/// <param name="Staleness">The longest a carried-forward value is used: at a decision time more than this after the
/// record's availability the column is NaN (a source that stopped, a gap in the archive). Null = never stale.</param>
public sealed record SparseKindOptions(TimeSpan PublicationDelay, TimeSpan? Staleness)
{
    /// <summary>Checks the values (non-negative delay, positive staleness).</summary>
    internal void Validate(string kind)
    {
        if (PublicationDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PublicationDelay), PublicationDelay, $"{kind}: the publication delay must not be negative.");
        }

        if (Staleness is { } s && s <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Staleness), s, $"{kind}: the staleness limit must be positive (or null for none).");
        }
    }
}

/// <summary>
/// Options of <see cref="MarketDataLoader"/>: the point-in-time rules per kind of record, the timestamp tolerance, and
/// what to do with bars at a different timeframe.
/// </summary>
public sealed record MarketDataLoaderOptions
{
    /// <summary>The defaults: see each property.</summary>
    public static MarketDataLoaderOptions Default { get; } = new();

    /// <summary>
    /// A record whose availability is at most this much AFTER a bar's decision time still counts as available at that
    /// decision time. Exchanges stamp scheduled events with a few milliseconds of jitter (Binance fundingTime …000008):
    /// without a tolerance the 08:00 settlement would miss the bar that closes at 08:00. Default 1 second; zero for a
    /// strict rule.
    /// </summary>
    public TimeSpan TimestampTolerance { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Funding settlements: available at the settlement time; stale after 24 h (three missed 8 h settlements
    /// are a broken source, not a quiet market).</summary>
    public SparseKindOptions Funding { get; init; } = new(TimeSpan.Zero, TimeSpan.FromHours(24));

    /// <summary>Open-interest snapshots: available at the snapshot time; stale after 1 h (Binance publishes every 5 min).</summary>
    public SparseKindOptions OpenInterest { get; init; } = new(TimeSpan.Zero, TimeSpan.FromHours(1));

    /// <summary>Positioning ratios: available at the snapshot time; stale after 1 h.</summary>
    public SparseKindOptions Positioning { get; init; } = new(TimeSpan.Zero, TimeSpan.FromHours(1));

    /// <summary>Mark and index prices: available at the observation time (a kline's close); stale after 24 h (8 h
    /// mark klines are common in archives).</summary>
    public SparseKindOptions ReferencePrices { get; init; } = new(TimeSpan.Zero, TimeSpan.FromHours(24));

    /// <summary>
    /// When the bar source holds a finer timeframe that divides the requested one (1m bars for a 1h frame), resample
    /// with <see cref="Resampler"/> (which adds the sub-bar statistics of the microstructure family). Default true;
    /// false makes a timeframe mismatch an error.
    /// </summary>
    public bool ResampleFinerBars { get; init; } = true;

    /// <summary>
    /// How far before the first bar funding settlements are read and attached to the frame as its
    /// <see cref="MarketFrame.FundingHistory"/>, so the event-time funding features (up to <c>funding_percentile_252d</c>)
    /// have full windows from the first bar. Default 252 days; <see cref="TimeSpan.Zero"/> attaches the settlements of
    /// the range only (read back by the staleness limit as for the columns).
    /// </summary>
    public TimeSpan FundingHistory { get; init; } = TimeSpan.FromDays(252);

    /// <summary>Options of the resampler when <see cref="ResampleFinerBars"/> applies (null = its defaults).</summary>
    public ResampleOptions? Resample { get; init; }

    internal void Validate()
    {
        if (TimestampTolerance < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TimestampTolerance), TimestampTolerance, "The timestamp tolerance must not be negative.");
        }

        if (FundingHistory < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FundingHistory), FundingHistory, "The funding history must not be negative.");
        }

        Funding.Validate("funding");
        OpenInterest.Validate("open interest");
        Positioning.Validate("positioning");
        ReferencePrices.Validate("reference prices");
    }
}
