using System.Runtime.CompilerServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RollSpread"/>: <c>period + 1</c> (the first pair of price changes is at bar 2).</summary>
    public static int RollSpreadLookback(int period = 20)
    {
        Guard.Period(period, min: 2);
        return period + 1;
    }

    /// <summary>
    /// Roll's (1984) effective spread estimate, relative to the price:
    /// <c>2 √max(0, −cov(ΔC_i, ΔC_(i−1))) / C_t</c> over the last <paramref name="period"/> pairs of consecutive close changes.
    /// </summary>
    /// <param name="close">Close prices.</param>
    /// <param name="period">Number of pairs (ΔC_i, ΔC_(i−1)), i = t − period + 1 … t (≥ 2).</param>
    /// <param name="destination">Output, at least as long as the input.</param>
    /// <remarks>
    /// <para>cov is the sample covariance (n − 1) of <see cref="RollingCovariance"/> (robust sliding update with exact
    /// recomputation). A positive covariance (no bid-ask bounce) gives 0. Lookback <c>period + 1</c>.</para>
    /// <para>NaN rule: a NaN close makes the two changes that use it missing, so the outputs t … t + period + 1 are NaN;
    /// NaN when C_t is 0. Bit-identical to looping <see cref="RollSpreadState.Update"/>.</para>
    /// </remarks>
    public static void RollSpread(ReadOnlySpan<double> close, int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        CheckDestination(close.Length, destination);
        int n = close.Length;
        var deltas = Scratch.Rent(n + 1);
        try
        {
            // deltas[1 + t] = ΔC_t (NaN at t = 0); x = ΔC_t = deltas[1 + t], y = ΔC_(t−1) = deltas[t].
            deltas[0] = double.NaN;
            double previous = double.NaN;
            for (int t = 0; t < n; t++)
            {
                double c = close[t];
                deltas[t + 1] = c - previous;
                previous = c;
            }

            RollingCovariance(deltas.AsSpan(1, n), deltas.AsSpan(0, n), period, 1, destination);
            for (int t = 0; t < n; t++)
            {
                destination[t] = RollSpreadState.Spread(destination[t], close[t]);
            }
        }
        finally
        {
            Scratch.Return(deltas);
        }
    }

    /// <summary>Leading NaN count of <see cref="CorwinSchultz"/>: <c>period</c> (the first two-bar estimate is at bar 1).</summary>
    public static int CorwinSchultzLookback(int period = 20)
    {
        Guard.Period(period);
        return period;
    }

    /// <summary>
    /// Corwin–Schultz (2012) high-low spread estimate, floored at 0 and averaged over <paramref name="period"/> bars.
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="period">Number of two-bar estimates averaged (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Per bar t (two-bar estimate): β = ln(H_t/L_t)² + ln(H_(t−1)/L_(t−1))², γ = ln(max(H_t, H_(t−1)) / min(L_t, L_(t−1)))²,
    /// α = (√(2β) − √β) / (3 − 2√2) − √(γ / (3 − 2√2)), S_t = max(0, 2(e^α − 1) / (1 + e^α)); the output is the mean of
    /// S over the last <paramref name="period"/> bars. Evaluated as α = (√2 − 1)√β / (3 − 2√2) − |ln(max H / min L)| / √(3 − 2√2)
    /// and S = 2(1 − e^(−α)) / (1 + e^(−α)) (the same quantities, with one square root and no overflow).</para>
    /// <para>Lookback <c>period</c>. NaN rule: S_t is NaN when H or L at t or t − 1 is NaN or the logs are undefined
    /// (non-positive prices); the mean is NaN while the window holds a NaN estimate. Mean as <see cref="Sma"/>, exactly 0
    /// when every estimate of the window is 0 and never negative.
    /// Bit-identical to looping <see cref="CorwinSchultzState.Update"/>.</para>
    /// </remarks>
    public static void CorwinSchultz(ReadOnlySpan<double> high, ReadOnlySpan<double> low, int period, Span<double> destination)
    {
        Guard.Period(period);
        Guard.SameLength(high.Length, low.Length, nameof(low));
        CheckDestination(high.Length, destination);
        int n = high.Length;
        var estimates = Scratch.Rent(n);
        try
        {
            // ln(H/L) four bars at a time into the output (overwritten by the mean below).
            LogRatios.Batch(high, low, destination[..n]);
            double previousHigh = double.NaN, previousLow = double.NaN, previousLogRange = double.NaN;
            for (int t = 0; t < n; t++)
            {
                double h = high[t], l = low[t];
                double logRange = destination[t];
                estimates[t] = CorwinSchultzState.TwoBarSpread(h, l, previousHigh, previousLow, logRange, previousLogRange);
                previousHigh = h;
                previousLow = l;
                previousLogRange = logRange;
            }

            Sma(estimates.AsSpan(0, n), period, destination);
            NonNegativeMean(estimates.AsSpan(0, n), period, destination);
        }
        finally
        {
            Scratch.Return(estimates);
        }
    }

    /// <summary>Leading NaN count of <see cref="Amihud"/>: <c>period</c> (the first return is at bar 1).</summary>
    public static int AmihudLookback(int period = 20)
    {
        Guard.Period(period);
        return period;
    }

    /// <summary>
    /// Amihud (2002) illiquidity: the mean of <c>|r_t| / DV_t</c> over <paramref name="period"/> bars, r_t = ln(C_t / C_(t−1))
    /// and DV_t the bar's traded value (quote volume, or C·V when the data has none).
    /// </summary>
    /// <param name="close">Close prices.</param>
    /// <param name="dollarVolume">Traded value per bar (quote volume, or close × base volume).</param>
    /// <param name="period">Number of terms averaged (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback <c>period</c>. A term is NaN when a close is NaN or non-positive, when DV is NaN, or when DV = 0
    /// (division by zero); the mean is NaN while the window holds a NaN term. No scaling is applied (values are tiny
    /// for liquid markets). Mean as <see cref="Sma"/>, exactly 0 when every term of the window is 0 (a flat price) and never
    /// negative. Bit-identical to looping <see cref="AmihudState.Update"/>.</remarks>
    public static void Amihud(ReadOnlySpan<double> close, ReadOnlySpan<double> dollarVolume, int period, Span<double> destination)
    {
        Guard.Period(period);
        Guard.SameLength(close.Length, dollarVolume.Length, nameof(dollarVolume));
        CheckDestination(close.Length, destination);
        int n = close.Length;
        var returns = Scratch.Rent(n);
        try
        {
            double previous = double.NaN;
            for (int t = 0; t < n; t++)
            {
                double c = close[t];
                returns[t] = Ratio.Log(c, previous);
                previous = c;
            }

            AmihudFromReturns(returns.AsSpan(0, n), dollarVolume, period, destination);
        }
        finally
        {
            Scratch.Return(returns);
        }
    }

    /// <summary>
    /// <see cref="Amihud"/> from log returns already computed (<c>r_t = ln(C_t / C_(t−1))</c>, NaN at t = 0, e.g. the
    /// <c>log_return_1</c> feature): the mean of <c>|r_t| / DV_t</c> over <paramref name="period"/> bars.
    /// </summary>
    /// <param name="logReturns">One-bar log returns (NaN where undefined).</param>
    /// <param name="dollarVolume">Traded value per bar.</param>
    /// <param name="period">Number of terms averaged (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback <c>period</c> when <paramref name="logReturns"/> starts with one NaN; NaN rule as <see cref="Amihud"/>.</remarks>
    public static void AmihudFromReturns(ReadOnlySpan<double> logReturns, ReadOnlySpan<double> dollarVolume, int period, Span<double> destination)
    {
        Guard.Period(period);
        Guard.SameLength(logReturns.Length, dollarVolume.Length, nameof(dollarVolume));
        CheckDestination(logReturns.Length, destination);
        int n = logReturns.Length;
        var terms = Scratch.Rent(n);
        try
        {
            for (int t = 0; t < n; t++)
            {
                terms[t] = AmihudState.Term(logReturns[t], dollarVolume[t]);
            }

            Sma(terms.AsSpan(0, n), period, destination);
            NonNegativeMean(terms.AsSpan(0, n), period, destination);
        }
        finally
        {
            Scratch.Return(terms);
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.RollSpread"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct RollSpreadState
{
    private RollingCovarianceState _covariance;
    private double _previousClose;
    private double _previousDelta;

    /// <summary>Creates the state over <paramref name="period"/> pairs of consecutive close changes.</summary>
    public RollSpreadState(int period = 20)
    {
        _covariance = new RollingCovarianceState(period, 1);
        _previousClose = double.NaN;
        _previousDelta = double.NaN;
    }

    /// <summary><c>2 √max(0, −cov) / close</c>; NaN when either is NaN or the close is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Spread(double covariance, double close)
    {
        if (double.IsNaN(covariance))
        {
            return double.NaN;
        }

        double spread = covariance < 0 ? 2.0 * Math.Sqrt(-covariance) : 0.0;
        return Ratio.Divide(spread, close);
    }

    /// <summary>Adds the next close and returns the relative Roll spread (NaN until <c>period</c> pairs are known).</summary>
    public double Update(double close)
    {
        double delta = close - _previousClose;
        _covariance.Update(delta, _previousDelta);
        _previousDelta = delta;
        _previousClose = close;
        return Spread(_covariance.Covariance, close);
    }
}

/// <summary>Incremental state of <see cref="Indicators.CorwinSchultz"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct CorwinSchultzState
{
    private static readonly double SqrtTwoMinusOneOverK = (Math.Sqrt(2.0) - 1.0) / (3.0 - (2.0 * Math.Sqrt(2.0)));
    private static readonly double InverseSqrtK = 1.0 / Math.Sqrt(3.0 - (2.0 * Math.Sqrt(2.0)));

    private SmaState _mean;
    private readonly int _period;
    private int _zeros;
    private double _previousHigh;
    private double _previousLow;
    private double _previousLogRange;

    /// <summary>Creates the state averaging <paramref name="period"/> two-bar estimates.</summary>
    public CorwinSchultzState(int period = 20)
    {
        _mean = new SmaState(period);
        _period = period;
        _zeros = 0;
        _previousHigh = double.NaN;
        _previousLow = double.NaN;
        _previousLogRange = double.NaN;
    }

    /// <summary>
    /// The two-bar Corwin–Schultz estimate floored at 0, given the bars' highs and lows and their log ranges
    /// <c>ln(H/L)</c> (passed in so that each is computed once per bar); NaN when any quantity is NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TwoBarSpread(double high, double low, double previousHigh, double previousLow, double logRange, double previousLogRange) =>
        TwoBarSpread(high, low, previousHigh, previousLow, logRange, previousLogRange, double.NaN, false);

    /// <summary>The two-bar range's high, <c>max(H, H₋₁)</c>, whose log over <see cref="TwoBarLow"/> the estimate may take.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double TwoBarHigh(double high, double previousHigh) => Math.Max(high, previousHigh);

    /// <summary>The two-bar range's low, <c>min(L, L₋₁)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double TwoBarLow(double low, double previousLow) => Math.Min(low, previousLow);

    /// <summary><see cref="TwoBarSpread(double, double, double, double, double, double)"/>, given (when
    /// <paramref name="hasTwoBarLog"/>) <c>ln(TwoBarHigh / TwoBarLow)</c> as <see cref="LogRatios.Log"/> gives it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double TwoBarSpread(double high, double low, double previousHigh, double previousLow, double logRange, double previousLogRange,
        double twoBarLog, bool hasTwoBarLog)
    {
        double beta = (logRange * logRange) + (previousLogRange * previousLogRange);
        // ln(max H / min L): when one bar's range contains the other's, that bar's log range is exactly this log.
        double gamma = high >= previousHigh && low <= previousLow ? logRange
            : previousHigh >= high && previousLow <= low ? previousLogRange
            : hasTwoBarLog ? twoBarLog : LogRatios.Log(TwoBarHigh(high, previousHigh), TwoBarLow(low, previousLow));
        double alpha = (SqrtTwoMinusOneOverK * Math.Sqrt(beta)) - (Math.Abs(gamma) * InverseSqrtK);
        if (!double.IsFinite(alpha))
        {
            return double.NaN;
        }

        if (!(alpha > 0))
        {
            return 0.0;
        }

        double e = Math.Exp(-alpha);
        return 2.0 * (1.0 - e) / (1.0 + e);
    }

    /// <summary>Adds the next bar and returns the mean two-bar estimate over the window.</summary>
    public double Update(double high, double low) => UpdateWith(high, low, LogRatios.Log(high, low));

    /// <summary><see cref="Update"/> given the bar's log range <c>ln(H/L)</c> (the range-volatility step has it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double UpdateWith(double high, double low, double logRange) => UpdateWith(high, low, logRange, double.NaN, false);

    /// <summary><see cref="UpdateWith(double, double, double)"/> given also <c>ln(max(H, H₋₁) / min(L, L₋₁))</c> with the
    /// previous bar's high and low (as <see cref="LogRatios.Log"/> gives it: the streaming engine takes it with the bar's
    /// other logarithms).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double UpdateWith(double high, double low, double logRange, double twoBarLog) => UpdateWith(high, low, logRange, twoBarLog, true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double UpdateWith(double high, double low, double logRange, double twoBarLog, bool hasTwoBarLog)
    {
        double s = TwoBarSpread(high, low, _previousHigh, _previousLow, logRange, _previousLogRange, twoBarLog, hasTwoBarLog);
        _previousHigh = high;
        _previousLow = low;
        _previousLogRange = logRange;
        _zeros = s == 0 ? _zeros + 1 : 0;
        return Indicators.NonNegativeMean(_mean.Update(s), _zeros, _period);
    }
}

/// <summary>Incremental state of <see cref="Indicators.Amihud"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct AmihudState
{
    private SmaState _mean;
    private readonly int _period;
    private int _zeros;
    private double _previousClose;

    /// <summary>Creates the state averaging <paramref name="period"/> terms.</summary>
    public AmihudState(int period = 20)
    {
        _mean = new SmaState(period);
        _period = period;
        _zeros = 0;
        _previousClose = double.NaN;
    }

    /// <summary>One term <c>|r| / DV</c> from the log return <c>r = ln(C / C_prev)</c>; NaN when undefined or DV = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Term(double logReturn, double dollarVolume) => Ratio.Divide(Math.Abs(logReturn), dollarVolume);

    /// <summary>Adds the next bar (close and traded value) and returns the mean term over the window.</summary>
    public double Update(double close, double dollarVolume) => UpdateWith(close, Ratio.Log(close, _previousClose), dollarVolume);

    /// <summary><see cref="Update"/> given the log return <c>Ratio.Log(close, C₋₁)</c> with the previous bar's close (the
    /// streaming engine takes it with the bar's other logarithms).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double UpdateWith(double close, double logReturn, double dollarVolume)
    {
        double term = Term(logReturn, dollarVolume);
        _previousClose = close;
        _zeros = term == 0 ? _zeros + 1 : 0;
        return Indicators.NonNegativeMean(_mean.Update(term), _zeros, _period);
    }
}
