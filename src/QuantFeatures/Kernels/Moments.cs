using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RollingMoments"/> and the kernels built on it: <c>period − 1</c>.</summary>
    public static int RollingMomentsLookback(int period)
    {
        Guard.Period(period);
        return period - 1;
    }

    /// <summary>
    /// Rolling mean and variance over <paramref name="period"/> bars in one pass.
    /// </summary>
    /// <param name="source">Input series.</param>
    /// <param name="period">Window length (≥ 1; ≥ 2 for the sample variance).</param>
    /// <param name="ddof">Delta degrees of freedom: 1 for the sample variance (n − 1), 0 for the population variance.</param>
    /// <param name="mean">Output mean.</param>
    /// <param name="variance">Output variance.</param>
    /// <remarks>
    /// <para>Numerics: a sliding Welford update of the mean and of the sum of squared deviations from the mean (never
    /// raw sums of squares, so the price level never cancels), recomputed exactly by two passes over the window every
    /// 8 windows (64 … 1,024 bars) and whenever the last NaN leaves the window. Results stay within ~1e-12 relative of
    /// an exact two-pass computation on any series length, even at a price level of 30,000 with a tiny variance.
    /// A window of identical values has a variance of exactly 0.</para>
    /// <para>Lookback <c>period − 1</c>; NaN while the window holds a NaN.</para>
    /// </remarks>
    public static void RollingMoments(ReadOnlySpan<double> source, int period, int ddof, Span<double> mean, Span<double> variance)
    {
        CheckMomentsDdof(period, ddof);
        CheckDestination(source.Length, mean);
        CheckDestination(source.Length, variance);
        var sink = new MeanVarianceSink(mean, variance);
        MomentsLoop(source, period, ddof, ref sink);
    }

    /// <summary>Rolling standard deviation (sample when <paramref name="ddof"/> = 1, population when 0).</summary>
    /// <remarks>Lookback <c>period − 1</c>; NaN while the window holds a NaN. Numerics as <see cref="RollingMoments"/>.</remarks>
    public static void RollingStdDev(ReadOnlySpan<double> source, int period, int ddof, Span<double> destination)
    {
        CheckMomentsDdof(period, ddof);
        CheckDestination(source.Length, destination);
        var sink = new StdDevSink(destination);
        MomentsLoop(source, period, ddof, ref sink);
    }

    /// <summary>Rolling z-score: <c>(x − mean) / std</c> over <paramref name="period"/> bars, sample std.</summary>
    /// <remarks>Lookback <c>period − 1</c>; NaN while the window holds a NaN or when std = 0 (a flat window).
    /// The numerator is formed in the window's centred coordinates, so it keeps full relative precision even when the
    /// deviations are a billionth of the price level.</remarks>
    public static void RollingZScore(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        CheckMomentsDdof(period, 1);
        CheckDestination(source.Length, destination);
        var sink = new ZScoreSink(destination);
        MomentsLoop(source, period, 1, ref sink);
    }

    private static void CheckMomentsDdof(int period, int ddof)
    {
        Guard.Period(period);
        if (ddof < 0 || ddof >= period)
        {
            throw new ArgumentOutOfRangeException(nameof(ddof), ddof, $"Parameter 'ddof' must be in [0, period − 1]; got {ddof} for period {period}.");
        }
    }

    /// <summary>The one loop behind every rolling-moments kernel: the fast path runs MomentsWindow.SlideClean's arithmetic
    /// on locals and hands each bar to the sink; the general path is MomentsWindow itself.</summary>
    internal static void MomentsLoop<TSink>(ReadOnlySpan<double> source, int period, int ddof, ref TSink sink)
        where TSink : struct, IMomentsSink, allows ref struct
    {
        var w = new MomentsWindow(period, ddof);
        int interval = w.Interval;
        ref double src = ref MemoryMarshal.GetReference(source);
        int n = source.Length;
        int i = 0;
        while (i < n)
        {
            int blockEnd = Math.Min(n, (i / interval + 1) * interval);
            if (i >= period && w.NanCount == 0)
            {
                // Fast path on locals: exactly MomentsWindow.SlideClean and .Variance, redone by the general path if a NaN shows up.
                double shift = w.Shift, meanY = w.MeanY, m2 = w.M2, previous = w.Previous, invN = w.InverseN, invDof = w.InverseDof;
                int run = w.Run;
                for (int j = i; j < blockEnd; j++)
                {
                    double xin = Unsafe.Add(ref src, j);
                    double yin = xin - shift;
                    double yout = Unsafe.Add(ref src, j - period) - shift;
                    double delta = yin - yout;
                    double nextMean = meanY + delta * invN;
                    m2 += delta * ((yin - nextMean) + (yout - meanY));
                    meanY = nextMean;
                    run = xin == previous ? run + 1 : 1;
                    previous = xin;
                    sink.Write(j, xin, shift, meanY, run >= period || !(m2 > 0) ? 0.0 : m2 * invDof);
                }

                if (!double.IsNaN(meanY))
                {
                    w.MeanY = meanY;
                    w.M2 = m2;
                    w.Run = run;
                    w.Previous = previous;
                    i = blockEnd;
                    w.AfterBlock(source, i);
                    continue;
                }
            }

            for (; i < blockEnd; i++)
            {
                bool full = i >= period;
                double x = Unsafe.Add(ref src, i);
                if (w.Slide(x, full ? Unsafe.Add(ref src, i - period) : double.NaN, full))
                {
                    w.Recompute(source.Slice(i - period + 1, period), default);
                }

                if (i >= period - 1 && w.NanCount == 0)
                {
                    sink.Write(i, x, w.Shift, w.MeanY, w.Variance);
                }
                else
                {
                    sink.WriteNaN(i);
                }
            }

            w.AfterBlock(source, i);
        }
    }

    /// <summary>Receives each bar's window statistics in centred form: mean = shift + meanY.</summary>
    internal interface IMomentsSink
    {
        void Write(int index, double x, double shift, double meanY, double variance);

        void WriteNaN(int index);
    }

    private readonly ref struct MeanVarianceSink(Span<double> mean, Span<double> variance) : IMomentsSink
    {
        private readonly Span<double> _mean = mean;
        private readonly Span<double> _variance = variance;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Write(int index, double x, double shift, double meanY, double variance)
        {
            _mean[index] = shift + meanY;
            _variance[index] = variance;
        }

        public void WriteNaN(int index)
        {
            _mean[index] = double.NaN;
            _variance[index] = double.NaN;
        }
    }

    private readonly ref struct StdDevSink(Span<double> destination) : IMomentsSink
    {
        private readonly Span<double> _destination = destination;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Write(int index, double x, double shift, double meanY, double variance) => _destination[index] = Math.Sqrt(variance);

        public void WriteNaN(int index) => _destination[index] = double.NaN;
    }

    private readonly ref struct ZScoreSink(Span<double> destination) : IMomentsSink
    {
        private readonly Span<double> _destination = destination;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Write(int index, double x, double shift, double meanY, double variance) =>
            _destination[index] = MomentsWindow.ZScore(x, shift, meanY, variance);

        public void WriteNaN(int index) => _destination[index] = double.NaN;
    }
}

/// <summary>
/// The shared step of rolling mean/variance: a sliding Welford update (mean and sum of squared deviations M2) in
/// coordinates centred on a recent value (so the price level never enters the rounding),
/// maintained only while the window is free of NaN, recomputed exactly (two-pass) when the last NaN leaves the
/// window and every <see cref="Interval"/> updates, with an exact zero variance on flat windows.
/// </summary>
internal struct MomentsWindow
{
    public readonly int Period;

    /// <summary>Updates between exact recomputations: 8 windows, clamped to 64 … 1,024.</summary>
    public readonly int Interval;
    public readonly double InverseN;
    public readonly double InverseDof;
    public double Shift;
    public double MeanY;
    public double M2;
    public int Count;
    public int NanCount;
    public int Run;
    public double Previous;

    public MomentsWindow(int period, int ddof)
    {
        Period = period;
        Interval = Math.Clamp(8 * period, 64, Indicators.RecomputeInterval);
        InverseN = 1.0 / period;
        InverseDof = 1.0 / (period - ddof);
        Shift = double.NaN;
        MeanY = 0;
        M2 = 0;
        Count = 0;
        NanCount = 0;
        Run = 0;
        Previous = double.NaN;
    }

    /// <summary>(x − mean) / √variance formed in centred coordinates; NaN when the variance is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ZScore(double x, double shift, double meanY, double variance)
    {
        double sd = Math.Sqrt(variance);
        return sd > 0 ? ((x - shift) - meanY) / sd : double.NaN;
    }

    /// <summary>Mean of a full window.</summary>
    public readonly double Mean
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Shift + MeanY;
    }

    /// <summary>Variance of a full window; exactly 0 when the window holds one repeated value.</summary>
    public readonly double Variance
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Run >= Period || !(M2 > 0) ? 0.0 : M2 * InverseDof;
    }

    /// <summary>Full window, both values valid, no NaN in the window: the fixed-n sliding Welford step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SlideClean(double incoming, double outgoing)
    {
        double yin = incoming - Shift;
        double yout = outgoing - Shift;
        double delta = yin - yout;
        double mean = MeanY + delta * InverseN;
        M2 += delta * ((yin - mean) + (yout - MeanY));
        MeanY = mean;
        Run = incoming == Previous ? Run + 1 : 1;
        Previous = incoming;
    }

    /// <summary>One update; returns true when the caller must <see cref="Recompute"/> from the window (the last NaN just left it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Slide(double incoming, double outgoing, bool full)
    {
        bool inNan = double.IsNaN(incoming);
        if (full && NanCount == 0 && !inNan)
        {
            SlideClean(incoming, outgoing);
            return false;
        }

        return SlideSlow(incoming, outgoing, full, inNan);
    }

    private bool SlideSlow(double incoming, double outgoing, bool full, bool inNan)
    {
        bool recompute = false;
        if (full && double.IsNaN(outgoing))
        {
            NanCount--;
            recompute = NanCount == 0 && !inNan;
        }

        if (inNan)
        {
            NanCount++;
            Run = 0;
        }
        else
        {
            Run = incoming == Previous ? Run + 1 : 1;
            if (NanCount == 0 && !recompute && !full)
            {
                // Growing window: Welford's add, in coordinates centred on the first value.
                if (Count++ == 0)
                {
                    Shift = incoming;
                }

                double y = incoming - Shift;
                double delta = y - MeanY;
                MeanY += delta / Count;
                M2 += delta * (y - MeanY);
            }
        }

        Previous = incoming;
        return recompute;
    }

    public void AfterBlock(ReadOnlySpan<double> source, int updates)
    {
        if (updates % Interval == 0 && NanCount == 0)
        {
            int start = Math.Max(0, updates - Period);
            Recompute(source.Slice(start, updates - start), default);
        }
    }

    /// <summary>Re-centres on the window's latest value and recomputes mean and M2 exactly (two passes) from the window
    /// given in chronological order as two parts (called only when the window holds no NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // also inlined into the streaming state's Update
    public void Recompute(ReadOnlySpan<double> older, ReadOnlySpan<double> newer)
    {
        double shift = newer.Length > 0 ? newer[^1] : older.Length > 0 ? older[^1] : 0;
        double sum = 0;
        int count = 0;
        foreach (double v in older)
        {
            sum += v - shift;
            count++;
        }

        foreach (double v in newer)
        {
            sum += v - shift;
            count++;
        }

        double mean = count > 0 ? sum / count : 0;
        double m2 = 0;
        foreach (double v in older)
        {
            double d = v - shift - mean;
            m2 += d * d;
        }

        foreach (double v in newer)
        {
            double d = v - shift - mean;
            m2 += d * d;
        }

        Shift = shift;
        MeanY = mean;
        M2 = m2;
        Count = count;
    }
}

/// <summary>Incremental state of <see cref="Indicators.RollingMoments"/>: rolling mean and variance.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct RollingMomentsState
{
    private Ring _ring;
    private MomentsWindow _w;
    private int _updates;

    /// <summary>Creates the state (<paramref name="ddof"/> 1 = sample variance, 0 = population).</summary>
    public RollingMomentsState(int period, int ddof)
    {
        Guard.Period(period);
        if (ddof < 0 || ddof >= period)
        {
            throw new ArgumentOutOfRangeException(nameof(ddof), ddof, $"Parameter 'ddof' must be in [0, period − 1]; got {ddof} for period {period}.");
        }

        _ring = new Ring(period);
        _w = new MomentsWindow(period, ddof);
        _updates = 0;
        Mean = double.NaN;
        Variance = double.NaN;
        ZScore = double.NaN;
    }

    /// <summary>Mean of the last window (NaN when not ready).</summary>
    public double Mean { get; private set; }

    /// <summary>Variance of the last window (NaN when not ready).</summary>
    public double Variance { get; private set; }

    /// <summary>Z-score of the last value in its window, <c>(x − mean) / √variance</c> (NaN when not ready or the variance is 0).</summary>
    public double ZScore { get; private set; }

    /// <summary>Adds the next value; returns whether the mean and variance are defined (window full, no NaN in it).</summary>
    public bool Update(double value)
    {
        bool full = _ring.IsFull;
        double outgoing = _ring.Push(value);
        if (_w.Slide(value, outgoing, full))
        {
            Recompute();
        }

        bool ready = _ring.IsFull && _w.NanCount == 0;
        Mean = ready ? _w.Mean : double.NaN;
        Variance = ready ? _w.Variance : double.NaN;
        ZScore = ready ? MomentsWindow.ZScore(value, _w.Shift, _w.MeanY, _w.Variance) : double.NaN;
        if (Indicators.IsMultiple(++_updates, _w.Interval) && _w.NanCount == 0)
        {
            Recompute();
        }

        return ready;
    }

    private void Recompute()
    {
        _ring.Parts(out var older, out var newer);
        _w.Recompute(older, newer);
    }
}
