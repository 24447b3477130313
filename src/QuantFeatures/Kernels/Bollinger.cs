using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="BollingerBands"/> and <see cref="BollingerWidthPosition"/>: <c>period − 1</c> (TA-Lib BBANDS).</summary>
    public static int BollingerLookback(int period)
    {
        Guard.Period(period, min: 2);
        return period - 1;
    }

    /// <summary>
    /// Bollinger bands, as TA-Lib <c>BBANDS(period, k, k, SMA)</c>: middle = SMA, σ = population standard deviation of the
    /// window, upper = middle + k·σ, lower = middle − k·σ.
    /// </summary>
    /// <param name="source">Input series (usually the close).</param>
    /// <param name="period">Window length (≥ 2, as TA-Lib).</param>
    /// <param name="deviations">Band width k in standard deviations (finite).</param>
    /// <param name="upper">Output upper band.</param>
    /// <param name="middle">Output middle band (the SMA).</param>
    /// <param name="lower">Output lower band.</param>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>. NaN while the window holds a NaN; recovers when it leaves.</para>
    /// <para>Arithmetic: TA-Lib's own. The running sums Σx and Σx² are updated as TA-Lib does (add the newest value,
    /// take the sum, subtract the oldest), σ² = Σx²/n − (Σx/n)², and σ = 0 when σ² ≤ 0, so the bands are
    /// bit-identical to TA-Lib on clean data wherever σ² ≥ 1e-14. This is deliberate: the contract
    /// is equality with TA-Lib, and a more accurate variance differs from TA-Lib by TA-Lib's own rounding (~3e-10
    /// relative on BTC prices), which breaks equality of <c>bb_position</c> near 0. Caveat inherited from TA-Lib: σ loses
    /// relative precision when it is tiny compared with the price level (a flat window can show a small non-zero σ),
    /// One deliberate deviation: TA-Lib's <c>TA_IS_ZERO_OR_NEG</c> zeroes σ whenever σ² &lt; 1e-14, which flattens the
    /// bands of every asset priced below ~1e-5 (many crypto tokens); here only σ² ≤ 0 does. After a NaN leaves the window the sums restart from the
    /// window, exactly as TA-Lib started on the data after the NaN.</para>
    /// </remarks>
    public static void BollingerBands(ReadOnlySpan<double> source, int period, double deviations,
        Span<double> upper, Span<double> middle, Span<double> lower)
    {
        Guard.Period(period, min: 2);
        Guard.Finite(deviations, nameof(deviations));
        CheckDestination(source.Length, upper);
        CheckDestination(source.Length, middle);
        CheckDestination(source.Length, lower);
        int n = source.Length;

        // Pass 1 (sequential): TA-Lib's running sums, Σx into `middle` and Σx² into `lower` (NaN where not defined).
        BollingerState.RunningSums(source, period, middle, lower);

        // Pass 2 (element-wise, the arithmetic of BollingerState.Bands).
        double p = period;
        double inverse = 1.0 / p;
        for (int i = 0; i < n; i++)
        {
            BollingerState.Bands(middle[i], lower[i], p, inverse, deviations, out double up, out double mid, out double lo);
            upper[i] = up;
            middle[i] = mid;
            lower[i] = lo;
        }
    }

    /// <summary>
    /// Bollinger band width and position in one pass: <c>width = (upper − lower) / middle</c> and
    /// <c>position = (x − lower) / (upper − lower)</c> of TA-Lib <c>BBANDS(period, k, k, SMA)</c>.
    /// </summary>
    /// <param name="source">Input series (usually the close).</param>
    /// <param name="period">Window length (≥ 2).</param>
    /// <param name="deviations">Band width k in standard deviations (finite).</param>
    /// <param name="width">Output width; NaN when the middle band is 0.</param>
    /// <param name="position">Output position; NaN when upper = lower (a flat window).</param>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>; NaN rule and arithmetic as <see cref="BollingerBands"/> (the bands are formed
    /// exactly as TA-Lib forms them, then combined), so the results equal the same expressions of TA-Lib's bands.</para>
    /// <para>One software-pipelined pass: TA-Lib's running sums advance four bars at a time while the previous four bars'
    /// bands are finished as one vector (correctly rounded IEEE operations, so identical to the scalar
    /// <see cref="BollingerState"/>).</para>
    /// </remarks>
    public static void BollingerWidthPosition(ReadOnlySpan<double> source, int period, double deviations,
        Span<double> width, Span<double> position)
    {
        Guard.Period(period, min: 2);
        Guard.Finite(deviations, nameof(deviations));
        CheckDestination(source.Length, width);
        CheckDestination(source.Length, position);
        BollingerState.WidthPositionFused(source, period, deviations, width, position);
    }

    /// <summary>
    /// Bollinger band width alone, <c>(upper − lower) / middle</c> of TA-Lib <c>BBANDS(period, k, k, SMA)</c>: the values of
    /// <see cref="BollingerWidthPosition"/>'s width, without the work of the position.
    /// </summary>
    /// <param name="source">Input series (usually the close).</param>
    /// <param name="period">Window length (≥ 2).</param>
    /// <param name="deviations">Band width k in standard deviations (finite).</param>
    /// <param name="width">Output width; NaN when the middle band is 0.</param>
    /// <remarks>Lookback <c>period − 1</c>; NaN rule and arithmetic as <see cref="BollingerWidthPosition"/>; bit-identical to
    /// <see cref="BollingerState.Width"/> after each <see cref="BollingerState.Update"/>.</remarks>
    public static void BollingerWidth(ReadOnlySpan<double> source, int period, double deviations, Span<double> width)
    {
        Guard.Period(period, min: 2);
        Guard.Finite(deviations, nameof(deviations));
        CheckDestination(source.Length, width);
        BollingerState.WidthPositionFused(source, period, deviations, width, []);
    }
}

/// <summary>
/// Incremental state of <see cref="Indicators.BollingerBands"/> / <see cref="Indicators.BollingerWidthPosition"/>
/// (TA-Lib's running sums and arithmetic; the sums restart from the window after a NaN leaves it).
/// </summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct BollingerState
{
    private readonly double[] _ring;
    private readonly int _period;
    private readonly double _deviations;
    private int _pos;
    private int _count;
    private double _sum;
    private double _sumSq;

    /// <summary>Creates the state for a window of <paramref name="period"/> values (≥ 2) and bands at ±<paramref name="deviations"/> σ.</summary>
    public BollingerState(int period, double deviations)
    {
        Guard.Period(period, min: 2);
        Guard.Finite(deviations, nameof(deviations));
        _ring = new double[period - 1];
        _period = period;
        _deviations = deviations;
        _pos = 0;
        _count = 0;
        _sum = 0;
        _sumSq = 0;
        Upper = Middle = Lower = Width = Position = double.NaN;
    }

    /// <summary>The last upper band (NaN when not defined).</summary>
    public double Upper { get; private set; }

    /// <summary>The last middle band, the SMA (NaN when not defined).</summary>
    public double Middle { get; private set; }

    /// <summary>The last lower band (NaN when not defined).</summary>
    public double Lower { get; private set; }

    /// <summary>The last width, (upper − lower) / middle (NaN when not defined or middle = 0).</summary>
    public double Width { get; private set; }

    /// <summary>The last position, (x − lower) / (upper − lower) (NaN when not defined or upper = lower).</summary>
    public double Position { get; private set; }

    /// <summary>Adds the next value; returns whether the bands are defined (the window is full and holds no NaN).</summary>
    public bool Update(double value)
    {
        double sum = Accumulate(value, out double sumSq);
        Bands(sum, sumSq, _period, 1.0 / _period, _deviations, out double up, out double mid, out double lo);
        Upper = up;
        Middle = mid;
        Lower = lo;
        Width = WidthOf(up, mid, lo);
        Position = PositionOf(value, up, lo);
        return !double.IsNaN(sum);
    }

    /// <summary>TA-Lib's running-sum step: returns Σx (and Σx² in <paramref name="sumSq"/>) of the window ending with
    /// <paramref name="value"/>, NaN while the window is not full or holds a NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Accumulate(double value, out double sumSq)
    {
        if (double.IsNaN(value))
        {
            _count = 0;
            _pos = 0;
            _sum = 0;
            _sumSq = 0;
            sumSq = double.NaN;
            return double.NaN;
        }

        // The ring holds the period − 1 values already in the sums; its slot at _pos is the oldest of them.
        _sum += value;
        _sumSq += value * value;
        int pos = _pos;
        if (_count < _period - 1)
        {
            // Warm-up: TA-Lib sums the first period − 1 values (and squares) left to right.
            _ring[pos] = value;
            _pos = ++pos == _ring.Length ? 0 : pos;
            _count++;
            sumSq = double.NaN;
            return double.NaN;
        }

        double sum = _sum;
        sumSq = _sumSq;
        double oldest = _ring[pos];
        _sum -= oldest;
        _sumSq -= oldest * oldest;
        _ring[pos] = value;
        _pos = ++pos == _ring.Length ? 0 : pos;
        return sum;
    }

    /// <summary>Pass 1 of the batch kernels: TA-Lib's running sums Σx and Σx² of each full NaN-free window (NaN elsewhere).</summary>
    internal static void RunningSums(ReadOnlySpan<double> source, int period, Span<double> sums, Span<double> sumSquares)
    {
        ref double x = ref MemoryMarshal.GetReference(source);
        ref double s = ref MemoryMarshal.GetReference(sums);
        ref double q = ref MemoryMarshal.GetReference(sumSquares);
        int n = source.Length;
        int i = 0;
        while (i < n)
        {
            // Warm-up from i: sum the next period − 1 values; a NaN restarts it.
            double sum = 0, sumSq = 0;
            int start = i;
            int warmEnd = Math.Min(n, start + period - 1);
            bool restarted = false;
            for (; i < warmEnd; i++)
            {
                double v = Unsafe.Add(ref x, i);
                Unsafe.Add(ref s, i) = double.NaN;
                Unsafe.Add(ref q, i) = double.NaN;
                if (double.IsNaN(v))
                {
                    i++;
                    restarted = true;
                    break;
                }

                sum += v;
                sumSq += v * v;
            }

            if (restarted)
            {
                continue;
            }

            // Steady state: add the newest, record, subtract the oldest (TA-Lib INT_SMA / stddev_using_precalc_ma).
            for (; i < n; i++)
            {
                double v = Unsafe.Add(ref x, i);
                if (double.IsNaN(v))
                {
                    Unsafe.Add(ref s, i) = double.NaN;
                    Unsafe.Add(ref q, i) = double.NaN;
                    i++;
                    break;
                }

                sum += v;
                sumSq += v * v;
                Unsafe.Add(ref s, i) = sum;
                Unsafe.Add(ref q, i) = sumSq;
                double old = Unsafe.Add(ref x, i - period + 1);
                sum -= old;
                sumSq -= old * old;
            }
        }
    }

    /// <summary>
    /// <see cref="Indicators.BollingerWidthPosition"/> in one pass: the running sums advance four bars at a time and the
    /// four bars' width and position are formed as one vector, so the divisions of one group overlap the sequential
    /// additions of the next. Arithmetic per bar is exactly <see cref="Accumulate"/> then <see cref="Bands"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called once per run on long series: skip the slow early tiers
    internal static void WidthPositionFused(ReadOnlySpan<double> source, int period, double deviations, Span<double> width, Span<double> position)
    {
        ref double x = ref MemoryMarshal.GetReference(source);
        ref double w = ref MemoryMarshal.GetReference(width);
        ref double q = ref MemoryMarshal.GetReference(position);
        int n = source.Length;
        bool withPosition = !position.IsEmpty; // empty: width only
        double p = period;
        var vp = Vector256.Create(p);
        double inverse = 1.0 / p;
        var vinv = Vector256.Create(inverse);
        var vk = Vector256.Create(deviations);
        int i = 0;
        while (i < n)
        {
            // Warm-up from i: sum the next period − 1 values; a NaN restarts it.
            double sum = 0, sumSq = 0;
            int warmEnd = Math.Min(n, i + period - 1);
            bool restarted = false;
            for (; i < warmEnd; i++)
            {
                double v = Unsafe.Add(ref x, i);
                Unsafe.Add(ref w, i) = double.NaN;
                if (withPosition)
                {
                    Unsafe.Add(ref q, i) = double.NaN;
                }

                if (double.IsNaN(v))
                {
                    i++;
                    restarted = true;
                    break;
                }

                sum += v;
                sumSq += v * v;
            }

            if (restarted)
            {
                continue;
            }

            // Steady state, four bars per step while none of them is NaN (TA-Lib: add the newest, record, subtract the
            // oldest). Software-pipelined: a step advances the sums of its four bars, then finishes the previous step's
            // bars, whose sums are long known, so the divisions and the square root overlap the sequential additions.
            bool pending = false;
            Vector256<double> pendingSums = default, pendingSquares = default;
            int pendingAt = 0;
            while (true)
            {
                if (Vector256.IsHardwareAccelerated && i <= n - 4)
                {
                    double v0 = Unsafe.Add(ref x, i), v1 = Unsafe.Add(ref x, i + 1), v2 = Unsafe.Add(ref x, i + 2), v3 = Unsafe.Add(ref x, i + 3);
                    if (!double.IsNaN(v0 + v1 + v2 + v3))
                    {
                        ref double old = ref Unsafe.Add(ref x, i - period + 1);
                        double o0 = old, o1 = Unsafe.Add(ref old, 1), o2 = Unsafe.Add(ref old, 2), o3 = Unsafe.Add(ref old, 3);
                        sum += v0; double s0 = sum; sum -= o0;
                        sum += v1; double s1 = sum; sum -= o1;
                        sum += v2; double s2 = sum; sum -= o2;
                        sum += v3; double s3 = sum; sum -= o3;
                        sumSq += v0 * v0; double q0 = sumSq; sumSq -= o0 * o0;
                        sumSq += v1 * v1; double q1 = sumSq; sumSq -= o1 * o1;
                        sumSq += v2 * v2; double q2 = sumSq; sumSq -= o2 * o2;
                        sumSq += v3 * v3; double q3 = sumSq; sumSq -= o3 * o3;
                        if (pending)
                        {
                            WidthPosition4(pendingSums, pendingSquares, ref x, ref w, ref q, withPosition, pendingAt, vp, vinv, vk);
                        }

                        pendingSums = Vector256.Create(s0, s1, s2, s3);
                        pendingSquares = Vector256.Create(q0, q1, q2, q3);
                        pendingAt = i;
                        pending = true;
                        i += 4;
                        continue;
                    }
                }

                if (pending)
                {
                    WidthPosition4(pendingSums, pendingSquares, ref x, ref w, ref q, withPosition, pendingAt, vp, vinv, vk);
                    pending = false;
                }

                if (i >= n)
                {
                    break;
                }

                double value = Unsafe.Add(ref x, i);
                if (double.IsNaN(value))
                {
                    Unsafe.Add(ref w, i) = double.NaN;
                    if (withPosition)
                    {
                        Unsafe.Add(ref q, i) = double.NaN;
                    }

                    i++;
                    break;
                }

                sum += value;
                sumSq += value * value;
                Bands(sum, sumSq, p, inverse, deviations, out double upper, out double middle, out double lower);
                Unsafe.Add(ref w, i) = WidthOf(upper, middle, lower);
                if (withPosition)
                {
                    Unsafe.Add(ref q, i) = PositionOf(value, upper, lower);
                }
                double oldest = Unsafe.Add(ref x, i - period + 1);
                sum -= oldest;
                sumSq -= oldest * oldest;
                i++;
            }
        }
    }

    /// <summary>TA-Lib's bands from the running sums: mean = Σx/n, σ² = Σx²/n − mean², σ = 0 when σ² ≤ 0, bands = mean ± k·σ.
    /// (TA-Lib zeroes σ when σ² &lt; 1e-14, an absolute threshold that flattens the bands of every asset priced below
    /// ~1e-5; here only a non-positive σ² does. Identical to TA-Lib wherever σ² ≥ 1e-14, which the golden files check.)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Bands(double sum, double sumSq, double period, double inverse, double deviations, out double upper, out double middle, out double lower)
    {
        double mid = DivideByPeriod(sum, period, inverse);
        double variance = DivideByPeriod(sumSq, period, inverse) - (mid * mid);
        double sd = variance > 0 ? Math.Sqrt(variance) : 0.0;
        double t = sd * deviations;
        upper = mid + t;
        middle = mid;
        lower = mid - t;
    }

    /// <summary>Width and position of four consecutive bars from their running sums (the arithmetic of <see cref="Bands"/>,
    /// <see cref="WidthOf"/> and <see cref="PositionOf"/>, lane by lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WidthPosition4(Vector256<double> sums, Vector256<double> squares, ref double x, ref double w, ref double q, bool withPosition, int at,
        Vector256<double> period, Vector256<double> inverse, Vector256<double> deviations)
    {
        var zero = Vector256<double>.Zero;
        var nan = Vector256.Create(double.NaN);
        var mid = DivideByPeriod(sums, period, inverse);
        var variance = DivideByPeriod(squares, period, inverse) - (mid * mid);
        var sd = Vector256.ConditionalSelect(Vector256.GreaterThan(variance, zero), Vector256.Sqrt(variance), zero);
        var t = sd * deviations;
        var up = mid + t;
        var lo = mid - t;
        var range = up - lo;
        Vector256.ConditionalSelect(Vector256.Equals(mid, zero), nan, range / mid).StoreUnsafe(ref w, (nuint)at);
        if (withPosition)
        {
            var close = Vector256.LoadUnsafe(ref x, (nuint)at);
            Vector256.ConditionalSelect(Vector256.Equals(range, zero), nan, (close - lo) / range).StoreUnsafe(ref q, (nuint)at);
        }
    }

    /// <summary>
    /// <c>x / period</c>, correctly rounded, without a division: q = x·(1/p), then one exact-residual correction
    /// q + fma(−q, p, x)·(1/p) (Markstein), which yields the correctly rounded quotient when 1/p is itself correctly
    /// rounded. Bit-identical to <c>x / period</c> for every finite x whose quotient is not subnormal (checked against the
    /// division in the tests);
    /// infinite x gives ±∞ like the division, NaN gives NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double DivideByPeriod(double x, double period, double inverse)
    {
        double q = x * inverse;
        double corrected = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(-q, period, x), inverse, q);
        return double.IsNaN(corrected) ? q : corrected;
    }

    /// <summary>Four lanes of <see cref="DivideByPeriod(double, double, double)"/> (the same operations per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> DivideByPeriod(Vector256<double> x, Vector256<double> period, Vector256<double> inverse)
    {
        var q = x * inverse;
        var corrected = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(-q, period, x), inverse, q);
        return Vector256.ConditionalSelect(Vector256.IsNaN(corrected), q, corrected);
    }

    /// <summary>(upper − lower) / middle; NaN when middle = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double WidthOf(double upper, double middle, double lower) => middle == 0 ? double.NaN : (upper - lower) / middle;

    /// <summary>(x − lower) / (upper − lower); NaN when upper = lower.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double PositionOf(double value, double upper, double lower)
    {
        double range = upper - lower;
        return range == 0 ? double.NaN : (value - lower) / range;
    }
}
