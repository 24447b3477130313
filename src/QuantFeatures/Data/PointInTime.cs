namespace QuantFeatures.Data;

/// <summary>
/// The point-in-time rules of <see cref="MarketDataLoader"/> on sorted, de-duplicated records: "as of" alignment with a
/// staleness limit, and summing events into the bar that contains them. Pure functions over arrays (the loader gathers
/// the records; the streaming engine applies the same rules one bar at a time).
/// </summary>
public static class PointInTime
{
    /// <summary>
    /// For each bar t, the index of the last record available by the bar's decision time
    /// (<c>availability ≤ openTime[t] + Δ + tolerance</c>, availability = record time + delay), or −1 when there is none or
    /// it is stale (<c>decision − availability &gt; staleness</c>).
    /// </summary>
    /// <param name="openTimes">Bar open times (Unix ms), strictly increasing.</param>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="recordTimes">Record times (Unix ms), non-decreasing.</param>
    /// <param name="kind">Delay and staleness of the records' kind.</param>
    /// <param name="tolerance">Timestamp tolerance (see <see cref="MarketDataLoaderOptions.TimestampTolerance"/>).</param>
    /// <param name="destination">Receives one index per bar.</param>
    public static void AsOf(ReadOnlySpan<long> openTimes, Timeframe timeframe, ReadOnlySpan<long> recordTimes, SparseKindOptions kind,
        TimeSpan tolerance, Span<int> destination)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (destination.Length < openTimes.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; {openTimes.Length} are needed.", nameof(destination));
        }

        long delta = timeframe.Milliseconds;
        long delay = (long)kind.PublicationDelay.TotalMilliseconds;
        long tol = (long)tolerance.TotalMilliseconds;
        long stale = kind.Staleness is { } s ? (long)s.TotalMilliseconds : long.MaxValue;
        int j = 0;
        for (int t = 0; t < openTimes.Length; t++)
        {
            long decision = openTimes[t] + delta;
            while (j < recordTimes.Length && recordTimes[j] + delay <= decision + tol)
            {
                j++;
            }

            int last = j - 1;
            destination[t] = last >= 0 && decision - (recordTimes[last] + delay) <= stale ? last : -1;
        }
    }

    /// <summary>
    /// The bar index whose [open, open + Δ) contains <paramref name="time"/>, or −1 when no bar does (before the first bar,
    /// in a gap, or after the last bar's close).
    /// </summary>
    /// <param name="openTimes">Bar open times, strictly increasing.</param>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="time">An event time (Unix ms).</param>
    public static int BarContaining(ReadOnlySpan<long> openTimes, Timeframe timeframe, long time)
    {
        int i = openTimes.BinarySearch(time);
        if (i < 0)
        {
            i = ~i - 1; // the last open ≤ time
        }

        return i >= 0 && time < openTimes[i] + timeframe.Milliseconds ? i : -1;
    }

    /// <summary>
    /// The funding interval in force at each settlement, in hours: the record's own interval when it states one; else the
    /// spacing from the previous settlement rounded to the minute — except that a spacing which is a whole multiple (≥ 2) of
    /// the previous interval is read as missed settlements and keeps that interval. NaN for a first settlement that
    /// states none (nothing earlier is known; the next settlement would be look-ahead).
    /// </summary>
    /// <param name="settlements">Settlements sorted by time, without duplicates.</param>
    /// <param name="destination">Receives one interval per settlement.</param>
    public static void FundingIntervals(ReadOnlySpan<FundingSettlement> settlements, Span<double> destination)
    {
        if (destination.Length < settlements.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; {settlements.Length} are needed.", nameof(destination));
        }

        double previousInterval = double.NaN;
        for (int i = 0; i < settlements.Length; i++)
        {
            double interval = settlements[i].IntervalHours;
            if (!(interval > 0) || !double.IsFinite(interval))
            {
                interval = double.NaN;
                if (i > 0)
                {
                    long minutes = (long)Math.Round((settlements[i].Time - settlements[i - 1].Time) / 60_000.0, MidpointRounding.AwayFromZero);
                    double spacing = minutes / 60.0;
                    bool missed = previousInterval > 0 && spacing >= 2 * previousInterval
                        && Math.Abs((spacing / previousInterval) - Math.Round(spacing / previousInterval)) < 1e-9;
                    interval = missed ? previousInterval : spacing > 0 ? spacing : double.NaN;
                }
            }

            destination[i] = interval;
            if (interval > 0)
            {
                previousInterval = interval;
            }
        }
    }
}
