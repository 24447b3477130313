using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="LinearRegression"/>: <c>period − 1</c> (period ≥ 2).</summary>
    public static int LinearRegressionLookback(int period)
    {
        Guard.Period(period, min: 2);
        return period - 1;
    }

    /// <summary>
    /// Rolling ordinary least squares of the series on the bar index over <paramref name="period"/> bars: the slope
    /// <c>b = Σ(k − k̄)(y_k − ȳ) / Σ(k − k̄)²</c> (units of y per bar) and <c>R² = Sxy² / (Sxx · Syy)</c>.
    /// </summary>
    /// <param name="source">Input series y (the catalogue feeds the close).</param>
    /// <param name="period">Window length n (≥ 2); k = 0 … n − 1 from the oldest bar.</param>
    /// <param name="slope">Output slope, or empty to skip.</param>
    /// <param name="rSquare">Output R², or empty to skip.</param>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>; NaN while the window holds a NaN. A constant window has slope exactly 0 and
    /// R² NaN (0/0: no variance to explain). R² is clamped to at most 1 against rounding.</para>
    /// <para>Numerics: in coordinates shifted to the window mean at the last exact recomputation, a sliding Welford
    /// update of the mean and of Syy (as <see cref="RollingMoments"/>) and of Sxy by
    /// <c>Sxy += (k̄ + 1)(y_out − ȳ) + k̄ (y_in − ȳ)</c> (only deviations enter, so the price level never does);
    /// exact two-pass recomputation every 8 windows (64 … 1,024 bars) and whenever the window becomes valid.
    /// Bit-identical to looping <see cref="LinearRegressionState.Update"/>.</para>
    /// </remarks>
    public static void LinearRegression(ReadOnlySpan<double> source, int period, Span<double> slope, Span<double> rSquare)
    {
        Guard.Period(period, min: 2);
        if (!slope.IsEmpty)
        {
            CheckDestination(source.Length, slope);
        }

        if (!rSquare.IsEmpty)
        {
            CheckDestination(source.Length, rSquare);
        }

        var w = new RegressionWindow(period);
        bool wantSlope = !slope.IsEmpty, wantR2 = !rSquare.IsEmpty;
        int k = w.Interval;
        ref double src = ref MemoryMarshal.GetReference(source);
        ref double sl = ref MemoryMarshal.GetReference(slope);
        ref double r2 = ref MemoryMarshal.GetReference(rSquare);
        int n = source.Length;
        int i = 0;
        while (i < n)
        {
            if (w.Valid && i % k != 0)
            {
                // Fast path on locals between two exact recomputations; redone by the careful path if a NaN shows up.
                int end = Math.Min(n, (i / k + 1) * k);
                double shift = w.Shift, mean = w.MeanY, m2 = w.M2, sxy = w.Sxy, previous = w.Previous;
                int run = w.Run;
                bool nan = false;
                for (int j = i; j < end; j++)
                {
                    double x = Unsafe.Add(ref src, j);
                    nan |= double.IsNaN(x);
                    w.Slide(ref mean, ref m2, ref sxy, x - shift, Unsafe.Add(ref src, j - period) - shift);
                    run = x == previous ? run + 1 : 1;
                    previous = x;
                    bool flat = run >= period;
                    if (wantSlope)
                    {
                        Unsafe.Add(ref sl, j) = w.Slope(m2, sxy, flat);
                    }

                    if (wantR2)
                    {
                        Unsafe.Add(ref r2, j) = w.RSquare(m2, sxy, flat);
                    }
                }

                if (!nan)
                {
                    (w.MeanY, w.M2, w.Sxy, w.Run, w.Previous) = (mean, m2, sxy, run, previous);
                    i = end;
                    continue;
                }

                for (; i < end; i++)
                {
                    RegressionStep(ref w, source, i, wantSlope, wantR2, ref sl, ref r2);
                }

                continue;
            }

            RegressionStep(ref w, source, i, wantSlope, wantR2, ref sl, ref r2);
            i++;
        }
    }

    private static void RegressionStep(ref RegressionWindow w, ReadOnlySpan<double> source, int t, bool wantSlope, bool wantR2, ref double sl, ref double r2)
    {
        int p = w.Period;
        bool ready = w.Advance(t, source[t], t >= p ? source[t - p] : double.NaN, out bool recompute);
        if (recompute)
        {
            w.Recompute(source.Slice(t - p + 1, p));
        }

        bool flat = w.Run >= p;
        if (wantSlope)
        {
            Unsafe.Add(ref sl, t) = ready ? w.Slope(w.M2, w.Sxy, flat) : double.NaN;
        }

        if (wantR2)
        {
            Unsafe.Add(ref r2, t) = ready ? w.RSquare(w.M2, w.Sxy, flat) : double.NaN;
        }
    }
}

/// <summary>
/// The shared step of the rolling regression on the bar index: mean, Syy = Σ(y − ȳ)² and Sxy = Σ(k − k̄)(y − ȳ) of
/// y = x − shift, the shift being the window mean at the last exact recomputation.
/// </summary>
internal struct RegressionWindow
{
    public readonly int Period;
    public readonly int Interval;
    public readonly double InverseN;
    public readonly double CenterIndex;
    public readonly double InverseSxx;
    public double Shift;
    public double MeanY;
    public double M2;
    public double Sxy;
    public int Run;
    public double Previous;
    public bool Valid;
    public long LastNan;

    public RegressionWindow(int period)
    {
        double n = period;
        Period = period;
        Interval = WindowSchedule.Interval(period);
        InverseN = 1.0 / n;
        CenterIndex = (n - 1) / 2;
        InverseSxx = 12.0 / (n * (n * n - 1));
        Shift = MeanY = M2 = Sxy = 0;
        Run = 0;
        Previous = double.NaN;
        Valid = false;
        LastNan = long.MinValue / 2;
    }

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
            Slide(ref MeanY, ref M2, ref Sxy, incoming - Shift, outgoing - Shift);
        }

        return true;
    }

    /// <summary>The clean sliding step on shifted values: Welford for mean and Syy, deviations for Sxy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Slide(ref double mean, ref double m2, ref double sxy, double yin, double yout)
    {
        double delta = yin - yout;
        double next = mean + delta * InverseN;
        m2 += delta * ((yin - next) + (yout - mean));
        sxy += (CenterIndex + 1) * (yout - mean) + CenterIndex * (yin - mean);
        mean = next;
    }

    /// <summary>Exact two-pass recomputation from the (NaN-free) window in chronological order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // rare, but inlined so the streaming Update is call-free
    public void Recompute(ReadOnlySpan<double> window)
    {
        double sum = 0;
        foreach (double v in window)
        {
            sum += v;
        }

        double shift = sum / window.Length;
        double sumY = 0;
        foreach (double v in window)
        {
            sumY += v - shift;
        }

        double mean = sumY * InverseN;
        double m2 = 0, sxy = 0;
        for (int k = 0; k < window.Length; k++)
        {
            double d = window[k] - shift - mean;
            m2 += d * d;
            sxy += (k - CenterIndex) * d;
        }

        (Shift, MeanY, M2, Sxy, Valid) = (shift, mean, m2, sxy, true);
    }

    /// <summary>Slope per bar; exactly 0 on a constant window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Slope(double m2, double sxy, bool flat) => flat || !(m2 > 0) ? 0.0 : sxy * InverseSxx;

    /// <summary>R² (≤ 1); NaN on a constant window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double RSquare(double m2, double sxy, bool flat) =>
        flat || !(m2 > 0) ? double.NaN : Math.Min(1.0, sxy * InverseSxx * sxy / m2);
}

/// <summary>Incremental state of <see cref="Indicators.LinearRegression"/>: slope and R² of the last window.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct LinearRegressionState
{
    private MirrorRing _ring;
    private RegressionWindow _w;
    private long _t;

    /// <summary>Creates the state for a window of <paramref name="period"/> values (≥ 2).</summary>
    public LinearRegressionState(int period)
    {
        Guard.Period(period, min: 2);
        _ring = new MirrorRing(period + 1);
        _w = new RegressionWindow(period);
        _t = -1;
        Slope = double.NaN;
        RSquare = double.NaN;
    }

    /// <summary>Slope of the last window per bar (NaN when not ready; 0 on a constant window).</summary>
    public double Slope { get; private set; }

    /// <summary>R² of the last window (NaN when not ready or on a constant window).</summary>
    public double RSquare { get; private set; }

    /// <summary>Adds the next value; returns whether the window is full and free of NaN (<see cref="Slope"/> and <see cref="RSquare"/> defined).</summary>
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

        bool flat = _w.Run >= p;
        Slope = ready ? _w.Slope(_w.M2, _w.Sxy, flat) : double.NaN;
        RSquare = ready ? _w.RSquare(_w.M2, _w.Sxy, flat) : double.NaN;
        return ready;
    }
}
