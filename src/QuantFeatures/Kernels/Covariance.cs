using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RollingCovariance"/> and <see cref="RollingCorrelation"/>: <c>period − 1</c>.</summary>
    public static int RollingCovarianceLookback(int period)
    {
        Guard.Period(period, min: 2);
        return period - 1;
    }

    /// <summary>Rolling covariance of the pairs (x_i, y_i) over the last <paramref name="period"/> bars.</summary>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series, paired index by index with <paramref name="x"/>.</param>
    /// <param name="period">Window length in pairs (≥ 2).</param>
    /// <param name="ddof">Delta degrees of freedom: 1 for the sample covariance (n − 1), 0 for the population covariance.</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Formula: <c>Σ (x_i − x̄)(y_i − ȳ) / (period − ddof)</c>. Lookback <c>period − 1</c>. A pair is missing when
    /// either value is NaN; the output is NaN while the window holds a missing pair. When either series holds one
    /// repeated value over the whole window the covariance is exactly 0.</para>
    /// <para>Numerics: a sliding Welford update of both means, both sums of squared deviations and the co-moment, in
    /// coordinates centred on a recent pair (so price levels never cancel), recomputed exactly (two passes) every
    /// 8 windows (64 … 1,024 pairs) and when the last missing pair leaves the window. Bit-identical to looping
    /// <see cref="RollingCovarianceState.Update"/>.</para>
    /// </remarks>
    public static void RollingCovariance(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int period, int ddof, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        CheckDdof(period, ddof);
        Guard.SameLength(x.Length, y.Length, nameof(y));
        CheckDestination(x.Length, destination);
        CovarianceLoop(x, y, period, new CovarianceOutput(1.0 / (period - ddof)), destination);
    }

    /// <summary>Rolling Pearson correlation of the pairs (x_i, y_i) over the last <paramref name="period"/> bars.</summary>
    /// <param name="x">First series.</param>
    /// <param name="y">Second series, paired index by index with <paramref name="x"/>.</param>
    /// <param name="period">Window length in pairs (≥ 2).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Formula: <c>Σ (x_i − x̄)(y_i − ȳ) / √(Σ (x_i − x̄)² · Σ (y_i − ȳ)²)</c>, clamped to [−1, 1]. Lookback
    /// <c>period − 1</c>. NaN while the window holds a missing pair (either value NaN), and NaN when either series
    /// is constant over the window (a correlation with a constant is undefined).</para>
    /// <para>Numerics as <see cref="RollingCovariance"/>. Bit-identical to looping <see cref="RollingCovarianceState.Update"/>
    /// and reading <see cref="RollingCovarianceState.Correlation"/>.</para>
    /// </remarks>
    public static void RollingCorrelation(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        Guard.SameLength(x.Length, y.Length, nameof(y));
        CheckDestination(x.Length, destination);
        CovarianceLoop(x, y, period, default(CorrelationOutput), destination);
    }

    private static void CheckDdof(int period, int ddof)
    {
        if (ddof < 0 || ddof >= period)
        {
            throw new ArgumentOutOfRangeException(nameof(ddof), ddof, $"Parameter 'ddof' must be in [0, period − 1]; got {ddof} for period {period}.");
        }
    }

    private static void CovarianceLoop<TOutput>(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int period, TOutput output, Span<double> destination)
        where TOutput : struct, ICovarianceOutput
    {
        var w = new CovarianceWindow(period);
        int interval = w.Interval;
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ys = ref MemoryMarshal.GetReference(y);
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int n = x.Length;
        int i = 0;
        while (i < n)
        {
            int blockEnd = Math.Min(n, (i / interval + 1) * interval);
            if (i >= period && w.NanCount == 0)
            {
                // Fast path on locals: exactly CovarianceWindow.SlideClean; redone by the careful path if a NaN shows up.
                double shiftX = w.ShiftX, shiftY = w.ShiftY, meanX = w.MeanX, meanY = w.MeanY, m2x = w.M2X, m2y = w.M2Y, cxy = w.Cxy;
                double previousX = w.PreviousX, previousY = w.PreviousY, invN = w.InverseN;
                int runX = w.RunX, runY = w.RunY;
                for (int j = i; j < blockEnd; j++)
                {
                    double xin = Unsafe.Add(ref xs, j), yin = Unsafe.Add(ref ys, j);
                    double ax = xin - shiftX, bx = Unsafe.Add(ref xs, j - period) - shiftX;
                    double ay = yin - shiftY, by = Unsafe.Add(ref ys, j - period) - shiftY;
                    double dx = ax - bx, dy = ay - by;
                    double nextX = meanX + dx * invN, nextY = meanY + dy * invN;
                    m2x += dx * ((ax - nextX) + (bx - meanX));
                    m2y += dy * ((ay - nextY) + (by - meanY));
                    cxy += dx * (ay - nextY) + (bx - meanX) * dy;
                    meanX = nextX;
                    meanY = nextY;
                    runX = xin == previousX ? runX + 1 : 1;
                    runY = yin == previousY ? runY + 1 : 1;
                    previousX = xin;
                    previousY = yin;
                    Unsafe.Add(ref dst, j) = output.Emit(cxy, m2x, m2y, runX >= period || runY >= period);
                }

                if (!double.IsNaN(meanX + meanY))
                {
                    w.MeanX = meanX;
                    w.MeanY = meanY;
                    w.M2X = m2x;
                    w.M2Y = m2y;
                    w.Cxy = cxy;
                    w.RunX = runX;
                    w.RunY = runY;
                    w.PreviousX = previousX;
                    w.PreviousY = previousY;
                    i = blockEnd;
                    w.AfterBlock(x, y, i);
                    continue;
                }
            }

            for (; i < blockEnd; i++)
            {
                bool full = i >= period;
                if (w.Slide(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i),
                    full ? Unsafe.Add(ref xs, i - period) : double.NaN, full ? Unsafe.Add(ref ys, i - period) : double.NaN, full))
                {
                    int start = i - period + 1;
                    w.Recompute(x.Slice(start, period), default, y.Slice(start, period), default);
                }

                Unsafe.Add(ref dst, i) = i >= period - 1 && w.NanCount == 0 ? output.Emit(w.Cxy, w.M2X, w.M2Y, w.Flat) : double.NaN;
            }

            w.AfterBlock(x, y, i);
        }
    }

    /// <summary>What a covariance loop writes per bar, from the co-moment and the two sums of squared deviations.</summary>
    internal interface ICovarianceOutput
    {
        double Emit(double coMoment, double m2x, double m2y, bool flat);
    }

    internal readonly struct CovarianceOutput(double inverseDof) : ICovarianceOutput
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Emit(double coMoment, double m2x, double m2y, bool flat) => CovarianceWindow.CovarianceOf(coMoment, flat, inverseDof);
    }

    internal readonly struct CorrelationOutput : ICovarianceOutput
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Emit(double coMoment, double m2x, double m2y, bool flat) => CovarianceWindow.CorrelationOf(coMoment, m2x, m2y, flat);
    }
}

/// <summary>
/// The shared step of rolling covariance and correlation: a sliding Welford update of the two means, the two sums of
/// squared deviations (M2) and the co-moment Σ(x − x̄)(y − ȳ), in coordinates centred on a recent pair, maintained only
/// while the window is free of missing pairs, recomputed exactly (two-pass) when the last missing pair leaves the window
/// and every <see cref="Interval"/> updates. Runs of repeated values make a constant series exactly flat.
/// </summary>
internal struct CovarianceWindow
{
    public readonly int Period;

    /// <summary>Updates between exact recomputations: 8 windows, clamped to 64 … 1,024.</summary>
    public readonly int Interval;
    public readonly double InverseN;
    public double ShiftX;
    public double ShiftY;
    public double MeanX;
    public double MeanY;
    public double M2X;
    public double M2Y;
    public double Cxy;
    public int Count;
    public int NanCount;
    public int RunX;
    public int RunY;
    public double PreviousX;
    public double PreviousY;

    public CovarianceWindow(int period)
    {
        Period = period;
        Interval = Math.Clamp(8 * period, 64, Indicators.RecomputeInterval);
        InverseN = 1.0 / period;
        ShiftX = double.NaN;
        ShiftY = double.NaN;
        MeanX = 0;
        MeanY = 0;
        M2X = 0;
        M2Y = 0;
        Cxy = 0;
        Count = 0;
        NanCount = 0;
        RunX = 0;
        RunY = 0;
        PreviousX = double.NaN;
        PreviousY = double.NaN;
    }

    /// <summary>Whether either series holds one repeated value over the whole window.</summary>
    public readonly bool Flat
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => RunX >= Period || RunY >= Period;
    }

    /// <summary>Covariance from the co-moment: exactly 0 on a flat window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double CovarianceOf(double coMoment, bool flat, double inverseDof) => flat ? 0.0 : coMoment * inverseDof;

    /// <summary>Correlation from the co-moment and the M2s, clamped to [−1, 1]; NaN on a flat window or a zero M2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double CorrelationOf(double coMoment, double m2x, double m2y, bool flat)
    {
        if (flat || !(m2x > 0) || !(m2y > 0))
        {
            return double.NaN;
        }

        double denominator = Math.Sqrt(m2x * m2y);
        if (!(denominator > 0) || double.IsPositiveInfinity(denominator))
        {
            // The product under- or overflowed: take the roots apart.
            denominator = Math.Sqrt(m2x) * Math.Sqrt(m2y);
        }

        double r = coMoment / denominator;
        return r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
    }

    /// <summary>Full window, both pairs valid, no missing pair in the window: the fixed-n sliding Welford step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SlideClean(double xin, double yin, double xout, double yout)
    {
        double ax = xin - ShiftX, bx = xout - ShiftX;
        double ay = yin - ShiftY, by = yout - ShiftY;
        double dx = ax - bx, dy = ay - by;
        double nextX = MeanX + dx * InverseN, nextY = MeanY + dy * InverseN;
        M2X += dx * ((ax - nextX) + (bx - MeanX));
        M2Y += dy * ((ay - nextY) + (by - MeanY));
        Cxy += dx * (ay - nextY) + (bx - MeanX) * dy;
        MeanX = nextX;
        MeanY = nextY;
        RunX = xin == PreviousX ? RunX + 1 : 1;
        RunY = yin == PreviousY ? RunY + 1 : 1;
        PreviousX = xin;
        PreviousY = yin;
    }

    /// <summary>One update; returns true when the caller must <see cref="Recompute"/> from the window (the last missing pair just left it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Slide(double xin, double yin, double xout, double yout, bool full)
    {
        bool inNan = double.IsNaN(xin) || double.IsNaN(yin);
        if (full && NanCount == 0 && !inNan)
        {
            SlideClean(xin, yin, xout, yout);
            return false;
        }

        return SlideSlow(xin, yin, xout, yout, full, inNan);
    }

    private bool SlideSlow(double xin, double yin, double xout, double yout, bool full, bool inNan)
    {
        bool recompute = false;
        if (full && (double.IsNaN(xout) || double.IsNaN(yout)))
        {
            NanCount--;
            recompute = NanCount == 0 && !inNan;
        }

        if (inNan)
        {
            NanCount++;
            RunX = 0;
            RunY = 0;
        }
        else
        {
            RunX = xin == PreviousX ? RunX + 1 : 1;
            RunY = yin == PreviousY ? RunY + 1 : 1;
            if (NanCount == 0 && !recompute && !full)
            {
                // Growing window: Welford's add, in coordinates centred on the first pair.
                if (Count++ == 0)
                {
                    ShiftX = xin;
                    ShiftY = yin;
                }

                double ax = xin - ShiftX, ay = yin - ShiftY;
                double dx = ax - MeanX;
                MeanX += dx / Count;
                double dy = ay - MeanY;
                MeanY += dy / Count;
                M2X += dx * (ax - MeanX);
                M2Y += dy * (ay - MeanY);
                Cxy += dx * (ay - MeanY);
            }
        }

        PreviousX = xin;
        PreviousY = yin;
        return recompute;
    }

    public void AfterBlock(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int updates)
    {
        if (updates % Interval == 0 && NanCount == 0)
        {
            int start = Math.Max(0, updates - Period);
            Recompute(x.Slice(start, updates - start), default, y.Slice(start, updates - start), default);
        }
    }

    /// <summary>Re-centres on the window's latest pair and recomputes means, M2s and co-moment exactly (two passes) from
    /// the window given in chronological order as two parts per series (called only when the window holds no missing pair).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // also inlined into the streaming state's Update
    public void Recompute(ReadOnlySpan<double> olderX, ReadOnlySpan<double> newerX, ReadOnlySpan<double> olderY, ReadOnlySpan<double> newerY)
    {
        double shiftX = newerX.Length > 0 ? newerX[^1] : olderX.Length > 0 ? olderX[^1] : 0;
        double shiftY = newerY.Length > 0 ? newerY[^1] : olderY.Length > 0 ? olderY[^1] : 0;
        double sumX = 0, sumY = 0;
        int count = olderX.Length + newerX.Length;
        for (int k = 0; k < olderX.Length; k++)
        {
            sumX += olderX[k] - shiftX;
            sumY += olderY[k] - shiftY;
        }

        for (int k = 0; k < newerX.Length; k++)
        {
            sumX += newerX[k] - shiftX;
            sumY += newerY[k] - shiftY;
        }

        double meanX = count > 0 ? sumX / count : 0;
        double meanY = count > 0 ? sumY / count : 0;
        double m2x = 0, m2y = 0, cxy = 0;
        for (int k = 0; k < olderX.Length; k++)
        {
            double dx = olderX[k] - shiftX - meanX, dy = olderY[k] - shiftY - meanY;
            m2x += dx * dx;
            m2y += dy * dy;
            cxy += dx * dy;
        }

        for (int k = 0; k < newerX.Length; k++)
        {
            double dx = newerX[k] - shiftX - meanX, dy = newerY[k] - shiftY - meanY;
            m2x += dx * dx;
            m2y += dy * dy;
            cxy += dx * dy;
        }

        ShiftX = shiftX;
        ShiftY = shiftY;
        MeanX = meanX;
        MeanY = meanY;
        M2X = m2x;
        M2Y = m2y;
        Cxy = cxy;
        Count = count;
    }
}

/// <summary>Incremental state of <see cref="Indicators.RollingCovariance"/> and <see cref="Indicators.RollingCorrelation"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct RollingCovarianceState
{
    private Ring _x;
    private Ring _y;
    private CovarianceWindow _w;
    private readonly double _inverseDof;
    private int _updates;

    /// <summary>Creates the state for a window of <paramref name="period"/> pairs (≥ 2); <paramref name="ddof"/> 1 gives the
    /// sample covariance, 0 the population covariance (the correlation does not depend on it).</summary>
    public RollingCovarianceState(int period, int ddof = 1)
    {
        Guard.Period(period, min: 2);
        if (ddof < 0 || ddof >= period)
        {
            throw new ArgumentOutOfRangeException(nameof(ddof), ddof, $"Parameter 'ddof' must be in [0, period − 1]; got {ddof} for period {period}.");
        }

        _x = new Ring(period);
        _y = new Ring(period);
        _w = new CovarianceWindow(period);
        _inverseDof = 1.0 / (period - ddof);
        _updates = 0;
        Covariance = double.NaN;
        Correlation = double.NaN;
    }

    /// <summary>Covariance of the last window (NaN when not ready).</summary>
    public double Covariance { get; private set; }

    /// <summary>Correlation of the last window (NaN when not ready or when either series is constant over it).</summary>
    public double Correlation { get; private set; }

    /// <summary>Adds the next pair; returns whether the window is full and free of missing pairs.</summary>
    public bool Update(double x, double y)
    {
        bool full = _x.IsFull;
        double xout = _x.Push(x);
        double yout = _y.Push(y);
        if (_w.Slide(x, y, xout, yout, full))
        {
            Recompute();
        }

        bool ready = _x.IsFull && _w.NanCount == 0;
        Covariance = ready ? CovarianceWindow.CovarianceOf(_w.Cxy, _w.Flat, _inverseDof) : double.NaN;
        Correlation = ready ? CovarianceWindow.CorrelationOf(_w.Cxy, _w.M2X, _w.M2Y, _w.Flat) : double.NaN;
        if (Indicators.IsMultiple(++_updates, _w.Interval) && _w.NanCount == 0)
        {
            Recompute();
        }

        return ready;
    }

    private void Recompute()
    {
        _x.Parts(out var olderX, out var newerX);
        _y.Parts(out var olderY, out var newerY);
        _w.Recompute(olderX, newerX, olderY, newerY);
    }
}
