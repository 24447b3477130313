using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="WillR"/>: <c>period − 1</c> (TA-Lib WILLR).</summary>
    public static int WillRLookback(int period)
    {
        Guard.Period(period, min: 2);
        return period - 1;
    }

    /// <summary>
    /// Williams' %R, as TA-Lib <c>WILLR</c>: with HH = max(H) and LL = min(L) over the last <paramref name="period"/> bars,
    /// %R = (HH − C) / ((HH − LL) / −100), in [−100, 0].
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="period">Window length (≥ 2, as TA-Lib).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>. Special value (TA-Lib): 0 when HH = LL (a flat window).</para>
    /// <para>One loop tracks HH and LL with the index where each was reached and rescans the window only when that
    /// extreme leaves it (TA-Lib's method). Extremes are exact and the formula is TA-Lib's, so the values are
    /// bit-identical to TA-Lib on clean data.</para>
    /// <para>NaN rule: NaN while the high/low window holds a NaN (recovers when it leaves) and on a bar whose close is NaN.</para>
    /// </remarks>
    public static void WillR(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        RangeKernel<WillRFormula>(high, low, close, period, destination);
    }

    /// <summary>The shared loop of %R and the stochastic's fast %K: rolling max(H), min(L) with rescans, then a formula.</summary>
    internal static void RangeKernel<TFormula>(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, int period, Span<double> destination)
        where TFormula : struct, IRangeFormula
    {
        Guard.SameLength(high.Length, low.Length, nameof(low));
        Guard.SameLength(high.Length, close.Length, nameof(close));
        CheckDestination(high.Length, destination);
        ref double h = ref MemoryMarshal.GetReference(high);
        ref double l = ref MemoryMarshal.GetReference(low);
        ref double c = ref MemoryMarshal.GetReference(close);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = high.Length;
        int lastNan = -1;
        int hiIdx = -1, loIdx = -1;
        double hi = double.NaN, lo = double.NaN;
        for (int i = 0; i < n; i++)
        {
            double hv = Unsafe.Add(ref h, i), lv = Unsafe.Add(ref l, i);
            int start = i - period + 1;
            if (double.IsNaN(hv) || double.IsNaN(lv))
            {
                lastNan = i;
            }

            if (start <= lastNan)
            {
                // Window not full yet, or it holds a NaN: force a rescan once it is clean.
                hiIdx = loIdx = -1;
                Unsafe.Add(ref d, i) = double.NaN;
                continue;
            }

            if (hiIdx < start)
            {
                hiIdx = HighLowWindow.MaxIndex(ref h, start, i);
                hi = Unsafe.Add(ref h, hiIdx);
            }
            else if (hv >= hi)
            {
                hi = hv;
                hiIdx = i;
            }

            if (loIdx < start)
            {
                loIdx = HighLowWindow.MinIndex(ref l, start, i);
                lo = Unsafe.Add(ref l, loIdx);
            }
            else if (lv <= lo)
            {
                lo = lv;
                loIdx = i;
            }

            Unsafe.Add(ref d, i) = TFormula.Apply(hi, lo, Unsafe.Add(ref c, i));
        }
    }

    /// <summary>The value of a range oscillator from the window's highest high, lowest low and the close.</summary>
    internal interface IRangeFormula
    {
        static abstract double Apply(double highest, double lowest, double close);
    }

    /// <summary>TA-Lib WILLR: <c>(HH − C) / ((HH − LL) / −100)</c>, 0 when HH = LL; NaN when C is NaN.</summary>
    internal readonly struct WillRFormula : IRangeFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Apply(double highest, double lowest, double close)
        {
            double diff = (highest - lowest) / -100.0;
            return diff != 0.0 ? (highest - close) / diff : double.IsNaN(close) ? double.NaN : 0.0;
        }
    }
}

/// <summary>
/// The streaming side of the range oscillators: the highest high and lowest low of the last <c>period</c> bars, with the
/// index where each was reached; the window is rescanned only when that extreme leaves it.
/// </summary>
internal struct HighLowWindow
{
    private readonly double[] _highs;
    private readonly double[] _lows;
    private readonly int _period;
    private long _t;
    private long _lastNan;
    private long _hiIdx;
    private long _loIdx;

    public HighLowWindow(int period)
    {
        _highs = new double[period];
        _lows = new double[period];
        _period = period;
        _t = -1;
        _lastNan = -1;
        _hiIdx = _loIdx = -1;
        Highest = Lowest = double.NaN;
    }

    public double Highest { get; private set; }

    public double Lowest { get; private set; }

    /// <summary>Adds a bar; returns whether the window is full and free of NaN (then <see cref="Highest"/> and <see cref="Lowest"/> hold its extremes).</summary>
    public bool Push(double high, double low)
    {
        long t = ++_t;
        int slot = (int)(t % _period);
        _highs[slot] = high;
        _lows[slot] = low;
        if (double.IsNaN(high) || double.IsNaN(low))
        {
            _lastNan = t;
        }

        long start = t - _period + 1;
        if (start <= _lastNan)
        {
            _hiIdx = _loIdx = -1;
            return false;
        }

        if (_hiIdx < start)
        {
            _hiIdx = start;
            Highest = _highs[(int)(start % _period)];
            for (long b = start + 1; b <= t; b++)
            {
                double v = _highs[(int)(b % _period)];
                if (v >= Highest)
                {
                    Highest = v;
                    _hiIdx = b;
                }
            }
        }
        else if (high >= Highest)
        {
            Highest = high;
            _hiIdx = t;
        }

        if (_loIdx < start)
        {
            _loIdx = start;
            Lowest = _lows[(int)(start % _period)];
            for (long b = start + 1; b <= t; b++)
            {
                double v = _lows[(int)(b % _period)];
                if (v <= Lowest)
                {
                    Lowest = v;
                    _loIdx = b;
                }
            }
        }
        else if (low <= Lowest)
        {
            Lowest = low;
            _loIdx = t;
        }

        return true;
    }

    /// <summary>Index of the highest value of x[start..end] (the latest among ties).</summary>
    public static int MaxIndex(ref double x, int start, int end)
    {
        int best = start;
        double max = Unsafe.Add(ref x, start);
        for (int j = start + 1; j <= end; j++)
        {
            double v = Unsafe.Add(ref x, j);
            if (v >= max)
            {
                max = v;
                best = j;
            }
        }

        return best;
    }

    /// <summary>Index of the lowest value of x[start..end] (the latest among ties).</summary>
    public static int MinIndex(ref double x, int start, int end)
    {
        int best = start;
        double min = Unsafe.Add(ref x, start);
        for (int j = start + 1; j <= end; j++)
        {
            double v = Unsafe.Add(ref x, j);
            if (v <= min)
            {
                min = v;
                best = j;
            }
        }

        return best;
    }
}

/// <summary>Incremental state of <see cref="Indicators.WillR"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct WillRState
{
    private HighLowWindow _window;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars (≥ 2).</summary>
    public WillRState(int period)
    {
        Guard.Period(period, min: 2);
        _window = new HighLowWindow(period);
    }

    /// <summary>Adds the next bar and returns %R (NaN until the window is full, while it holds a NaN, or when the close is NaN).</summary>
    public double Update(double high, double low, double close) =>
        _window.Push(high, low) ? Indicators.WillRFormula.Apply(_window.Highest, _window.Lowest, close) : double.NaN;
}
