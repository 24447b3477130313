using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RollingSum"/>: <c>period − 1</c>.</summary>
    public static int RollingSumLookback(int period)
    {
        Guard.Period(period);
        return period - 1;
    }

    /// <summary>Sum of the last <paramref name="period"/> values, compensated (exact to the last bit in practice).</summary>
    /// <param name="source">Input series.</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as <paramref name="source"/>.</param>
    /// <remarks>Lookback <c>period − 1</c>; NaN while the window holds a NaN. The running sum is kept as an unevaluated
    /// pair of doubles (TwoSum on every add and remove), so a spike entering and leaving the window leaves no residue:
    /// the sum of a window equals its exact sum rounded once, and is exactly 0 when every value of the window is 0.
    /// Made for sparse, spiky series (liquidations). Like the other window sums it is recomputed from the window (from
    /// zero, in time order) after every <see cref="SumRecomputeInterval"/> updates, so its state depends on the window
    /// alone from then on. Equals looping <see cref="RollingSumState.Update"/>.</remarks>
    public static void RollingSum(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckDestination(source.Length, destination);
        var sum = default(CompensatedWindowSum);
        int interval = SumRecomputeInterval(period);
        for (int i = 0; i < source.Length; i++)
        {
            bool full = i >= period;
            sum.Slide(source[i], full ? source[i - period] : 0.0, full);
            destination[i] = i >= period - 1 && sum.NanCount == 0 ? sum.Value : double.NaN;
            if (IsMultiple(i + 1, interval))
            {
                int start = Math.Max(0, i + 1 - period);
                sum.Recompute(source[start..(i + 1)], default, squares: false);
            }
        }
    }

    /// <summary>Leading NaN count of <see cref="SpikeZScore"/>: <c>period − 1</c>.</summary>
    public static int SpikeZScoreLookback(int period)
    {
        Guard.Period(period, min: 2);
        return period - 1;
    }

    /// <summary>
    /// Rolling z-score <c>(x − mean) / std</c> (sample std) for sparse, spiky series (liquidations): from compensated
    /// window sums of x and x² (see <see cref="RollingSum"/>), so a huge value leaves no residue once it has left the window.
    /// </summary>
    /// <param name="source">Input series.</param>
    /// <param name="period">Window length in bars (≥ 2).</param>
    /// <param name="destination">Output.</param>
    /// <remarks>Lookback <c>period − 1</c>; NaN while the window holds a NaN, on a flat window (every value equal, e.g. a
    /// day without liquidations) and when the variance rounds to ≤ 0. <c>var = (Σx² − Σx · mean) / (n − 1)</c> with both
    /// sums exact to one rounding: accurate when the spread is not tiny against the level, which holds for series that
    /// are mostly 0 (use <see cref="RollingZScore"/> for prices). Both sums are recomputed from the window on the schedule of
    /// <see cref="RollingSum"/>. Equals looping <see cref="SpikeZScoreState.Update"/>.</remarks>
    public static void SpikeZScore(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        CheckDestination(source.Length, destination);
        var step = new SpikeZScoreStep(period);
        int interval = SumRecomputeInterval(period);
        for (int i = 0; i < source.Length; i++)
        {
            bool full = i >= period;
            destination[i] = step.Update(source[i], full ? source[i - period] : double.NaN, full, i >= period - 1);
            if (IsMultiple(i + 1, interval))
            {
                int start = Math.Max(0, i + 1 - period);
                step.Recompute(source[start..(i + 1)], default);
            }
        }
    }

    /// <summary>Leading NaN count of <see cref="Difference"/>: <c>lag</c>.</summary>
    public static int DifferenceLookback(int lag)
    {
        Guard.Period(lag, "lag");
        return lag;
    }

    /// <summary>Difference over <paramref name="lag"/> bars: <c>x[t] − x[t−lag]</c>.</summary>
    /// <remarks>Lookback <c>lag</c>. NaN when either value is NaN.</remarks>
    public static void Difference(ReadOnlySpan<double> source, int lag, Span<double> destination)
    {
        Guard.Period(lag, "lag");
        CheckDestination(source.Length, destination);
        int head = Math.Min(lag, source.Length);
        destination[..head].Fill(double.NaN);
        for (int i = head; i < source.Length; i++)
        {
            destination[i] = source[i] - source[i - lag];
        }
    }

    /// <summary>Natural logarithm of each value: <c>ln x</c>, NaN unless x is positive and finite.</summary>
    /// <param name="source">Input series.</param>
    /// <param name="destination">Output, at least as long as <paramref name="source"/>.</param>
    /// <remarks>Four values at a time with the library's logarithm, whose lane form gives the scalar bits
    /// (<see cref="Derivatives.Log"/>; the same as <see cref="Ratio.Log(double, double)"/> of x and 1).</remarks>
    public static void Log(ReadOnlySpan<double> source, Span<double> destination)
    {
        CheckDestination(source.Length, destination);
        ref double x = ref MemoryMarshal.GetReference(source);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = source.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var zero = Vector256<double>.Zero;
            var infinity = Vector256.Create(double.PositiveInfinity);
            var nan = Vector256.Create(double.NaN);
            for (; i <= n - 4; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref x, (nuint)i);
                var regular = Vector256.GreaterThan(v, zero) & Vector256.LessThan(v, infinity);
                Vector256.ConditionalSelect(regular, Internal.LogMath.Log(v), nan).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Derivatives.Log(Unsafe.Add(ref x, i));
        }
    }

    /// <summary><c>ln(a / b)</c> of two positive series, NaN unless a and b are both positive (and the ratio finite).</summary>
    /// <param name="a">Numerator series.</param>
    /// <param name="b">Denominator series.</param>
    /// <param name="destination">Output.</param>
    /// <remarks>Four values at a time; the same bits as <see cref="Derivatives.LogRatio"/> bar by bar.</remarks>
    public static void PositiveLogRatio(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> destination)
    {
        Guard.SameLength(a.Length, b.Length, nameof(b));
        CheckDestination(a.Length, destination);
        ref double x = ref MemoryMarshal.GetReference(a);
        ref double y = ref MemoryMarshal.GetReference(b);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = a.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var zero = Vector256<double>.Zero;
            var nan = Vector256.Create(double.NaN);
            for (; i <= n - 4; i += 4)
            {
                var va = Vector256.LoadUnsafe(ref x, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref y, (nuint)i);
                var positive = Vector256.GreaterThan(va, zero) & Vector256.GreaterThan(vb, zero);
                Vector256.ConditionalSelect(positive, Ratio.Log(va, vb), nan).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Derivatives.LogRatio(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
        }
    }

    /// <summary>Leading NaN count of <see cref="LogDivergence"/>: <c>lag</c>.</summary>
    public static int LogDivergenceLookback(int lag) => ChangeLookback(lag);

    /// <summary>
    /// Divergence of two log series' changes over <paramref name="lag"/> bars:
    /// <c>(la[t] − la[t−lag]) − (lb[t] − lb[t−lag])</c>, with la = ln a and lb = ln b precomputed (see <see cref="Log"/>):
    /// <c>ln(a_t / a_(t−lag)) − ln(b_t / b_(t−lag))</c> as differences of logarithms (one logarithm per value, shared by
    /// every lag).
    /// </summary>
    /// <param name="logA">ln a.</param>
    /// <param name="logB">ln b.</param>
    /// <param name="lag">Lag in bars (≥ 1).</param>
    /// <param name="destination">Output.</param>
    /// <remarks>Lookback <c>lag</c>; NaN when a logarithm at t or t−lag is NaN. The difference of two logarithms is within
    /// a few 1e-16 of ln |a| of the logarithm of the ratio.</remarks>
    public static void LogDivergence(ReadOnlySpan<double> logA, ReadOnlySpan<double> logB, int lag, Span<double> destination)
    {
        Guard.Period(lag, "lag");
        Guard.SameLength(logA.Length, logB.Length, nameof(logB));
        CheckDestination(logA.Length, destination);
        int head = Math.Min(lag, logA.Length);
        destination[..head].Fill(double.NaN);
        for (int i = head; i < logA.Length; i++)
        {
            destination[i] = (logA[i] - logA[i - lag]) - (logB[i] - logB[i - lag]);
        }
    }

    /// <summary>Leading NaN count of <see cref="OpenInterestRegime"/>: <c>lag</c>.</summary>
    public static int OpenInterestRegimeLookback(int lag) => ChangeLookback(lag);

    /// <summary>
    /// Price/open-interest regime over <paramref name="lag"/> bars: +2 price up and OI up (new longs), +1 price up and OI
    /// down (short covering), −1 price down and OI down (long liquidation), −2 price down and OI up (new shorts), 0 when
    /// either change is 0.
    /// </summary>
    /// <remarks>Lookback <c>lag</c>. NaN when a close or an OI value at t or t−lag is NaN.</remarks>
    public static void OpenInterestRegime(ReadOnlySpan<double> close, ReadOnlySpan<double> openInterest, int lag, Span<double> destination)
    {
        Guard.Period(lag, "lag");
        Guard.SameLength(close.Length, openInterest.Length, nameof(openInterest));
        CheckDestination(close.Length, destination);
        int head = Math.Min(lag, close.Length);
        destination[..head].Fill(double.NaN);
        int i = head;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four bars at a time with the arithmetic of Derivatives.Regime (the same bits).
            ref double c = ref MemoryMarshal.GetReference(close);
            ref double o = ref MemoryMarshal.GetReference(openInterest);
            ref double d = ref MemoryMarshal.GetReference(destination);
            var one = Vector256<double>.One;
            var zero = Vector256<double>.Zero;
            var half = Vector256.Create(0.5);
            var oneHalf = Vector256.Create(1.5);
            var nan = Vector256.Create(double.NaN);
            for (; i <= close.Length - 4; i += 4)
            {
                var dc = Vector256.LoadUnsafe(ref c, (nuint)i) - Vector256.LoadUnsafe(ref c, (nuint)(i - lag));
                var doi = Vector256.LoadUnsafe(ref o, (nuint)i) - Vector256.LoadUnsafe(ref o, (nuint)(i - lag));
                var sc = (Vector256.GreaterThan(dc, zero) & one) - (Vector256.LessThan(dc, zero) & one);
                var so = (Vector256.GreaterThan(doi, zero) & one) - (Vector256.LessThan(doi, zero) & one);
                var code = sc * ((oneHalf + (half * so)) * so * so);
                var sum = dc + doi;
                Vector256.ConditionalSelect(Vector256.Equals(sum, sum), code, nan).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < close.Length; i++)
        {
            destination[i] = Derivatives.Regime(close[i] - close[i - lag], openInterest[i] - openInterest[i - lag]);
        }
    }
}

/// <summary>
/// The last inputs and value of <see cref="Derivatives.LogRatio"/>, for inputs that repeat from bar to bar (snapshots
/// carried forward: the long/short ratios). Equal inputs (<c>==</c>) give the same bits — in the function's domain equal
/// values are the same bits, and ±0 is outside it (NaN) — so a repeat returns the kept value.
/// </summary>
internal struct LogMemo
{
    private double _a;
    private double _b;
    private double _value;

    public LogMemo() => _a = _b = _value = double.NaN;

    /// <summary><see cref="Derivatives.LogRatio"/> of <paramref name="a"/> and <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double LogRatio(double a, double b)
    {
        if (a != _a || b != _b)
        {
            (_a, _b) = (a, b);
            _value = Derivatives.LogRatio(a, b);
        }

        return _value;
    }
}

/// <summary>The stateless steps of the derivatives families (one bar in, one value out).</summary>
public static class Derivatives
{
    /// <summary><c>ln x</c> for a positive finite x, else NaN (the library's logarithm, within 1 ulp of <see cref="Math.Log(double)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double x) => x > 0 && x < double.PositiveInfinity ? Internal.LogMath.Log(x) : double.NaN;

    /// <summary><c>ln(a / b)</c> when a and b are both positive, else NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogRatio(double a, double b) => a > 0 && b > 0 ? Ratio.Log(a, b) : double.NaN;

    /// <summary>The regime code of a price change and an OI change: +2, +1, −1, −2, or 0 when either is 0; NaN when either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a few branch-free operations, once per bar in the OI windows step
    public static double Regime(double priceChange, double openInterestChange)
    {
        // Branch-free: sc = sign(ΔC), so = sign(ΔOI) ∈ {−1, 0, 1}; code = sc · (1.5 + 0.5 · so) · so²: +2 (↑↑), +1 (↑↓),
        // −1 (↓↓), −2 (↓↑), and 0 when either is 0 (so² = 0 or sc = 0); NaN propagates.
        double sc = (priceChange > 0 ? 1.0 : 0.0) - (priceChange < 0 ? 1.0 : 0.0);
        double so = (openInterestChange > 0 ? 1.0 : 0.0) - (openInterestChange < 0 ? 1.0 : 0.0);
        double code = sc * ((1.5 + (0.5 * so)) * so * so);
        return double.IsNaN(priceChange + openInterestChange) ? double.NaN : code;
    }

    /// <summary><c>(a − b) / b</c>: the relative distance of a from b (basis, premium); NaN when b is 0 or a value is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double RelativeDifference(double a, double b) => Ratio.Divide(a - b, b);

    /// <summary>Funding rate per interval to a yearly rate: <c>rate × (24 / intervalHours) × 365</c>; NaN when the interval is not positive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AnnualizedFunding(double rate, double intervalHours) =>
        intervalHours > 0 && double.IsFinite(intervalHours) ? rate * (24.0 / intervalHours) * 365.0 : double.NaN;

    /// <summary>
    /// Minutes from <paramref name="decisionTime"/> to the next scheduled settlement <c>S + k·I</c>, k ≥ 1 the smallest with
    /// <c>S + k·I ≥ decision</c>: S is the last settlement time rounded to the minute, I the interval in force. Uses only
    /// the schedule known at the decision time. NaN when the settlement time or the interval is unknown.
    /// </summary>
    /// <param name="settlementTime">The last settlement's time (Unix ms, as the <c>funding_time</c> column holds it).</param>
    /// <param name="intervalHours">The interval in force, in hours.</param>
    /// <param name="decisionTime">The bar's decision time (Unix ms).</param>
    public static double MinutesToFunding(double settlementTime, double intervalHours, long decisionTime) =>
        FundingSchedule(settlementTime, intervalHours, out long scheduled, out long interval) ? MinutesToSettlement(scheduled, interval, decisionTime) : double.NaN;

    /// <summary>The schedule <see cref="MinutesToFunding"/> counts from: the settlement time rounded to
    /// the minute and the interval in ms; false when either is unknown (then the minutes are NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool FundingSchedule(double settlementTime, double intervalHours, out long scheduled, out long interval)
    {
        scheduled = interval = 0;
        if (!double.IsFinite(settlementTime) || !(intervalHours > 0) || !double.IsFinite(intervalHours))
        {
            return false;
        }

        interval = (long)Math.Round(intervalHours * 3_600_000.0);
        if (interval <= 0)
        {
            return false;
        }

        scheduled = (long)Math.Round(settlementTime / 60_000.0, MidpointRounding.AwayFromZero) * 60_000L;
        return true;
    }

    /// <summary>Minutes from <paramref name="decisionTime"/> to the next settlement of a known schedule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double MinutesToSettlement(long scheduled, long interval, long decisionTime)
    {
        long behind = decisionTime - scheduled;
        long k = behind <= interval ? 1 : (behind + interval - 1) / interval;
        return (scheduled + (k * interval) - decisionTime) / 60_000.0;
    }
}

/// <summary>
/// A window sum kept as an unevaluated pair (hi + lo) with an error-free TwoSum on every add and remove, NaN values
/// counted apart, and the count of non-zero terms (reset to exactly 0 when it reaches 0).
/// </summary>
internal struct CompensatedWindowSum
{
    public double Hi;
    public double Lo;
    public int NanCount;
    public int NonZero;

    public readonly double Value => NonZero == 0 ? 0.0 : Hi + Lo;

    /// <summary>Removes <paramref name="outgoing"/> when <paramref name="full"/> and adds <paramref name="incoming"/>; the sum is
    /// reset to exactly 0 when no non-zero term is left. NaN terms are counted apart and never summed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Slide(double incoming, double outgoing, bool full)
    {
        double o = full ? outgoing : 0.0;
        bool inNan = double.IsNaN(incoming);
        bool outNan = double.IsNaN(o);
        NanCount += (inNan ? 1 : 0) - (outNan ? 1 : 0);
        double a = inNan ? 0.0 : incoming;
        double b = outNan ? 0.0 : o;
        NonZero += (a != 0 ? 1 : 0) - (b != 0 ? 1 : 0);

        // a − b = d + e exactly (TwoSum), then hi + d = s + err exactly: one addition on the hi chain per bar.
        double d = a - b;
        double bd = d - a;
        double e = (a - (d - bd)) + (-b - bd);
        double sum = Hi + d;
        double bs = sum - Hi;
        double err = (Hi - (sum - bs)) + (d - bs);
        Hi = sum;
        Lo += err + e;
        if (NonZero == 0)
        {
            Hi = 0;
            Lo = 0;
        }
    }

    /// <summary>Adds a term (a NaN is counted apart).</summary>
    public void Include(double x) => Slide(x, 0.0, full: false);

    /// <summary>Recomputes the sum from the window's terms (given in chronological order as two parts, or their squares),
    /// added from zero: afterwards the state is a function of the window alone, whatever rounding the slides left in
    /// <see cref="Lo"/> (which is what lets a warm start replay only the window's schedule, see the kernels' remarks).</summary>
    public void Recompute(ReadOnlySpan<double> older, ReadOnlySpan<double> newer, bool squares)
    {
        this = default;
        foreach (double v in older)
        {
            Include(squares ? v * v : v);
        }

        foreach (double v in newer)
        {
            Include(squares ? v * v : v);
        }
    }

    /// <summary>Removes a term added before.</summary>
    public void Exclude(double x) => Slide(0.0, x, full: true);
}

/// <summary>
/// Four <see cref="CompensatedWindowSum"/>s slid together, one per lane: the same operations lane by lane (additions,
/// comparisons and selections, the sign flip as a sign-bit XOR), so each lane holds the bits the scalar sum would.
/// </summary>
internal struct CompensatedWindowSum4
{
    public Vector256<double> Hi;
    public Vector256<double> Lo;
    public Vector256<long> NanCount;
    public Vector256<long> NonZero;

    /// <summary><see cref="CompensatedWindowSum.Value"/> lane by lane.</summary>
    public readonly Vector256<double> Value =>
        Vector256.ConditionalSelect(Vector256.Equals(NonZero, Vector256<long>.Zero).AsDouble(), Vector256<double>.Zero, Hi + Lo);

    /// <summary><see cref="CompensatedWindowSum.Slide"/> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Slide(Vector256<double> incoming, Vector256<double> outgoing, bool full)
    {
        var zero = Vector256<double>.Zero;
        var o = full ? outgoing : zero;
        var inNan = ~Vector256.Equals(incoming, incoming); // all ones (−1 as an integer) where NaN
        var outNan = ~Vector256.Equals(o, o);
        NanCount = NanCount - inNan.AsInt64() + outNan.AsInt64();
        var a = Vector256.ConditionalSelect(inNan, zero, incoming);
        var b = Vector256.ConditionalSelect(outNan, zero, o);
        NonZero = NonZero - (~Vector256.Equals(a, zero)).AsInt64() + (~Vector256.Equals(b, zero)).AsInt64();

        var d = a - b;
        var bd = d - a;
        var e = (a - (d - bd)) + ((b ^ Vector256.Create(-0.0)) - bd);
        var sum = Hi + d;
        var bs = sum - Hi;
        var err = (Hi - (sum - bs)) + (d - bs);
        var none = Vector256.Equals(NonZero, Vector256<long>.Zero).AsDouble();
        Hi = Vector256.ConditionalSelect(none, zero, sum);
        Lo = Vector256.ConditionalSelect(none, zero, Lo + (err + e));
    }
}

/// <summary>Four <see cref="RollingSumState"/>s of one period, one per lane, updated together (one ring of four-lane
/// values, one recomputation schedule): each lane's output has the bits of its own <see cref="RollingSumState"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
internal struct RollingSum4State
{
    private readonly double[] _ring; // four lanes per bar, bar b in slots 4·(b mod period) …
    private readonly int _period;
    private readonly int _interval;
    private CompensatedWindowSum4 _sum;
    private int _pos;
    private int _count;
    private int _updates;

    public RollingSum4State(int period)
    {
        Guard.Period(period);
        _ring = new double[4 * period];
        _period = period;
        _interval = Indicators.SumRecomputeInterval(period);
        _sum = default;
        _pos = _count = _updates = 0;
    }

    /// <summary><see cref="RollingSumState.Update"/> of each lane.</summary>
    public Vector256<double> Update(Vector256<double> values)
    {
        bool full = _count == _period;
        var slot = _ring.AsSpan(4 * _pos, 4);
        var old = Vector256.Create((ReadOnlySpan<double>)slot);
        values.CopyTo(slot);
        _pos = _pos + 1 == _period ? 0 : _pos + 1;
        if (!full)
        {
            _count++;
        }

        _sum.Slide(values, old, full);
        var result = _count == _period
            ? Vector256.ConditionalSelect(Vector256.Equals(_sum.NanCount, Vector256<long>.Zero).AsDouble(), _sum.Value, Vector256.Create(double.NaN))
            : Vector256.Create(double.NaN);
        if (Indicators.IsMultiple(++_updates, _interval))
        {
            // After the output, at every multiple of the interval, as the batch kernel: from zero, in time order.
            _sum = default;
            int first = _count == _period ? _pos : 0;
            for (int k = 0; k < _count; k++)
            {
                int bar = first + k < _period ? first + k : first + k - _period;
                _sum.Slide(Vector256.Create((ReadOnlySpan<double>)_ring.AsSpan(4 * bar, 4)), Vector256<double>.Zero, full: false);
            }
        }

        return result;
    }
}

/// <summary>Incremental state of <see cref="Indicators.RollingSum"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct RollingSumState
{
    private Ring _ring;
    private CompensatedWindowSum _sum;
    private readonly int _interval;
    private int _updates;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars.</summary>
    public RollingSumState(int period)
    {
        Guard.Period(period);
        _ring = new Ring(period);
        _sum = default;
        _interval = Indicators.SumRecomputeInterval(period);
        _updates = 0;
    }

    /// <summary>Adds the next value and returns the window's sum (NaN until full or while it holds a NaN; exactly 0 when
    /// every value is 0).</summary>
    public double Update(double value)
    {
        bool full = _ring.IsFull;
        double old = _ring.Push(value);
        _sum.Slide(value, old, full);
        double result = _ring.IsFull && _sum.NanCount == 0 ? _sum.Value : double.NaN;
        if (Indicators.IsMultiple(++_updates, _interval))
        {
            // After the output, at every multiple of the interval, as the batch kernel.
            _ring.Parts(out var older, out var newer);
            _sum.Recompute(older, newer, squares: false);
        }

        return result;
    }
}

/// <summary>The step of <see cref="Indicators.SpikeZScore"/>: compensated Σx and Σx², and the run of equal values for flatness.</summary>
internal struct SpikeZScoreStep
{
    private readonly int _period;
    private CompensatedWindowSum _sum;
    private CompensatedWindowSum _squares;
    private int _run;
    private double _previous;

    public SpikeZScoreStep(int period)
    {
        _period = period;
        _sum = default;
        _squares = default;
        _run = 0;
        _previous = double.NaN;
    }

    /// <summary>NaN terms in the window.</summary>
    public readonly int NanCount => _sum.NanCount;

    /// <summary>The window's sum (0 when no term is non-zero).</summary>
    public readonly double Sum => _sum.Value;

    public double Update(double incoming, double outgoing, bool full, bool windowFull)
    {
        _sum.Slide(incoming, outgoing, full);
        _squares.Slide(incoming * incoming, outgoing * outgoing, full);
        _run = incoming == _previous ? _run + 1 : 1;
        _previous = incoming;
        if (!windowFull || _sum.NanCount != 0 || _run >= _period)
        {
            return double.NaN;
        }

        double mean = _sum.Value / _period;
        double variance = (_squares.Value - (_sum.Value * mean)) / (_period - 1);
        return variance > 0 ? Ratio.Divide(incoming - mean, Math.Sqrt(variance)) : double.NaN;
    }

    /// <summary>Recomputes both sums from the window (chronological, as two parts).</summary>
    public void Recompute(ReadOnlySpan<double> older, ReadOnlySpan<double> newer)
    {
        _sum.Recompute(older, newer, squares: false);
        _squares.Recompute(older, newer, squares: true);
    }
}

/// <summary>Incremental state of <see cref="Indicators.SpikeZScore"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct SpikeZScoreState
{
    private Ring _ring;
    private SpikeZScoreStep _step;
    private readonly int _interval;
    private int _updates;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars (≥ 2).</summary>
    public SpikeZScoreState(int period)
    {
        Guard.Period(period, min: 2);
        _ring = new Ring(period);
        _step = new SpikeZScoreStep(period);
        _interval = Indicators.SumRecomputeInterval(period);
        _updates = 0;
        Sum = double.NaN;
    }

    /// <summary>The window's sum after the last update, as <see cref="RollingSumState"/> of the same period gives it (the
    /// same compensated sum on the same schedule): NaN until full or while it holds a NaN.</summary>
    internal double Sum { get; private set; }

    /// <summary>Adds the next value and returns its z-score in the window.</summary>
    public double Update(double value)
    {
        bool full = _ring.IsFull;
        double old = _ring.Push(value);
        double result = _step.Update(value, old, full, _ring.IsFull);
        Sum = _ring.IsFull && _step.NanCount == 0 ? _step.Sum : double.NaN;
        if (Indicators.IsMultiple(++_updates, _interval))
        {
            _ring.Parts(out var older, out var newer);
            _step.Recompute(older, newer);
        }

        return result;
    }
}
