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
    /// <para>HH and LL by the van Herk / Gil-Werman block method (3 max/min per bar, no data-dependent branch); the
    /// streaming state tracks them with TA-Lib's rescan-when-the-extreme-leaves method. Extremes are exact and the
    /// formula is TA-Lib's, so the values are bit-identical to TA-Lib on clean data.</para>
    /// <para>NaN rule: NaN while the high/low window holds a NaN (recovers when it leaves) and on a bar whose close is NaN.</para>
    /// </remarks>
    public static void WillR(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        RangeKernel<WillRFormula>(high, low, close, period, destination);
    }

    /// <summary>
    /// The shared loop of %R and the stochastic's fast %K: the highest high and lowest low of each window by the
    /// van Herk / Gil-Werman method on blocks of <paramref name="period"/> bars (window max = max(suffix max of the previous
    /// block from the window start, prefix max of the current block)), kept in two small buffers so every input is read
    /// once, without branches on the data; then the formula. Extremes are exact, so the values equal those of the
    /// rescanning <see cref="HighLowWindow"/> (and TA-Lib's) bit for bit.
    /// </summary>
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
        var rentedHigh = Scratch.Rent(period);
        var rentedLow = Scratch.Rent(period);
        try
        {
            // suffixHigh[k] = max(H[b − period + k … b − 1]) of the previous block (same for lows): a window ending at
            // position k of the current block starts at position k + 1 of the previous one.
            ref double suffixHigh = ref MemoryMarshal.GetArrayDataReference(rentedHigh);
            ref double suffixLow = ref MemoryMarshal.GetArrayDataReference(rentedLow);
            int lastNan = -1;
            for (int b = 0; b < n; b += period)
            {
                int end = Math.Min(n, b + period);
                double prefixHigh = Unsafe.Add(ref h, b), prefixLow = Unsafe.Add(ref l, b);
                for (int i = b; i < end; i++)
                {
                    double hv = Unsafe.Add(ref h, i), lv = Unsafe.Add(ref l, i);
                    if (double.IsNaN(hv + lv))
                    {
                        lastNan = i;
                    }

                    // (NaN only ever reaches windows that are masked below: both parts lie inside the window.)
                    prefixHigh = double.MaxNative(prefixHigh, hv);
                    prefixLow = double.MinNative(prefixLow, lv);
                    if (i - lastNan < period)
                    {
                        // Window not full yet, or it holds a NaN.
                        Unsafe.Add(ref d, i) = double.NaN;
                        continue;
                    }

                    int k = i - b;
                    double hi = k == period - 1 ? prefixHigh : double.MaxNative(Unsafe.Add(ref suffixHigh, k + 1), prefixHigh);
                    double lo = k == period - 1 ? prefixLow : double.MinNative(Unsafe.Add(ref suffixLow, k + 1), prefixLow);
                    Unsafe.Add(ref d, i) = TFormula.Apply(hi, lo, Unsafe.Add(ref c, i));
                }

                if (end - b == period)
                {
                    double sh = Unsafe.Add(ref h, end - 1), sl = Unsafe.Add(ref l, end - 1);
                    Unsafe.Add(ref suffixHigh, period - 1) = sh;
                    Unsafe.Add(ref suffixLow, period - 1) = sl;
                    for (int k = period - 2; k >= 0; k--)
                    {
                        sh = double.MaxNative(Unsafe.Add(ref h, b + k), sh);
                        sl = double.MinNative(Unsafe.Add(ref l, b + k), sl);
                        Unsafe.Add(ref suffixHigh, k) = sh;
                        Unsafe.Add(ref suffixLow, k) = sl;
                    }
                }
            }
        }
        finally
        {
            Scratch.Return(rentedHigh);
            Scratch.Return(rentedLow);
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
/// The streaming side of the range oscillators: the highest high and lowest low of the last <c>period</c> bars, each a
/// <see cref="WindowExtremum{TOrder}"/>; the window is ready when neither series holds a NaN in it.
/// </summary>
internal struct HighLowWindow
{
    private WindowExtremum<Indicators.MaxOrder> _highs;
    private WindowExtremum<Indicators.MinOrder> _lows;

    public HighLowWindow(int period)
    {
        _highs = new WindowExtremum<Indicators.MaxOrder>(period);
        _lows = new WindowExtremum<Indicators.MinOrder>(period);
        Highest = Lowest = double.NaN;
    }

    public double Highest { get; private set; }

    public double Lowest { get; private set; }

    /// <summary>Adds a bar; returns whether the window is full and free of NaN (then <see cref="Highest"/> and <see cref="Lowest"/> hold its extremes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Push(double high, double low)
    {
        double highest = _highs.Update(high), lowest = _lows.Update(low);
        if (double.IsNaN(highest) || double.IsNaN(lowest))
        {
            return false;
        }

        Highest = highest;
        Lowest = lowest;
        return true;
    }
}

/// <summary>
/// The extreme (<typeparamref name="TOrder"/>: maximum or minimum) of the last <c>period</c> values when they hold no NaN
/// (<see cref="HighLowWindow"/> and <see cref="RangePositionState"/> keep two): bar b in slot <c>b % period</c> (a
/// counter), the extreme with its bar, and a rescan in bar order only when that bar leaves the window. An extreme is exact, so it equals any other
/// algorithm's (<see cref="RollingExtremumState"/>, the batch kernels), the later bar winning ties.
/// </summary>
internal struct WindowExtremum<TOrder>
    where TOrder : struct, Indicators.IOrder
{
    private readonly double[] _values;
    private readonly int _period;
    private long _t;
    private int _slot; // the next bar's slot
    private long _lastNan;
    private long _index; // the extreme's bar; −1 while the window is not full and free of NaN
    private double _extreme;

    public WindowExtremum(int period)
    {
        _values = new double[period];
        _period = period;
        _t = -1;
        _slot = 0;
        _lastNan = -1;
        _index = -1;
        _extreme = double.NaN;
    }

    /// <summary>Adds a value; returns the extreme of the last <c>period</c> values, NaN until the window is full or
    /// while it holds a NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Update(double value)
    {
        long t = ++_t;
        int period = _period;
        int slot = _slot;
        _slot = slot + 1 == period ? 0 : slot + 1;
        _values[slot] = value;
        if (double.IsNaN(value))
        {
            _lastNan = t;
        }

        long start = t - period + 1;
        if (start <= _lastNan)
        {
            _index = -1; // also before the window is full (then start ≤ −1 ≤ _lastNan)
            return double.NaN;
        }

        if (_index < start)
        {
            (_extreme, _index) = Rescan(_values, period, _slot, start, t); // the oldest bar's slot is the next one
        }
        else if (TOrder.AtLeast(value, _extreme))
        {
            _extreme = value;
            _index = t;
        }

        return _extreme;
    }

    /// <summary>The extreme of bars start … t (the later bar on ties) and its bar, walking the slots from the start's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double Extreme, long Index) Rescan(double[] values, int period, int slot, long start, long t)
    {
        double extreme = values[slot];
        long index = start;
        for (long b = start + 1; b <= t; b++)
        {
            if (++slot == period)
            {
                slot = 0;
            }

            double v = values[slot];
            if (TOrder.AtLeast(v, extreme))
            {
                extreme = v;
                index = b;
            }
        }

        return (extreme, index);
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
