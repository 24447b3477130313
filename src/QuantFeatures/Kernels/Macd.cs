using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Macd"/> (all three outputs): <c>(slowPeriod − 1) + (signalPeriod − 1)</c>, TA-Lib's MACD lookback (33 for 12, 26, 9).</summary>
    public static int MacdLookback(int fastPeriod, int slowPeriod, int signalPeriod)
    {
        MacdState.Check(fastPeriod, slowPeriod, signalPeriod);
        return slowPeriod - 1 + (signalPeriod - 1);
    }

    /// <summary>
    /// Moving average convergence/divergence, as TA-Lib <c>MACD</c>: MACD = EMA_fast − EMA_slow, signal = EMA_signal(MACD),
    /// histogram = MACD − signal, with TA-Lib's seeding: both EMAs start together at index <c>slowPeriod − 1</c>, the slow
    /// one seeded with the SMA of the first <c>slowPeriod</c> values and the fast one with the SMA of the last
    /// <c>fastPeriod</c> of them (closes 14 … 25 for 12/26); the signal EMA is seeded with the SMA of the first
    /// <c>signalPeriod</c> MACD values. α = 2 / (period + 1) for each EMA.
    /// </summary>
    /// <param name="source">Input series (usually the close).</param>
    /// <param name="fastPeriod">Fast EMA period (≥ 2, ≤ <paramref name="slowPeriod"/>).</param>
    /// <param name="slowPeriod">Slow EMA period (≥ 2).</param>
    /// <param name="signalPeriod">Signal EMA period (≥ 1).</param>
    /// <param name="macd">Output MACD line.</param>
    /// <param name="signal">Output signal line.</param>
    /// <param name="histogram">Output histogram.</param>
    /// <remarks>
    /// <para>Lookback <c>(slowPeriod − 1) + (signalPeriod − 1)</c> for all three outputs (TA-Lib writes the MACD line only
    /// where the signal exists).</para>
    /// <para>Arithmetic: TA-Lib's own operations in TA-Lib's order (<c>ema = (x − ema)·α + ema</c>, seeds summed left to
    /// right), so the outputs are bit-identical to TA-Lib on clean data. MACD is a difference of two close numbers; an
    /// FMA form of the EMA would drift from TA-Lib by ~1e-11 absolute at crypto price levels, which is more than 1e-9
    /// relative where the line crosses zero.</para>
    /// <para>NaN rule: a NaN input gives NaN in all three outputs and restarts the seeding, as if TA-Lib were started on
    /// the data after it (values return after the lookback again).</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A period below its minimum, or <paramref name="fastPeriod"/> &gt; <paramref name="slowPeriod"/>.</exception>
    public static void Macd(ReadOnlySpan<double> source, int fastPeriod, int slowPeriod, int signalPeriod,
        Span<double> macd, Span<double> signal, Span<double> histogram)
    {
        MacdState.Check(fastPeriod, slowPeriod, signalPeriod);
        CheckDestination(source.Length, macd);
        CheckDestination(source.Length, signal);
        CheckDestination(source.Length, histogram);
        var state = new MacdState(fastPeriod, slowPeriod, signalPeriod);
        ref double src = ref MemoryMarshal.GetReference(source);
        ref double m = ref MemoryMarshal.GetReference(macd);
        ref double s = ref MemoryMarshal.GetReference(signal);
        ref double h = ref MemoryMarshal.GetReference(histogram);
        int n = source.Length;
        int i = 0;
        while (i < n)
        {
            if (state.IsSeeded)
            {
                // Steady state on locals: exactly MacdState.Update on valid values.
                double fast = state.FastEma, slow = state.SlowEma, sig = state.SignalEma;
                double kFast = state.FastAlpha, kSlow = state.SlowAlpha, kSignal = state.SignalAlpha;
                for (; i < n; i++)
                {
                    double x = Unsafe.Add(ref src, i);
                    if (double.IsNaN(x))
                    {
                        break;
                    }

                    slow = MacdState.Step(slow, x, kSlow);
                    fast = MacdState.Step(fast, x, kFast);
                    double line = fast - slow;
                    sig = MacdState.Step(sig, line, kSignal);
                    Unsafe.Add(ref m, i) = line;
                    Unsafe.Add(ref s, i) = sig;
                    Unsafe.Add(ref h, i) = line - sig;
                }

                state.Continue(fast, slow, sig);
                if (i == n)
                {
                    break;
                }
            }

            state.Update(Unsafe.Add(ref src, i));
            Unsafe.Add(ref m, i) = state.Macd;
            Unsafe.Add(ref s, i) = state.Signal;
            Unsafe.Add(ref h, i) = state.Histogram;
            i++;
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.Macd"/> (TA-Lib seeding and arithmetic, restart after NaN).</summary>
public struct MacdState
{
    private readonly int _fast;
    private readonly int _slow;
    private readonly int _signal;
    private int _count;
    private int _signalCount;
    private double _fastSum;
    private double _slowSum;
    private double _signalSum;
    private double _fastEma;
    private double _slowEma;
    private double _signalEma;

    /// <summary>Creates the state for MACD(<paramref name="fastPeriod"/>, <paramref name="slowPeriod"/>, <paramref name="signalPeriod"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A period below its minimum, or fast &gt; slow.</exception>
    public MacdState(int fastPeriod, int slowPeriod, int signalPeriod)
    {
        Check(fastPeriod, slowPeriod, signalPeriod);
        _fast = fastPeriod;
        _slow = slowPeriod;
        _signal = signalPeriod;
        FastAlpha = 2.0 / (fastPeriod + 1);
        SlowAlpha = 2.0 / (slowPeriod + 1);
        SignalAlpha = 2.0 / (signalPeriod + 1);
        Restart();
    }

    /// <summary>The state of a (re)start: nothing seeded (the constructor's, and after a NaN). Inlined, so that
    /// <see cref="Update"/> makes no call on any path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Restart()
    {
        _count = 0;
        _signalCount = 0;
        _fastSum = 0;
        _slowSum = 0;
        _signalSum = 0;
        _fastEma = double.NaN;
        _slowEma = double.NaN;
        _signalEma = double.NaN;
        Macd = double.NaN;
        Signal = double.NaN;
        Histogram = double.NaN;
    }

    /// <summary>The last MACD line (NaN until the signal is seeded).</summary>
    public double Macd { get; private set; }

    /// <summary>The last signal line (NaN until seeded).</summary>
    public double Signal { get; private set; }

    /// <summary>The last histogram, MACD − signal (NaN until seeded).</summary>
    public double Histogram { get; private set; }

    internal readonly double FastAlpha { get; }

    internal readonly double SlowAlpha { get; }

    internal readonly double SignalAlpha { get; }

    internal readonly bool IsSeeded => _signalCount >= _signal;

    internal readonly double FastEma => _fastEma;

    internal readonly double SlowEma => _slowEma;

    internal readonly double SignalEma => _signalEma;

    internal static void Check(int fastPeriod, int slowPeriod, int signalPeriod)
    {
        Guard.Period(fastPeriod, nameof(fastPeriod), min: 2);
        Guard.Period(slowPeriod, nameof(slowPeriod), min: 2);
        Guard.Period(signalPeriod, nameof(signalPeriod));
        if (fastPeriod > slowPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(fastPeriod), fastPeriod,
                $"Parameter 'fastPeriod' must be ≤ slowPeriod ({slowPeriod}); got {fastPeriod}.");
        }
    }

    /// <summary>TA-Lib's EMA step, in TA-Lib's order: <c>((x − ema)·α) + ema</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Step(double ema, double value, double alpha) => ((value - ema) * alpha) + ema;

    internal void Continue(double fast, double slow, double signal)
    {
        _fastEma = fast;
        _slowEma = slow;
        _signalEma = signal;
        Macd = fast - slow;
        Signal = signal;
        Histogram = Macd - signal;
    }

    /// <summary>Adds the next value; returns whether the three outputs are defined (NaN otherwise).</summary>
    public bool Update(double value)
    {
        if (double.IsNaN(value))
        {
            Restart();
            return false;
        }

        double line;
        if (_count >= _slow)
        {
            _slowEma = Step(_slowEma, value, SlowAlpha);
            _fastEma = Step(_fastEma, value, FastAlpha);
            line = _fastEma - _slowEma;
        }
        else
        {
            // Seeding, as TA-Lib: the slow EMA from the first `slow` values, the fast EMA from the last `fast` of them.
            _slowSum += value;
            if (_count >= _slow - _fast)
            {
                _fastSum += value;
            }

            if (++_count < _slow)
            {
                return false;
            }

            _slowEma = _slowSum / _slow;
            _fastEma = _fastSum / _fast;
            line = _fastEma - _slowEma;
        }

        if (_signalCount >= _signal)
        {
            _signalEma = Step(_signalEma, line, SignalAlpha);
        }
        else
        {
            _signalSum += line;
            if (++_signalCount < _signal)
            {
                return false;
            }

            _signalEma = _signalSum / _signal;
        }

        Macd = line;
        Signal = _signalEma;
        Histogram = line - _signalEma;
        return true;
    }
}
