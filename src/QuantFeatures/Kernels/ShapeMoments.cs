using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RollingSkewness"/>: <c>period − 1</c> (period ≥ 3).</summary>
    public static int RollingSkewnessLookback(int period)
    {
        Guard.Period(period, min: 3);
        return period - 1;
    }

    /// <summary>Leading NaN count of <see cref="RollingKurtosis"/>: <c>period − 1</c> (period ≥ 4).</summary>
    public static int RollingKurtosisLookback(int period)
    {
        Guard.Period(period, min: 4);
        return period - 1;
    }

    /// <summary>
    /// Rolling bias-corrected sample skewness (pandas <c>rolling(period).skew()</c>):
    /// <c>G1 = √(n(n − 1)) / (n − 2) · m3 / m2^{3/2}</c>, m_k the population central moments of the window.
    /// </summary>
    /// <param name="source">Input series (the catalogue feeds log returns).</param>
    /// <param name="period">Window length n (≥ 3).</param>
    /// <param name="destination">Output, at least as long as <paramref name="source"/>.</param>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>; NaN while the window holds a NaN; NaN when the window's variance is 0 (a window of
    /// one repeated value). pandas gives 0 on a constant window and NaN when m2 ≤ 1e-14 (an absolute threshold that
    /// depends on the series' scale); here only an exact zero variance gives NaN, so the result is scale-free.</para>
    /// <para>Numerics: power sums Σ(x − s)^k, k = 1…4, about a shift s set to the window mean at every exact
    /// recomputation (every 8 windows, 64 … 1,024 bars, and whenever the window becomes valid after a NaN), updated by
    /// <c>+ in^k − out^k</c> in between; a constant window is detected exactly (run of equal values).
    /// Bit-identical to looping <see cref="RollingSkewnessState.Update"/>.</para>
    /// </remarks>
    public static void RollingSkewness(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        Guard.Period(period, min: 3);
        CheckDestination(source.Length, destination);
        RollingShapeMoments(source, period, destination, default);
    }

    /// <summary>
    /// Rolling bias-corrected sample excess kurtosis (pandas <c>rolling(period).kurt()</c>):
    /// <c>G2 = ((n² − 1) m4 / m2² − 3 (n − 1)²) / ((n − 2)(n − 3))</c>.
    /// </summary>
    /// <param name="source">Input series (the catalogue feeds log returns).</param>
    /// <param name="period">Window length n (≥ 4).</param>
    /// <param name="destination">Output, at least as long as <paramref name="source"/>.</param>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>; NaN while the window holds a NaN; NaN when the window's variance is 0 (pandas
    /// gives −3 on a constant window and NaN when m2 ≤ 1e-14; here only an exact zero variance gives NaN).</para>
    /// <para>Numerics as <see cref="RollingSkewness"/>; bit-identical to looping <see cref="RollingKurtosisState.Update"/>.</para>
    /// </remarks>
    public static void RollingKurtosis(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        Guard.Period(period, min: 4);
        CheckDestination(source.Length, destination);
        RollingShapeMoments(source, period, default, destination);
    }

    /// <summary>Skewness and kurtosis from one pass (either destination may be empty to skip it). Period ≥ 4 when kurtosis is wanted.</summary>
    internal static void RollingShapeMoments(ReadOnlySpan<double> source, int period, Span<double> skewness, Span<double> kurtosis)
    {
        var w = new PowerSumsWindow(period);
        bool wantSkew = !skewness.IsEmpty, wantKurt = !kurtosis.IsEmpty;
        int k = w.Interval;
        ref double src = ref MemoryMarshal.GetReference(source);
        ref double sk = ref MemoryMarshal.GetReference(skewness);
        ref double ku = ref MemoryMarshal.GetReference(kurtosis);
        int n = source.Length;
        int i = 0;
        while (i < n)
        {
            if (w.Valid && i % k != 0)
            {
                // Fast path on locals between two exact recomputations; redone by the careful path if a NaN shows up.
                int end = Math.Min(n, (i / k + 1) * k);
                double shift = w.Shift, s1 = w.S1, s2 = w.S2, s3 = w.S3, s4 = w.S4, previous = w.Previous;
                int run = w.Run;
                bool nan = false;
                for (int j = i; j < end; j++)
                {
                    double x = Unsafe.Add(ref src, j);
                    nan |= double.IsNaN(x);
                    PowerSumsWindow.Slide(ref s1, ref s2, ref s3, ref s4, x - shift, Unsafe.Add(ref src, j - period) - shift);
                    run = x == previous ? run + 1 : 1;
                    previous = x;
                    bool flat = run >= period;
                    if (wantSkew)
                    {
                        Unsafe.Add(ref sk, j) = w.Skewness(s1, s2, s3, flat);
                    }

                    if (wantKurt)
                    {
                        Unsafe.Add(ref ku, j) = w.Kurtosis(s1, s2, s3, s4, flat);
                    }
                }

                if (!nan)
                {
                    (w.S1, w.S2, w.S3, w.S4, w.Run, w.Previous) = (s1, s2, s3, s4, run, previous);
                    i = end;
                    continue;
                }

                for (; i < end; i++)
                {
                    ShapeStep(ref w, source, i, wantSkew, wantKurt, ref sk, ref ku);
                }

                continue;
            }

            ShapeStep(ref w, source, i, wantSkew, wantKurt, ref sk, ref ku);
            i++;
        }
    }

    private static void ShapeStep(ref PowerSumsWindow w, ReadOnlySpan<double> source, int t, bool wantSkew, bool wantKurt, ref double sk, ref double ku)
    {
        int p = w.Period;
        bool ready = w.Advance(t, source[t], t >= p ? source[t - p] : double.NaN, out bool recompute);
        if (recompute)
        {
            w.Recompute(source.Slice(t - p + 1, p));
        }

        bool flat = w.Run >= p;
        if (wantSkew)
        {
            Unsafe.Add(ref sk, t) = ready ? w.Skewness(w.S1, w.S2, w.S3, flat) : double.NaN;
        }

        if (wantKurt)
        {
            Unsafe.Add(ref ku, t) = ready ? w.Kurtosis(w.S1, w.S2, w.S3, w.S4, flat) : double.NaN;
        }
    }
}

/// <summary>
/// The shared step of rolling skewness and kurtosis: power sums Σy, Σy², Σy³, Σy⁴ of y = x − shift over the window,
/// the shift being the window mean at the last exact recomputation (so the sums stay on the scale of the deviations).
/// </summary>
internal struct PowerSumsWindow
{
    public readonly int Period;
    public readonly int Interval;
    public readonly double InverseN;
    public readonly double SkewFactor;
    public readonly double KurtFactor;
    public readonly double KurtOffset;
    public double Shift;
    public double S1;
    public double S2;
    public double S3;
    public double S4;
    public int Run;
    public double Previous;
    public bool Valid;
    public long LastNan;

    public PowerSumsWindow(int period)
    {
        double n = period;
        Period = period;
        Interval = WindowSchedule.Interval(period);
        InverseN = 1.0 / n;
        SkewFactor = Math.Sqrt(n * (n - 1)) / (n - 2);
        KurtFactor = (n * n - 1) / ((n - 2) * (n - 3));
        KurtOffset = 3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3));
        Shift = 0;
        S1 = S2 = S3 = S4 = 0;
        Run = 0;
        Previous = double.NaN;
        Valid = false;
        LastNan = long.MinValue / 2;
    }

    /// <summary>Bar t: tracks NaN and runs; returns whether the window is full and clean; slides or asks for a recomputation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Advance(long t, double incoming, double outgoing, out bool recompute)
    {
        Run = incoming == Previous ? Run + 1 : 1;
        Previous = incoming;
        if (double.IsNaN(incoming))
        {
            LastNan = t;
        }

        if (t < Period - 1 || t - LastNan < Period)
        {
            Valid = false;
            recompute = false;
            return false;
        }

        recompute = !Valid || Indicators.IsMultiple(t, Interval);
        if (!recompute)
        {
            Slide(ref S1, ref S2, ref S3, ref S4, incoming - Shift, outgoing - Shift);
        }

        return true;
    }

    /// <summary>The clean sliding step on shifted values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Slide(ref double s1, ref double s2, ref double s3, ref double s4, double y, double z)
    {
        double y2 = y * y, z2 = z * z;
        s1 += y - z;
        s2 += y2 - z2;
        s3 += y2 * y - z2 * z;
        s4 += y2 * y2 - z2 * z2;
    }

    /// <summary>Exact two-pass recomputation from the (NaN-free) window in chronological order; re-centres the shift on its mean.</summary>
    public void Recompute(ReadOnlySpan<double> window)
    {
        double sum = 0;
        foreach (double v in window)
        {
            sum += v;
        }

        double shift = sum / window.Length;
        double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
        foreach (double v in window)
        {
            double y = v - shift, y2 = y * y;
            s1 += y;
            s2 += y2;
            s3 += y2 * y;
            s4 += y2 * y2;
        }

        (Shift, S1, S2, S3, S4, Valid) = (shift, s1, s2, s3, s4, true);
    }

    /// <summary>pandas' skewness from the power sums; NaN on a constant window or a non-positive variance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Skewness(double s1, double s2, double s3, bool flat)
    {
        double a = s1 * InverseN;
        double b = s2 * InverseN - a * a;
        double c = s3 * InverseN - a * a * a - 3 * a * b;
        return flat || !(b > 0) ? double.NaN : SkewFactor * c / (b * Math.Sqrt(b));
    }

    /// <summary>pandas' excess kurtosis from the power sums; NaN on a constant window or a non-positive variance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Kurtosis(double s1, double s2, double s3, double s4, bool flat)
    {
        double a = s1 * InverseN;
        double a2 = a * a;
        double b = s2 * InverseN - a2;
        double c = s3 * InverseN - a2 * a - 3 * a * b;
        double d = s4 * InverseN - a2 * a2 - 6 * b * a2 - 4 * c * a;
        return flat || !(b > 0) ? double.NaN : KurtFactor * d / (b * b) - KurtOffset;
    }
}

/// <summary>Streaming side of <see cref="PowerSumsWindow"/>.</summary>
internal struct PowerSumsState
{
    private MirrorRing _ring;
    private PowerSumsWindow _w;
    private long _t;

    public PowerSumsState(int period)
    {
        _ring = new MirrorRing(period + 1);
        _w = new PowerSumsWindow(period);
        _t = -1;
    }

    /// <summary>Adds the next value; returns whether the window is full and clean.</summary>
    public bool Update(double value)
    {
        _ring.Push(value);
        long t = ++_t;
        int p = _w.Period;
        bool ready = _w.Advance(t, value, t >= p ? _ring.Back(p) : double.NaN, out bool recompute);
        if (recompute)
        {
            _w.Recompute(_ring.Last(p));
        }

        return ready;
    }

    public readonly double Skewness => _w.Skewness(_w.S1, _w.S2, _w.S3, _w.Run >= _w.Period);

    public readonly double Kurtosis => _w.Kurtosis(_w.S1, _w.S2, _w.S3, _w.S4, _w.Run >= _w.Period);
}

/// <summary>Incremental state of <see cref="Indicators.RollingSkewness"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct RollingSkewnessState
{
    private PowerSumsState _state;

    /// <summary>Creates the state for a window of <paramref name="period"/> values (≥ 3).</summary>
    public RollingSkewnessState(int period)
    {
        Guard.Period(period, min: 3);
        _state = new PowerSumsState(period);
    }

    /// <summary>Adds the next value and returns the skewness of the last <c>period</c> values (NaN until full, while a NaN is in the window, or on zero variance).</summary>
    public double Update(double value) => _state.Update(value) ? _state.Skewness : double.NaN;
}

/// <summary>Incremental state of <see cref="Indicators.RollingKurtosis"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct RollingKurtosisState
{
    private PowerSumsState _state;

    /// <summary>Creates the state for a window of <paramref name="period"/> values (≥ 4).</summary>
    public RollingKurtosisState(int period)
    {
        Guard.Period(period, min: 4);
        _state = new PowerSumsState(period);
    }

    /// <summary>Adds the next value and returns the excess kurtosis of the last <c>period</c> values (NaN until full, while a NaN is in the window, or on zero variance).</summary>
    public double Update(double value) => _state.Update(value) ? _state.Kurtosis : double.NaN;
}
