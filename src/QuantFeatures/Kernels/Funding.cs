using System.Runtime.Intrinsics;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>The window of <see cref="FundingRateChange"/>: 8 hours, the longest Binance funding interval.</summary>
    public static readonly TimeSpan FundingRateChangeWindow = TimeSpan.FromHours(8);

    /// <summary>
    /// Leading NaN count of the event-time funding kernels at timeframe Δ: <c>ceil(window / Δ)</c> bars. On clean input
    /// the frame's first settlement is at or before the first decision time, so from then on every settlement of the
    /// window is known.
    /// </summary>
    public static int FundingEventLookback(TimeSpan window, Timeframe timeframe)
    {
        long w = (long)window.TotalMilliseconds;
        if (w <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be positive.");
        }

        return (int)((w + timeframe.Milliseconds - 1) / timeframe.Milliseconds);
    }

    /// <summary>
    /// <c>F − the settlement before it</c>: the change of the funding rate at its last settlement, rebuilt in event time
    /// from the frame's <c>funding_rate</c>, <c>funding_time</c> and <c>funding_interval_hours</c> columns.
    /// </summary>
    /// <param name="rate">The last settled rate as of each bar's decision time.</param>
    /// <param name="settlementTime">That settlement's time (Unix ms).</param>
    /// <param name="intervalHours">The interval in force at that settlement.</param>
    /// <param name="openTime">Bar open times.</param>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="destination">Output.</param>
    /// <param name="history">The frame's <see cref="MarketFrame.FundingHistory"/>, or null: with a history the settlements come
    /// from it (full windows from the first bar, none hidden between decision times) and the columns only say whether the
    /// rate in force is known.</param>
    /// <remarks>Lookback <c>ceil(8h / Δ)</c> without a history: before that the settlement before the first one seen may be
    /// unknown. NaN while F is NaN, and when the settlement before the last one was not seen (a spacing over 1.5
    /// intervals: a missed settlement or a gap in the bars); defined again from the next settlement on. Equals
    /// <see cref="FundingWindowState.RateChange"/> after each update.</remarks>
    public static void FundingRateChange(ReadOnlySpan<double> rate, ReadOnlySpan<double> settlementTime, ReadOnlySpan<double> intervalHours,
        ReadOnlySpan<long> openTime, Timeframe timeframe, Span<double> destination, FundingHistory? history = null) =>
        FundingLoop(rate, settlementTime, intervalHours, openTime, timeframe, FundingRateChangeWindow, FundingStatistic.Change, destination, 0, history);

    /// <summary>Sum of the settled rates whose settlement time lies in <c>(d − window, d]</c>, d = the decision time.</summary>
    /// <param name="rate">The last settled rate as of each bar's decision time.</param>
    /// <param name="settlementTime">That settlement's time (Unix ms).</param>
    /// <param name="intervalHours">The interval in force at that settlement.</param>
    /// <param name="openTime">Bar open times.</param>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="window">The event-time window (7 days for <c>cumulative_funding_7d</c>).</param>
    /// <param name="destination">Output.</param>
    /// <param name="history">The frame's <see cref="MarketFrame.FundingHistory"/>, or null: with a history the settlements come
    /// from it (full windows from the first bar, none hidden between decision times) and the columns only say whether the
    /// rate in force is known.</param>
    /// <remarks>Lookback <c>ceil(window / Δ)</c>. NaN while F is NaN, while the window reaches back past the frame's
    /// first settlement or over a hole (a spacing between consecutive settlements over 1.5 × the interval in force), and
    /// while the next settlement is overdue by more than half an interval.
    /// The sum is recomputed in chronological order whenever the window's membership changes (no drift).</remarks>
    public static void CumulativeFunding(ReadOnlySpan<double> rate, ReadOnlySpan<double> settlementTime, ReadOnlySpan<double> intervalHours,
        ReadOnlySpan<long> openTime, Timeframe timeframe, TimeSpan window, Span<double> destination, FundingHistory? history = null) =>
        FundingLoop(rate, settlementTime, intervalHours, openTime, timeframe, window, FundingStatistic.Sum, destination, 0, history);

    /// <summary>Z-score of F among the settlements of the window: <c>(F − mean) / std</c>, sample std (n − 1).</summary>
    /// <param name="rate">The last settled rate as of each bar's decision time.</param>
    /// <param name="settlementTime">That settlement's time (Unix ms).</param>
    /// <param name="intervalHours">The interval in force at that settlement.</param>
    /// <param name="openTime">Bar open times.</param>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="window">The event-time window (30 days for <c>funding_zscore_30d</c>).</param>
    /// <param name="destination">Output.</param>
    /// <param name="history">The frame's <see cref="MarketFrame.FundingHistory"/>, or null: with a history the settlements come
    /// from it (full windows from the first bar, none hidden between decision times) and the columns only say whether the
    /// rate in force is known.</param>
    /// <remarks>As <see cref="CumulativeFunding"/>, and NaN with fewer than 2 settlements or a flat window (every rate
    /// equal). Mean and std by two passes whenever the membership changes.</remarks>
    public static void FundingZScore(ReadOnlySpan<double> rate, ReadOnlySpan<double> settlementTime, ReadOnlySpan<double> intervalHours,
        ReadOnlySpan<long> openTime, Timeframe timeframe, TimeSpan window, Span<double> destination, FundingHistory? history = null) =>
        FundingLoop(rate, settlementTime, intervalHours, openTime, timeframe, window, FundingStatistic.ZScore, destination, 0, history);

    /// <summary>Extreme-funding flag: 1 when the window's z-score of F is beyond <paramref name="threshold"/> on its side
    /// (&gt; threshold when it is positive, &lt; threshold when negative), else 0.</summary>
    /// <param name="rate">The last settled rate as of each bar's decision time.</param>
    /// <param name="settlementTime">That settlement's time (Unix ms).</param>
    /// <param name="intervalHours">The interval in force at that settlement.</param>
    /// <param name="openTime">Bar open times.</param>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="window">The event-time window of the z-score.</param>
    /// <param name="threshold">+2 for <c>funding_extreme_positive</c>, −2 for <c>funding_extreme_negative</c>; not 0.</param>
    /// <param name="destination">Output.</param>
    /// <param name="history">The frame's <see cref="MarketFrame.FundingHistory"/>, or null: with a history the settlements come
    /// from it (full windows from the first bar, none hidden between decision times) and the columns only say whether the
    /// rate in force is known.</param>
    /// <remarks>0 on a known flat window (every rate equal: F is not extreme); NaN where the window is not known (see
    /// <see cref="FundingZScore"/>).</remarks>
    public static void FundingExtreme(ReadOnlySpan<double> rate, ReadOnlySpan<double> settlementTime, ReadOnlySpan<double> intervalHours,
        ReadOnlySpan<long> openTime, Timeframe timeframe, TimeSpan window, double threshold, Span<double> destination, FundingHistory? history = null)
    {
        if (!(threshold != 0) || !double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be finite and not 0.");
        }

        FundingLoop(rate, settlementTime, intervalHours, openTime, timeframe, window, FundingStatistic.Extreme, destination, threshold, history);
    }

    /// <summary>
    /// <see cref="FundingZScore"/> and both <see cref="FundingExtreme"/> flags (thresholds +<paramref name="threshold"/> and
    /// −<paramref name="threshold"/>) from one pass over one window state.
    /// </summary>
    /// <param name="rate">The last settled rate as of each bar's decision time.</param>
    /// <param name="settlementTime">That settlement's time (Unix ms).</param>
    /// <param name="intervalHours">The interval in force at that settlement.</param>
    /// <param name="openTime">Bar open times.</param>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="window">The event-time window.</param>
    /// <param name="threshold">The z-score beyond which F is extreme (&gt; 0).</param>
    /// <param name="zscore">Output z-scores.</param>
    /// <param name="positive">Output flags for z &gt; threshold.</param>
    /// <param name="negative">Output flags for z &lt; −threshold.</param>
    /// <param name="history">The frame's <see cref="MarketFrame.FundingHistory"/>, or null: with a history the settlements come
    /// from it (full windows from the first bar, none hidden between decision times) and the columns only say whether the
    /// rate in force is known.</param>
    /// <remarks>The same values as the three kernels run apart.</remarks>
    public static void FundingZScoreAndExtremes(ReadOnlySpan<double> rate, ReadOnlySpan<double> settlementTime, ReadOnlySpan<double> intervalHours,
        ReadOnlySpan<long> openTime, Timeframe timeframe, TimeSpan window, double threshold, Span<double> zscore, Span<double> positive, Span<double> negative,
        FundingHistory? history = null)
    {
        if (!(threshold > 0) || !double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be positive and finite.");
        }

        CheckFundingInputs(openTime, rate, settlementTime, intervalHours);
        CheckDestination(openTime.Length, zscore);
        CheckDestination(openTime.Length, positive);
        CheckDestination(openTime.Length, negative);
        var state = new FundingWindowState(window, timeframe, ranks: false, pooled: true);
        long delta = timeframe.Milliseconds;
        int next = 0;
        for (int i = 0; i < openTime.Length; i++)
        {
            bool known = Step(ref state, history, ref next, rate[i], settlementTime[i], intervalHours[i], openTime[i] + delta);
            zscore[i] = known ? state.ZScore() : double.NaN;
            positive[i] = known ? state.Extreme(threshold) : double.NaN;
            negative[i] = known ? state.Extreme(-threshold) : double.NaN;
        }

        state.Release();
    }

    /// <summary>Percentile rank of F among the settlements of the window, as pandas <c>rank(pct=True)</c> with average ties.</summary>
    /// <param name="rate">The last settled rate as of each bar's decision time.</param>
    /// <param name="settlementTime">That settlement's time (Unix ms).</param>
    /// <param name="intervalHours">The interval in force at that settlement.</param>
    /// <param name="openTime">Bar open times.</param>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="window">The event-time window (252 days for <c>funding_percentile_252d</c>).</param>
    /// <param name="destination">Output.</param>
    /// <param name="history">The frame's <see cref="MarketFrame.FundingHistory"/>, or null: with a history the settlements come
    /// from it (full windows from the first bar, none hidden between decision times) and the columns only say whether the
    /// rate in force is known.</param>
    /// <remarks>As <see cref="CumulativeFunding"/>; <c>(L + (E + 1) / 2) / m</c> over the m settlements of the window
    /// (exact integer counts, recounted when the membership changes).</remarks>
    public static void FundingPercentile(ReadOnlySpan<double> rate, ReadOnlySpan<double> settlementTime, ReadOnlySpan<double> intervalHours,
        ReadOnlySpan<long> openTime, Timeframe timeframe, TimeSpan window, Span<double> destination, FundingHistory? history = null) =>
        FundingLoop(rate, settlementTime, intervalHours, openTime, timeframe, window, FundingStatistic.Percentile, destination, 0, history);

    /// <summary>Minutes from each decision time to the next scheduled settlement (see <see cref="Derivatives.MinutesToFunding"/>).</summary>
    /// <param name="settlementTime">The last settlement's time as of each bar (the <c>funding_time</c> column).</param>
    /// <param name="intervalHours">The interval in force.</param>
    /// <param name="openTime">Bar open times.</param>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="destination">Output.</param>
    /// <remarks>Lookback 0. NaN where the settlement time or the interval is NaN.</remarks>
    public static void MinutesToFunding(ReadOnlySpan<double> settlementTime, ReadOnlySpan<double> intervalHours, ReadOnlySpan<long> openTime,
        Timeframe timeframe, Span<double> destination)
    {
        Guard.SameLength(openTime.Length, settlementTime.Length, nameof(settlementTime));
        Guard.SameLength(openTime.Length, intervalHours.Length, nameof(intervalHours));
        CheckDestination(openTime.Length, destination);
        long delta = timeframe.Milliseconds;
        for (int i = 0; i < openTime.Length; i++)
        {
            destination[i] = Derivatives.MinutesToFunding(settlementTime[i], intervalHours[i], openTime[i] + delta);
        }
    }

    /// <summary>Annualized funding: <c>F × (24 / funding_interval_hours) × 365</c> per bar (see <see cref="Derivatives.AnnualizedFunding"/>).</summary>
    /// <param name="rate">Funding rate per interval.</param>
    /// <param name="intervalHours">The interval in force, in hours, from the data.</param>
    /// <param name="destination">Output.</param>
    /// <remarks>Lookback 0. NaN where the rate is NaN or the interval is NaN or not positive.</remarks>
    public static void AnnualizedFunding(ReadOnlySpan<double> rate, ReadOnlySpan<double> intervalHours, Span<double> destination)
    {
        Guard.SameLength(rate.Length, intervalHours.Length, nameof(intervalHours));
        CheckDestination(rate.Length, destination);
        for (int i = 0; i < rate.Length; i++)
        {
            destination[i] = Derivatives.AnnualizedFunding(rate[i], intervalHours[i]);
        }
    }

    private static void FundingLoop(ReadOnlySpan<double> rate, ReadOnlySpan<double> settlementTime, ReadOnlySpan<double> intervalHours,
        ReadOnlySpan<long> openTime, Timeframe timeframe, TimeSpan window, FundingStatistic statistic, Span<double> destination, double threshold = 0,
        FundingHistory? history = null)
    {
        CheckFundingInputs(openTime, rate, settlementTime, intervalHours);
        CheckDestination(openTime.Length, destination);
        var state = new FundingWindowState(window, timeframe, ranks: statistic == FundingStatistic.Percentile, pooled: true);
        long delta = timeframe.Milliseconds;
        int next = 0;
        for (int i = 0; i < openTime.Length; i++)
        {
            bool known = Step(ref state, history, ref next, rate[i], settlementTime[i], intervalHours[i], openTime[i] + delta);
            // The change is not subject to the window rules (holes further back, an overdue next settlement): it needs only F
            // and the settlement just before it.
            destination[i] = statistic == FundingStatistic.Change ? state.RateChange : !known ? double.NaN : statistic switch
            {
                FundingStatistic.Sum => state.Sum(),
                FundingStatistic.ZScore => state.ZScore(),
                FundingStatistic.Extreme => state.Extreme(threshold),
                _ => state.Percentile(),
            };
        }

        state.Release();
    }

    private static void CheckFundingInputs(ReadOnlySpan<long> openTime, ReadOnlySpan<double> rate, ReadOnlySpan<double> settlementTime,
        ReadOnlySpan<double> intervalHours)
    {
        Guard.SameLength(openTime.Length, rate.Length, nameof(rate));
        Guard.SameLength(openTime.Length, settlementTime.Length, nameof(settlementTime));
        Guard.SameLength(openTime.Length, intervalHours.Length, nameof(intervalHours));
    }

    /// <summary>One bar of an event-time kernel: from the frame's history when it has one, else from its funding columns.
    /// Returns whether the window is known at the bar.</summary>
    private static bool Step(ref FundingWindowState state, FundingHistory? history, ref int next, double rate, double settlementTime,
        double intervalHours, long decision) =>
        history is null
            ? state.Update(rate, settlementTime, intervalHours, decision)
            : state.UpdateFromHistory(FeedHistory(ref state, history, ref next, decision, rate), decision);

    /// <summary>Settles every history record available by <paramref name="decision"/>; returns whether the rate in force is known.</summary>
    private static bool FeedHistory(ref FundingWindowState state, FundingHistory history, ref int next, long decision, double rate)
    {
        var available = history.AvailableAt;
        while (next < available.Length && available[next] <= decision)
        {
            state.Settle(history.Time[next], history.Rate[next], history.IntervalHours[next]);
            next++;
        }

        return double.IsFinite(rate) && next > 0;
    }

    private enum FundingStatistic
    {
        Change,
        Sum,
        ZScore,
        Extreme,
        Percentile,
    }
}

/// <summary>
/// The settlements of an event-time window, rebuilt bar by bar from the frame's funding columns: the incremental state
/// behind every event-time funding feature (one <see cref="Update"/> per bar, then read the statistic).
/// </summary>
/// <remarks>
/// <para>A new settlement is seen at the first bar whose settlement time is later than the previous one (its rate, as
/// first seen, stands). A spacing between two settlements seen that exceeds 1.5 × the interval in force at the later
/// one (its <c>funding_interval_hours</c>, else the previous interval) is a <em>hole</em>: settlements may be missing
/// there. The window <c>(d − window, d]</c> is known when the current rate is known, at least
/// <c>ceil(window / Δ)</c> bars were seen, and <c>d − window</c> is at or after the frame's first settlement and the
/// settlement that ended the latest hole, and the next settlement is not overdue by more than half an interval
/// (<c>d − last settlement ≤ 1.5 × interval</c>: a settlement that has not arrived by then is missing data).</para>
/// <para>A state owns its buffers: do not copy a state value and use both copies.</para>
/// </remarks>
public struct FundingWindowState
{
    private const double HoleFactor = 1.5;
    private readonly long _window;
    private readonly int _lookbackBars;
    private double[] _times;
    private double[] _rates;
    private int _head;
    private int _count;
    private int _bars;
    private double _lastTime;
    private double _lastScheduled;
    private double _inRate;
    private double _inTime;
    private double _inInterval;
    private bool _settled;
    private bool _result;
    private long _stableUntil;
    private bool _rateKnown;
    private bool _enoughBars;
    private double _lastRate;
    private double _lastInterval;
    private double _previousRate;
    private double _completeSince;
    private readonly SortedMultiset? _ranks;
    private readonly bool _pooled;
    private int _capacity; // the ring's length (rented arrays may be longer: the layout must not depend on the pool)
    private CompensatedWindowSum _total;
    private bool _statsValid;
    private double _mean;
    private double _std; // 0 on a flat window, NaN with fewer than 2 settlements
    private bool _rankValid;
    private double _percentile;

    /// <summary>Creates the state for an event-time window at bars of <paramref name="timeframe"/>.</summary>
    /// <param name="window">The window (e.g. 7 days).</param>
    /// <param name="timeframe">The bars' Δ.</param>
    public FundingWindowState(TimeSpan window, Timeframe timeframe)
        : this(window, timeframe, ranks: false)
    {
    }

    /// <summary>Creates the state; with <paramref name="ranks"/>, it keeps the window's rates in a sorted multiset so that
    /// <see cref="Percentile"/> costs O(√m) instead of O(m) (the value is the same).</summary>
    /// <param name="window">The window (e.g. 252 days).</param>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="ranks">Keep a sorted view for percentile ranks.</param>
    public FundingWindowState(TimeSpan window, Timeframe timeframe, bool ranks)
        : this(window, timeframe, ranks, pooled: false)
    {
    }

    /// <summary>The batch kernels' form: buffers from the array pool (return them with <see cref="Release()"/>).</summary>
    internal FundingWindowState(TimeSpan window, Timeframe timeframe, bool ranks, bool pooled)
    {
        _lookbackBars = Indicators.FundingEventLookback(window, timeframe);
        _window = (long)window.TotalMilliseconds;
        int capacity = (int)Math.Min(1 << 20, (_window / 3_600_000) + 4);
        _pooled = pooled;
        _capacity = capacity;
        _times = pooled ? System.Buffers.ArrayPool<double>.Shared.Rent(capacity) : new double[capacity];
        _rates = pooled ? System.Buffers.ArrayPool<double>.Shared.Rent(capacity) : new double[capacity];
        _head = 0;
        _count = 0;
        _bars = 0;
        _lastTime = double.NaN;
        _lastScheduled = double.NaN;
        _inRate = _inTime = _inInterval = double.NaN;
        _settled = false;
        _result = false;
        _stableUntil = long.MinValue;
        _rateKnown = false;
        _enoughBars = false;
        _lastRate = double.NaN;
        _lastInterval = double.NaN;
        _previousRate = double.NaN;
        _completeSince = double.NaN;
        _ranks = ranks ? new SortedMultiset(capacity, pooled) : null;
        _total = default;
        _statsValid = false;
        _mean = _std = double.NaN;
        _rankValid = false;
        _percentile = double.NaN;
    }

    /// <summary>The last settled rate seen (F), NaN before the first.</summary>
    public readonly double Rate => _lastRate;

    /// <summary><c>F − the settlement before it</c> as of the last <see cref="Update"/>: NaN while F is unknown, before the
    /// lookback (without a history), or when the settlement before the last one was not seen.</summary>
    public readonly double RateChange => _rateKnown && _enoughBars ? _lastRate - _previousRate : double.NaN;

    /// <summary>Number of settlements in the window.</summary>
    public readonly int Count => _count;

    /// <summary>
    /// Feeds one bar: the funding columns at the bar and its decision time. Returns whether the window is known at this
    /// bar (the statistics are then those of the window; otherwise the bar's value is NaN).
    /// </summary>
    public bool Update(double rate, double settlementTime, double intervalHours, long decisionTime)
    {
        _bars++;
        if (decisionTime < _stableUntil && _enoughBars && rate.Equals(_inRate) && settlementTime.Equals(_inTime) && intervalHours.Equals(_inInterval))
        {
            return _result; // the same inputs as the bar before and no window boundary crossed: nothing can change
        }

        _inRate = rate;
        _inTime = settlementTime;
        _inInterval = intervalHours;
        bool known = double.IsFinite(rate) && double.IsFinite(settlementTime);
        if (known)
        {
            if (double.IsNaN(_lastTime) || settlementTime > _lastTime)
            {
                Settle(settlementTime, rate, intervalHours);
            }
            else if (settlementTime < _lastTime)
            {
                known = false; // a settlement older than one already seen: the columns are inconsistent at this bar
            }
        }

        return Evaluate(known, decisionTime, _bars > _lookbackBars);
    }

    /// <summary>
    /// Feeds one bar of a frame with a <see cref="FundingHistory"/>: first <see cref="Settle"/> every settlement available
    /// by the decision time, then call this with whether the rate in force is known at the bar (the frame's
    /// <c>funding_rate</c> is not NaN). No lookback applies: the history fills the window from the first bar.
    /// </summary>
    public bool UpdateFromHistory(bool rateKnown, long decisionTime)
    {
        _bars++;
        double known = rateKnown ? 1 : 0;
        if (!_settled && decisionTime < _stableUntil && _enoughBars && known.Equals(_inRate))
        {
            return _result; // no new settlement, the same knowledge of F, no window boundary crossed
        }

        _settled = false;
        _inRate = known;
        return Evaluate(rateKnown, decisionTime, true);
    }

    /// <summary>Records a settlement later than every one before (a history's next record, or a new one seen in the
    /// columns); a spacing over 1.5 × the interval in force is a hole.</summary>
    public void Settle(double settlementTime, double rate, double intervalHours)
    {
        _settled = true;
        double scheduled = Scheduled(settlementTime);
        if (double.IsNaN(_lastTime))
        {
            _completeSince = scheduled;
            Accept(rate, settlementTime, scheduled, intervalHours, double.NaN);
            return;
        }

        if (!(settlementTime > _lastTime))
        {
            throw new ArgumentException($"Settlement time {settlementTime:R} is not after the last one ({_lastTime:R}).", nameof(settlementTime));
        }

        double inForce = intervalHours > 0 ? intervalHours : _lastInterval;
        bool hole = !(inForce > 0) || scheduled - _lastScheduled > HoleFactor * inForce * 3_600_000.0;
        if (hole)
        {
            _completeSince = scheduled;
        }

        Accept(rate, settlementTime, scheduled, intervalHours, hole ? double.NaN : _lastRate);
    }

    /// <summary>A settlement's scheduled time: its stamp rounded to the minute (Binance stamps settlements a few ms late;
    /// windows <c>(d − H, d]</c> compare scheduled times, so the settlement of exactly H ago is out and the one of now in).</summary>
    private static double Scheduled(double time) => Math.Round(time / 60_000.0, MidpointRounding.AwayFromZero) * 60_000.0;

    private bool Evaluate(bool known, long decisionTime, bool enoughBars)
    {
        _rateKnown = known;
        _enoughBars = enoughBars;
        double from = decisionTime - _window;
        while (_count > 0 && _times[_head] <= from)
        {
            _total.Exclude(_rates[_head]);
            _ranks?.Remove(_rates[_head], 1);
            _head = _head + 1 == _capacity ? 0 : _head + 1;
            _count--;
            Invalidate();
        }

        // A settlement overdue by more than half an interval is missing (or late) data: the window is not known.
        double overdueAfter = _lastInterval > 0 ? _lastScheduled + (HoleFactor * _lastInterval * 3_600_000.0) : double.PositiveInfinity;
        bool overdue = decisionTime > overdueAfter;
        _result = known && !overdue && enoughBars && from >= _completeSince;

        // Until which decision time the result and the window stay the same without new input: the oldest settlement's
        // expiry, the window becoming known past the last hole, the next settlement becoming overdue.
        double until = _count > 0 ? _times[_head] + _window : double.PositiveInfinity;
        if (!(from >= _completeSince) && !double.IsNaN(_completeSince))
        {
            until = Math.Min(until, _completeSince + _window);
        }

        if (!overdue)
        {
            until = Math.Min(until, Math.Floor(overdueAfter) + 1);
        }

        _stableUntil = until >= long.MaxValue ? long.MaxValue : (long)until;
        return _result;
    }

    /// <summary>Σ of the window's rates: a compensated running sum (the exact sum rounded once in practice; exactly 0
    /// when every rate is 0).</summary>
    public readonly double Sum() => _total.Value;

    /// <summary><c>(F − mean) / std</c> over the window (sample std); NaN with fewer than 2 settlements or a flat window.</summary>
    public double ZScore()
    {
        Statistics();
        return _std > 0 ? Ratio.Divide(_lastRate - _mean, _std) : double.NaN;
    }

    /// <summary>1 when the z-score is beyond <paramref name="threshold"/> on its side, 0 otherwise or on a flat window; NaN
    /// with fewer than 2 settlements.</summary>
    public double Extreme(double threshold)
    {
        Statistics();
        if (double.IsNaN(_std))
        {
            return double.NaN;
        }

        if (_std == 0)
        {
            return 0;
        }

        double z = Ratio.Divide(_lastRate - _mean, _std);
        return double.IsNaN(z) ? double.NaN : (threshold > 0 ? z > threshold : z < threshold) ? 1 : 0;
    }

    /// <summary>Percentile rank of F among the window's settlements (average ties).</summary>
    public double Percentile()
    {
        if (!_rankValid)
        {
            int less = 0, equal = 0;
            if (_ranks is not null)
            {
                (less, equal) = _ranks.Rank(_lastRate);
            }
            else
            {
                RateParts(out var older, out var newer);
                var (l1, e1) = Kernels.Percentile.Count(older, _lastRate);
                var (l2, e2) = Kernels.Percentile.Count(newer, _lastRate);
                less = l1 + l2;
                equal = e1 + e2;
            }

            _percentile = Kernels.Percentile.Of(less, equal, _count);
            _rankValid = true;
        }

        return _percentile;
    }

    private void Accept(double rate, double time, double scheduled, double intervalHours, double previousRate)
    {
        _previousRate = previousRate;
        _lastTime = time;
        _lastScheduled = scheduled;
        _lastRate = rate;
        if (intervalHours > 0)
        {
            _lastInterval = intervalHours;
        }

        if (_count == _capacity)
        {
            Grow();
        }

        int at = _head + _count;
        at = at >= _capacity ? at - _capacity : at;
        _times[at] = scheduled;
        _rates[at] = rate;
        _count++;
        _total.Include(rate);
        _ranks?.Add(rate, 1);
        Invalidate();
    }

    private void Grow()
    {
        int capacity = _capacity * 2;
        var times = _pooled ? System.Buffers.ArrayPool<double>.Shared.Rent(capacity) : new double[capacity];
        var rates = _pooled ? System.Buffers.ArrayPool<double>.Shared.Rent(capacity) : new double[capacity];
        for (int k = 0; k < _count; k++)
        {
            int j = _head + k >= _capacity ? _head + k - _capacity : _head + k;
            times[k] = _times[j];
            rates[k] = _rates[j];
        }

        Release(arraysOnly: true);
        _times = times;
        _rates = rates;
        _capacity = capacity;
        _head = 0;
    }

    /// <summary>Returns pooled buffers (batch kernels, after their loop); the state is unusable afterwards.</summary>
    internal void Release() => Release(arraysOnly: false);

    private readonly void Release(bool arraysOnly)
    {
        if (_pooled)
        {
            System.Buffers.ArrayPool<double>.Shared.Return(_times);
            System.Buffers.ArrayPool<double>.Shared.Return(_rates);
            if (!arraysOnly)
            {
                _ranks?.Dispose();
            }
        }
    }

    /// <summary>Σ of both parts (lane sums of each part, in order) and whether every value equals <paramref name="first"/>.</summary>
    private static bool SumParts(ReadOnlySpan<double> older, ReadOnlySpan<double> newer, double first, out double sum)
    {
        sum = 0;
        bool flat = SumPart(older, first, ref sum);
        return SumPart(newer, first, ref sum) && flat;
    }

    private static bool SumPart(ReadOnlySpan<double> part, double first, ref double sum)
    {
        bool flat = true;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && part.Length >= 8)
        {
            var acc = Vector256<double>.Zero;
            var f = Vector256.Create(first);
            var same = Vector256<double>.AllBitsSet;
            for (; i <= part.Length - 4; i += 4)
            {
                var v = Vector256.Create(part.Slice(i, 4));
                acc += v;
                same &= Vector256.Equals(v, f);
            }

            sum += Vector256.Sum(acc);
            flat = same.ExtractMostSignificantBits() == 0xF; // every lane compared equal (AllBitsSet lanes)
        }

        for (; i < part.Length; i++)
        {
            sum += part[i];
            flat &= part[i] == first;
        }

        return flat;
    }

    /// <summary>Σ (x − mean)² of a part (lane sums, then the tail).</summary>
    private static double SquaredDeviations(ReadOnlySpan<double> part, double mean)
    {
        double m2 = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && part.Length >= 8)
        {
            var acc = Vector256<double>.Zero;
            var m = Vector256.Create(mean);
            for (; i <= part.Length - 4; i += 4)
            {
                var d = Vector256.Create(part.Slice(i, 4)) - m;
                acc += d * d;
            }

            m2 = Vector256.Sum(acc);
        }

        for (; i < part.Length; i++)
        {
            double d = part[i] - mean;
            m2 += d * d;
        }

        return m2;
    }

    /// <summary>The window's rates in chronological order, as the two parts of the ring.</summary>
    private readonly void RateParts(out ReadOnlySpan<double> older, out ReadOnlySpan<double> newer)
    {
        int firstPart = Math.Min(_count, _capacity - _head);
        older = _rates.AsSpan(_head, firstPart);
        newer = _rates.AsSpan(0, _count - firstPart);
    }

    private void Invalidate()
    {
        _statsValid = false;
        _rankValid = false;
    }

    private void Statistics()
    {
        if (_statsValid)
        {
            return;
        }

        RateParts(out var older, out var newer);
        double first = _count > 0 ? _rates[_head] : double.NaN;
        // Two passes (sum, then squared deviations from the mean), each part four lanes at a time: the same code path
        // in batch and streaming, so the same bits; every rate equal = std 0 exactly.
        bool flat = SumParts(older, newer, first, out double sum);
        _mean = _count > 0 ? sum / _count : double.NaN;
        if (_count < 2)
        {
            _std = double.NaN;
        }
        else if (flat)
        {
            _std = 0;
        }
        else
        {
            _std = Math.Sqrt((SquaredDeviations(older, _mean) + SquaredDeviations(newer, _mean)) / (_count - 1));
        }

        _statsValid = true;
    }
}
