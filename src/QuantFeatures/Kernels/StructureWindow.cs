using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace QuantFeatures.Kernels;

/// <summary>
/// A ring buffer stored twice (at <c>p</c> and <c>p + capacity</c>) so that the last <c>m ≤ capacity</c> values are
/// always one contiguous span in chronological order: the streaming states hand exactly the same span shape to the
/// exact recomputations as the batch kernels (a slice of the source), so both run the same arithmetic.
/// </summary>
internal struct MirrorRing
{
    private readonly double[] _buffer;
    private readonly int _capacity;
    private int _pos;

    public MirrorRing(int capacity)
    {
        _capacity = capacity;
        _buffer = new double[2 * capacity];
        Array.Fill(_buffer, double.NaN);
        _pos = 0;
        Count = 0;
    }

    /// <summary>Number of values pushed (saturates at the capacity).</summary>
    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(double value)
    {
        int pos = _pos;
        _buffer[pos] = value;
        _buffer[pos + _capacity] = value;
        _pos = ++pos == _capacity ? 0 : pos;
        if (Count < _capacity)
        {
            Count++;
        }
    }

    /// <summary>The value <paramref name="back"/> steps ago (0 = the latest); NaN before the first push that far back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Back(int back) => _buffer[_pos + _capacity - 1 - back];

    /// <summary>The last <paramref name="m"/> values (m ≤ capacity) in chronological order.</summary>
    public readonly ReadOnlySpan<double> Last(int m) => _buffer.AsSpan(_pos + _capacity - m, m);
}

/// <summary>Shared constants of the rolling statistics kernels.</summary>
internal static class WindowSchedule
{
    /// <summary>
    /// Updates between exact recomputations of a window's running sums: 8 windows, clamped to 64 … 1,024 (as
    /// <see cref="MomentsWindow"/>). The exact recomputation happens at every bar index <c>t</c> that is a multiple of
    /// the interval (and whenever the window becomes valid again after a NaN), so batch and streaming agree.
    /// </summary>
    public static int Interval(int window) => Math.Clamp(8 * window, 64, Indicators.RecomputeInterval);
}

/// <summary>
/// Rolling sum of a term series (range-volatility terms, absolute changes): <c>sum += in − out</c> on clean windows,
/// an exact recomputation at every multiple of <see cref="Interval"/> and whenever the window becomes valid
/// (first full window, or the last NaN leaving it), and a count of non-zero terms so that a window of zero terms
/// has a sum of exactly 0 (flat prices give exactly 0, never rounding residue).
/// </summary>
internal struct TermSumWindow
{
    public readonly int Period;
    public readonly int Interval;
    public double Sum;
    public int NonZero;
    public bool Valid;
    public long LastNan;

    public TermSumWindow(int period)
    {
        Period = period;
        Interval = WindowSchedule.Interval(period);
        Sum = 0;
        NonZero = 0;
        Valid = false;
        LastNan = long.MinValue / 2;
    }

    /// <summary>
    /// Bar <paramref name="t"/>: returns whether the window ending at t is full and free of NaN. When it is, either slides
    /// (<paramref name="recompute"/> false) or asks the caller to <see cref="Recompute"/> from the window.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Advance(long t, double incoming, double outgoing, out bool recompute)
    {
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
            (Sum, NonZero) = Slide(Sum, NonZero, incoming, outgoing);
        }

        return true;
    }

    /// <summary>The clean sliding step, shared by the batch fast path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Sum, int NonZero) Slide(double sum, int nonZero, double incoming, double outgoing)
    {
        sum += incoming - outgoing;
        nonZero += (incoming != 0 ? 1 : 0) - (outgoing != 0 ? 1 : 0);
        return (nonZero == 0 ? 0.0 : sum, nonZero);
    }

    /// <summary>Exact sum of the (NaN-free) window in chronological order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // also inlined into the streaming state's Update
    public void Recompute(ReadOnlySpan<double> window)
    {
        double s = 0;
        int nz = 0;
        foreach (double v in window)
        {
            Accumulate(ref s, ref nz, v);
        }

        SetExact(s, nz);
    }

    /// <summary>One term of an exact recomputation (chronological order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(ref double sum, ref int nonZero, double value)
    {
        sum += value;
        nonZero += value != 0 ? 1 : 0;
    }

    /// <summary>Ends an exact recomputation.</summary>
    public void SetExact(double sum, int nonZero)
    {
        Sum = nonZero == 0 ? 0.0 : sum;
        NonZero = nonZero;
        Valid = true;
    }
}

/// <summary>Streaming side of <see cref="TermSumWindow"/>: one <see cref="Update"/> per bar.</summary>
internal struct TermSumState
{
    private MirrorRing _ring;
    private TermSumWindow _w;
    private long _t;

    public TermSumState(int period)
    {
        _ring = new MirrorRing(period + 1);
        _w = new TermSumWindow(period);
        _t = -1;
    }

    /// <summary>Adds the next term; returns the window sum (NaN until full or while a NaN is in the window).</summary>
    /// <remarks>The batch side is <see cref="Indicators.RollingTermSum{TSeries}"/>.</remarks>
    public double Update(double term)
    {
        _ring.Push(term);
        long t = ++_t;
        int p = _w.Period;
        double outgoing = t >= p ? _ring.Back(p) : double.NaN;
        if (!_w.Advance(t, term, outgoing, out bool recompute))
        {
            return double.NaN;
        }

        if (recompute)
        {
            _w.Recompute(_ring.Last(p));
        }

        return _w.Sum;
    }
}

/// <summary>A per-bar term series read by <see cref="Indicators.RollingTermSum{TSeries}"/>, and how a window sum becomes the output.</summary>
internal interface ITermSeries
{
    /// <summary>The term of bar <paramref name="t"/> (NaN when an input it needs is NaN or missing).</summary>
    double Term(int t);

    /// <summary>The output at bar <paramref name="t"/> from the sum of the window's terms.</summary>
    double Finish(double sum, int t);
}

public static partial class Indicators
{
    /// <summary>
    /// Batch side of <see cref="TermSumWindow"/>: <c>destination[t] = series.Finish(Σ terms[t−period+1 .. t], t)</c>, NaN
    /// while the window is partial or holds a NaN term. Bit-identical to feeding the terms to
    /// <see cref="TermSumState.Update"/> and finishing the same way (terms are recomputed for the outgoing bar instead
    /// of being stored, with the same function on the same inputs).
    /// </summary>
    internal static void RollingTermSum<TSeries>(scoped ref TSeries series, int n, int period, Span<double> destination)
        where TSeries : struct, ITermSeries, allows ref struct
    {
        var w = new TermSumWindow(period);
        int k = w.Interval;
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        while (i < n)
        {
            if (w.Valid && i % k != 0)
            {
                // Fast path on locals between two exact recomputations: TermSumWindow.Slide without NaN bookkeeping,
                // redone by the careful path below if a NaN shows up in the block.
                int end = Math.Min(n, (i / k + 1) * k);
                double sum = w.Sum;
                int nz = w.NonZero;
                bool nan = false;
                for (int j = i; j < end; j++)
                {
                    double x = series.Term(j);
                    nan |= double.IsNaN(x);
                    (sum, nz) = TermSumWindow.Slide(sum, nz, x, series.Term(j - period));
                    Unsafe.Add(ref dst, j) = series.Finish(sum, j);
                }

                if (!nan)
                {
                    w.Sum = sum;
                    w.NonZero = nz;
                    i = end;
                    continue;
                }

                for (; i < end; i++)
                {
                    Unsafe.Add(ref dst, i) = TermSumStep(ref series, ref w, i);
                }

                continue;
            }

            Unsafe.Add(ref dst, i) = TermSumStep(ref series, ref w, i);
            i++;
        }
    }

    private static double TermSumStep<TSeries>(scoped ref TSeries series, ref TermSumWindow w, int t)
        where TSeries : struct, ITermSeries, allows ref struct
    {
        int p = w.Period;
        if (!w.Advance(t, series.Term(t), t >= p ? series.Term(t - p) : double.NaN, out bool recompute))
        {
            return double.NaN;
        }

        if (recompute)
        {
            double s = 0;
            int nz = 0;
            for (int j = t - p + 1; j <= t; j++)
            {
                TermSumWindow.Accumulate(ref s, ref nz, series.Term(j));
            }

            w.SetExact(s, nz);
        }

        return series.Finish(w.Sum, t);
    }
}
