using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RollingAutocorrelation"/>: <c>period</c> (period pairs need period + 1 values; period ≥ 2).</summary>
    public static int RollingAutocorrelationLookback(int period)
    {
        Guard.Period(period, min: 2);
        return period;
    }

    /// <summary>
    /// Rolling lag-1 autocorrelation: the Pearson correlation of the pairs (x_i, x_(i−1)) for the last
    /// <paramref name="period"/> values of i (pandas <c>x.rolling(period).corr(x.shift(1))</c>).
    /// </summary>
    /// <param name="source">Input series (the catalogue feeds log returns).</param>
    /// <param name="period">Number of pairs (≥ 2).</param>
    /// <param name="destination">Output, at least as long as <paramref name="source"/>.</param>
    /// <remarks>
    /// <para>Each of the two sequences is centred on its own mean (Pearson), unlike the textbook ACF estimator that uses
    /// one common mean and variance. Lookback <c>period</c>; NaN while values t − period … t hold a NaN; NaN when either
    /// sequence is constant (zero variance). Clamped to [−1, 1] against rounding.</para>
    /// <para>Numerics: sums Σa, Σa², Σab (and Σb, Σb² carried from the previous window, whose a-sequence is this window's
    /// b-sequence) of values shifted to the window mean at the last exact recomputation (every 8 windows, 64 … 1,024
    /// bars, and whenever the window becomes valid); constant sequences are detected exactly.
    /// Bit-identical to looping <see cref="RollingAutocorrelationState.Update"/>.</para>
    /// </remarks>
    public static void RollingAutocorrelation(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        CheckDestination(source.Length, destination);
        var w = new AutocorrelationWindow(period);
        int k = w.Interval;
        ref double src = ref MemoryMarshal.GetReference(source);
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int n = source.Length;
        int i = 0;
        while (i < n)
        {
            if (w.Valid && i % k != 0)
            {
                // Fast path on locals between two exact recomputations; redone by the careful path if a NaN shows up.
                int end = Math.Min(n, (i / k + 1) * k);
                double shift = w.Shift, sa = w.Sa, saa = w.Saa, sb = w.Sb, sbb = w.Sbb, sab = w.Sab, previous = w.Previous;
                int run = w.Run, runPrevious = w.RunPrevious;
                bool nan = false;
                for (int j = i; j < end; j++)
                {
                    double x = Unsafe.Add(ref src, j);
                    nan |= double.IsNaN(x);
                    AutocorrelationWindow.Slide(ref sa, ref saa, ref sb, ref sbb, ref sab, x - shift, previous - shift,
                        Unsafe.Add(ref src, j - period) - shift, Unsafe.Add(ref src, j - period - 1) - shift);
                    runPrevious = run;
                    run = x == previous ? run + 1 : 1;
                    previous = x;
                    Unsafe.Add(ref dst, j) = w.Correlation(sa, saa, sb, sbb, sab, run, runPrevious);
                }

                if (!nan)
                {
                    (w.Sa, w.Saa, w.Sb, w.Sbb, w.Sab) = (sa, saa, sb, sbb, sab);
                    (w.Run, w.RunPrevious, w.Previous) = (run, runPrevious, previous);
                    i = end;
                    continue;
                }

                for (; i < end; i++)
                {
                    Unsafe.Add(ref dst, i) = AutocorrelationStep(ref w, source, i);
                }

                continue;
            }

            Unsafe.Add(ref dst, i) = AutocorrelationStep(ref w, source, i);
            i++;
        }
    }

    private static double AutocorrelationStep(ref AutocorrelationWindow w, ReadOnlySpan<double> source, int t)
    {
        int p = w.Period;
        bool full = t > p;
        bool ready = w.Advance(t, source[t], full ? source[t - p] : double.NaN, full ? source[t - p - 1] : double.NaN, out bool recompute);
        if (recompute)
        {
            w.Recompute(source.Slice(t - p, p + 1));
        }

        return ready ? w.Correlation(w.Sa, w.Saa, w.Sb, w.Sbb, w.Sab, w.Run, w.RunPrevious) : double.NaN;
    }
}

/// <summary>
/// The shared step of the rolling lag-1 autocorrelation over pairs (a_i, b_i) = (x_i, x_(i−1)): sums of the shifted
/// values; the b-sums of a window are the a-sums of the previous one.
/// </summary>
internal struct AutocorrelationWindow
{
    public readonly int Period;
    public readonly int Interval;
    public readonly double InverseN;
    public double Shift;
    public double Sa;
    public double Saa;
    public double Sb;
    public double Sbb;
    public double Sab;
    public int Run;
    public int RunPrevious;
    public double Previous;
    public bool Valid;
    public long LastNan;

    public AutocorrelationWindow(int period)
    {
        Period = period;
        Interval = WindowSchedule.Interval(period + 1);
        InverseN = 1.0 / period;
        Shift = Sa = Saa = Sb = Sbb = Sab = 0;
        Run = RunPrevious = 0;
        Previous = double.NaN;
        Valid = false;
        LastNan = long.MinValue / 2;
    }

    /// <summary>Bar t with x_t, x_(t−p) and x_(t−p−1) (the last two NaN before they exist).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Advance(long t, double incoming, double outgoing, double outgoingPrevious, out bool recompute)
    {
        double previous = Previous;
        RunPrevious = Run;
        Run = incoming == previous ? Run + 1 : 1;
        Previous = incoming;
        if (double.IsNaN(incoming))
        {
            LastNan = t;
        }

        if (t < Period || t - LastNan < Period + 1)
        {
            Valid = false;
            recompute = false;
            return false;
        }

        recompute = !Valid || Indicators.IsMultiple(t, Interval);
        if (!recompute)
        {
            Slide(ref Sa, ref Saa, ref Sb, ref Sbb, ref Sab, incoming - Shift, previous - Shift, outgoing - Shift, outgoingPrevious - Shift);
        }

        return true;
    }

    /// <summary>The clean sliding step: a gains x_t and loses x_(t−p); the pair sum gains x_t·x_(t−1) and loses x_(t−p)·x_(t−p−1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Slide(ref double sa, ref double saa, ref double sb, ref double sbb, ref double sab,
        double yin, double yinPrevious, double yout, double youtPrevious)
    {
        sb = sa;
        sbb = saa;
        sa += yin - yout;
        saa += yin * yin - yout * yout;
        sab += yin * yinPrevious - yout * youtPrevious;
    }

    /// <summary>Exact recomputation from the p + 1 (NaN-free) values x_(t−p) … x_t in chronological order, shifted to their mean.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // rare, but inlined so the streaming Update is call-free
    public void Recompute(ReadOnlySpan<double> window)
    {
        double sum = 0;
        foreach (double v in window)
        {
            sum += v;
        }

        double shift = sum / window.Length;
        double first = window[0] - shift;
        double sa = 0, saa = 0, sab = 0;
        double prev = first;
        for (int k = 1; k < window.Length; k++)
        {
            double y = window[k] - shift;
            sa += y;
            saa += y * y;
            sab += y * prev;
            prev = y;
        }

        double last = prev;
        Shift = shift;
        Sa = sa;
        Saa = saa;
        Sb = sa - last + first;
        Sbb = saa - last * last + first * first;
        Sab = sab;
        Valid = true;
    }

    /// <summary>Pearson correlation of the pairs; NaN when either sequence is constant or has no positive variance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Correlation(double sa, double saa, double sb, double sbb, double sab, int run, int runPrevious)
    {
        double va = saa - sa * sa * InverseN;
        double vb = sbb - sb * sb * InverseN;
        double cov = sab - sa * sb * InverseN;
        if (run >= Period || runPrevious >= Period || !(va > 0) || !(vb > 0))
        {
            return double.NaN;
        }

        return Math.Clamp(cov / Math.Sqrt(va * vb), -1.0, 1.0);
    }
}

/// <summary>Incremental state of <see cref="Indicators.RollingAutocorrelation"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct RollingAutocorrelationState
{
    private MirrorRing _ring;
    private AutocorrelationWindow _w;
    private long _t;

    /// <summary>Creates the state for <paramref name="period"/> pairs (≥ 2).</summary>
    public RollingAutocorrelationState(int period)
    {
        Guard.Period(period, min: 2);
        _ring = new MirrorRing(period + 2);
        _w = new AutocorrelationWindow(period);
        _t = -1;
    }

    /// <summary>Adds the next value and returns the lag-1 autocorrelation of the last <c>period</c> pairs (NaN until
    /// <c>period + 1</c> values, while a NaN is among them, or when either sequence is constant).</summary>
    public double Update(double value)
    {
        _ring.Push(value);
        long t = ++_t;
        int p = _w.Period;
        bool full = t > p;
        bool ready = _w.Advance(t, value, full ? _ring.Back(p) : double.NaN, full ? _ring.Back(p + 1) : double.NaN, out bool recompute);
        if (recompute)
        {
            _w.Recompute(_ring.Last(p + 1));
        }

        return ready ? _w.Correlation(_w.Sa, _w.Saa, _w.Sb, _w.Sbb, _w.Sab, _w.Run, _w.RunPrevious) : double.NaN;
    }
}
