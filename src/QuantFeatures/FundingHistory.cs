namespace QuantFeatures;

/// <summary>
/// The funding settlements behind a frame's funding columns, attached by <see cref="Data.MarketDataLoader"/>: every
/// settlement from before the first bar (as far back as <see cref="Data.MarketDataLoaderOptions.FundingHistory"/>) to
/// the last bar, with the decision time from which each one counts. The event-time funding features read it, so their
/// windows are full from the first bar and no settlement is lost between two decision times (a bar longer than the
/// funding interval, or a gap in the bars).
/// </summary>
/// <remarks>Immutable. A settlement counts for a bar whose decision time is at or after its <see cref="AvailableAt"/>
/// (its time + the loader's publication delay − the timestamp tolerance), so it is used exactly where the loader's
/// <c>funding_rate</c> column shows it first: never earlier.</remarks>
public sealed class FundingHistory
{
    private readonly long[] _time;
    private readonly double[] _rate;
    private readonly double[] _interval;
    private readonly long[] _available;

    /// <summary>Creates a history from settlements sorted by time (copied).</summary>
    /// <param name="time">Settlement times, Unix ms, strictly increasing.</param>
    /// <param name="rate">Settled rates (decimal per interval).</param>
    /// <param name="intervalHours">The interval in force at each settlement (NaN where unknown).</param>
    /// <param name="availableAt">The first decision time (Unix ms) at which each settlement counts; non-decreasing.</param>
    /// <exception cref="ArgumentException">Lengths differ, times are not strictly increasing, or availability decreases.</exception>
    public FundingHistory(ReadOnlySpan<long> time, ReadOnlySpan<double> rate, ReadOnlySpan<double> intervalHours, ReadOnlySpan<long> availableAt)
    {
        if (rate.Length != time.Length || intervalHours.Length != time.Length || availableAt.Length != time.Length)
        {
            throw new ArgumentException($"A funding history needs one rate, interval and availability per settlement: {time.Length} times, "
                + $"{rate.Length} rates, {intervalHours.Length} intervals, {availableAt.Length} availabilities.");
        }

        for (int i = 1; i < time.Length; i++)
        {
            if (time[i] <= time[i - 1])
            {
                throw new ArgumentException($"Funding settlement times must be strictly increasing: {time[i]} follows {time[i - 1]} (index {i}).", nameof(time));
            }

            if (availableAt[i] < availableAt[i - 1])
            {
                throw new ArgumentException($"Funding availability times must not decrease: {availableAt[i]} follows {availableAt[i - 1]} (index {i}).", nameof(availableAt));
            }
        }

        _time = time.ToArray();
        _rate = rate.ToArray();
        _interval = intervalHours.ToArray();
        _available = availableAt.ToArray();
    }

    /// <summary>Number of settlements.</summary>
    public int Count => _time.Length;

    /// <summary>Settlement times (Unix ms).</summary>
    public ReadOnlySpan<long> Time => _time;

    /// <summary>Settled rates.</summary>
    public ReadOnlySpan<double> Rate => _rate;

    /// <summary>The interval in force at each settlement, in hours (NaN where unknown).</summary>
    public ReadOnlySpan<double> IntervalHours => _interval;

    /// <summary>The first decision time at which each settlement counts (Unix ms).</summary>
    public ReadOnlySpan<long> AvailableAt => _available;
}
